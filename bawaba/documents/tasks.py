from django_tasks import task

from bawaba.documents.services.invitations import carry_out_request


@task()
def invite_requested(request_id: int) -> int:
    """Carry out an invitation to upload (a second delivery finds it done); the number invited."""
    request = carry_out_request(request_id)
    return request.invited if request is not None else 0
