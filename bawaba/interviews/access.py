"""Who may see which interview sessions and convocations: interviewers and supervisors their provinces, a
coordinator her region, a central administrator all. Anything outside answers 404, as a missing one."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bawaba.accounts.models import Assignment
from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import Scope, scope_of
from bawaba.interviews.models import Convocation, InterviewSession

SCORERS = (*APPLICATION_READERS, Assignment.Role.INTERVIEWER)


def scoring_scope(user: Any) -> Scope:
    return scope_of(user, *SCORERS)


def sessions_in_scope(scope: Scope) -> QuerySet[InterviewSession]:
    if scope.is_empty:
        return InterviewSession.objects.none()
    return InterviewSession.objects.filter(
        scope.territory_q(province_fields=["province_id"], region_fields=["province__region_id"])
    )


def scoring_session(user: Any, pk: int) -> InterviewSession:
    session = (
        sessions_in_scope(scoring_scope(user)).filter(pk=pk).select_related("campaign", "province").first()
    )
    if session is None:
        raise Http404
    return session


def scoring_convocation(user: Any, session: InterviewSession, pk: int) -> Convocation:
    convocation = (
        Convocation.objects.filter(pk=pk, slot__session=session)
        .exclude(status=Convocation.Status.WITHDRAWN)
        .select_related("application", "slot")
        .first()
    )
    if convocation is None:
        raise Http404
    return convocation
