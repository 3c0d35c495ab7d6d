"""The central administrator's staff accounts pages, and the invitee's page that accepts an invitation.

Thin views: forms validate, selectors read, services write (services.py says the policies).
"""

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bawaba.accounts.forms import SetPasswordForm
from bawaba.accounts.models import Assignment, User
from bawaba.accounts.permissions import central_admin_required
from bawaba.accounts.staff import selectors, services
from bawaba.accounts.staff.csvfile import StaffFileError
from bawaba.accounts.staff.forms import (
    AssignmentForm,
    ImportApplyForm,
    ImportUploadForm,
    StaffCreateForm,
    StaffDetailsForm,
    StaffSearchForm,
)
from bawaba.accounts.staff.problems import sentences
from bawaba.core.bidi import isolate
from bawaba.core.pagination import numbered_page
from bawaba.core.params import bounded_int, text_param

PAGE_SIZE = 50
# Where a staff member goes once her password is set: the two-factor enrolment when it exists, else her home.
TWO_FACTOR_SETUP = "accounts:two_factor_setup"
TWO_FACTOR_RESET = "accounts:two_factor_reset"
# The invitee signs in by accepting: the backend that would have checked her password.
ACCOUNT_BACKEND = "bawaba.accounts.backends.AccountBackend"


def _url_or_none(name: str, **kwargs: int) -> str | None:
    """The page's address, or None while the app that serves it is not installed (two-factor sign-in)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _actor(request: HttpRequest) -> User:
    """The signed-in central administrator (every view that writes is behind central_admin_required)."""
    return cast(User, request.user)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _member_or_404(pk: int) -> User:
    # A path's <int:pk> takes any digits: beyond 64 bits no row can have it, and the database would refuse it.
    member = selectors.staff_member(pk) if bounded_int(pk, min_value=1) is not None else None
    if member is None:
        raise Http404
    return member


@central_admin_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    members = (
        selectors.staff_members(
            query=filters.get("q", ""),
            role=filters.get("role", ""),
            province=filters.get("province"),
            state=filters.get("state", ""),
        )
        if not form.errors
        else User.objects.none()
    )
    page = numbered_page(members, text_param(request.GET, "page", max_length=12), size=PAGE_SIZE)
    enrolled = selectors.second_factor_enrolled(member.pk for member in page.object_list)
    rows = [
        {
            "member": member,
            "state": selectors.account_state(member),
            "second_factor": None if enrolled is None else member.pk in enrolled,
        }
        for member in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/staff/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "shows_second_factor": enrolled is not None,
        },
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.create_staff_account(
                actor=_actor(request),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                language=form.cleaned_data["language"],
                assignment=form.cleaned_data["assignment"],
                base_url=_base_url(request),
            )
        except services.StaffChangeRefused as refusal:
            form.add_error("email", refusal.message)
        else:
            messages.success(
                request,
                _("The account is created and the invitation is on its way to %(email)s.")
                % {"email": isolate(member.email)},
            )
            return redirect("staff_accounts:detail", pk=member.pk)
    return render(request, "accounts/staff/create.html", {"form": form})


def _render_detail(
    request: HttpRequest,
    member: User,
    *,
    details_form: StaffDetailsForm | None = None,
    assignment_form: AssignmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    enrolled = selectors.second_factor_enrolled([member.pk])
    return render(
        request,
        "accounts/staff/detail.html",
        {
            "member": member,
            "state": selectors.account_state(member),
            "second_factor": None if enrolled is None else member.pk in enrolled,
            "two_factor_reset_url": _url_or_none(TWO_FACTOR_RESET, user_id=member.pk),
            "is_self": member.pk == request.user.pk,
            "details_form": details_form
            or StaffDetailsForm(
                initial={"full_name": member.full_name, "language": member.preferred_language}
            ),
            "assignment_form": assignment_form or AssignmentForm(),
        },
        status=status,
    )


@central_admin_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _member_or_404(pk))


@central_admin_required
@require_POST
def staff_details_change(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    form = StaffDetailsForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, member, details_form=form, status=400)
    services.update_staff_details(
        actor=_actor(request),
        user=member,
        full_name=form.cleaned_data["full_name"],
        language=form.cleaned_data["language"],
    )
    messages.success(request, _("Her name and language are saved."))
    return redirect("staff_accounts:detail", pk=member.pk)


@central_admin_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.add_assignment(
                actor=_actor(request), user=member, assignment=form.cleaned_data["assignment"]
            )
        except services.StaffChangeRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The role is added."))
            return redirect("staff_accounts:detail", pk=member.pk)
    return _render_detail(request, member, assignment_form=form, status=400)


def _change_member(
    request: HttpRequest, member: User, change: Callable[[], object], done: str
) -> HttpResponse:
    """Run one service change on her account, say how it went (or why it was refused), back to her page."""
    try:
        change()
    except services.StaffChangeRefused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, done)
    return redirect("staff_accounts:detail", pk=member.pk)


@central_admin_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    if bounded_int(assignment_pk, min_value=1) is None:
        raise Http404
    assignment = get_object_or_404(Assignment, pk=assignment_pk, user=member)
    return _change_member(
        request,
        member,
        lambda: services.remove_assignment(actor=_actor(request), assignment=assignment),
        _("The role is removed."),
    )


@central_admin_required
@require_POST
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    return _change_member(
        request,
        member,
        lambda: services.deactivate_staff(actor=_actor(request), user=member),
        _("The account is deactivated: she can no longer sign in."),
    )


@central_admin_required
@require_POST
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    return _change_member(
        request,
        member,
        lambda: services.reactivate_staff(actor=_actor(request), user=member, base_url=_base_url(request)),
        _("The account is reactivated."),
    )


@central_admin_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    return _change_member(
        request,
        member,
        lambda: services.resend_invitation(actor=_actor(request), user=member, base_url=_base_url(request)),
        _("A new invitation is on its way; the earlier links no longer work."),
    )


@central_admin_required
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload a file: every problem listed (nothing imported), or a preview of what applying it would do."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        try:
            plan = selectors.plan_import(data)
        except StaffFileError as error:
            return render(
                request, "accounts/staff/import.html", {"form": form, "problems": sentences(error.problems)}
            )
        apply_form = ImportApplyForm(
            initial={"content": ImportApplyForm.encoded(data), "digest": plan.digest}
        )
        return render(request, "accounts/staff/import_preview.html", {"plan": plan, "apply_form": apply_form})
    return render(request, "accounts/staff/import.html", {"form": form})


@central_admin_required
@require_POST
def staff_import_apply(request: HttpRequest) -> HttpResponse:
    form = ImportApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The file was damaged on the way: upload it again."))
        return redirect("staff_accounts:import")
    try:
        outcome = services.apply_staff_import(
            actor=_actor(request),
            data=form.cleaned_data["content"],
            expected_digest=form.cleaned_data["digest"],
            base_url=_base_url(request),
        )
    except StaffFileError as error:
        return render(
            request,
            "accounts/staff/import.html",
            {"form": ImportUploadForm(), "problems": sentences(error.problems)},
        )
    except services.StaffChangeRefused as refusal:
        messages.error(request, str(refusal.message))
        return redirect("staff_accounts:import")
    messages.success(
        request,
        _("The file is imported: %(created)s accounts created (each invited), %(added)s roles added.")
        % {"created": outcome.created, "added": outcome.assignments_added},
    )
    return redirect("staff_accounts:list")


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows the form and changes nothing (mail scanners open links); POST sets her password and signs her in.

    The token stays in the address bar; SECURE_REFERRER_POLICY "same-origin" keeps it from other sites, and this
    page loads nothing from elsewhere.
    """
    member = selectors.user_for_invitation(uidb64=uidb64, token=token)
    if member is None:
        return render(request, "accounts/staff/invitation_invalid.html")
    form = SetPasswordForm(member, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.accept_invitation(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password1"]
            )
        except services.InvitationLinkError:  # accepted in another tab between the check and now
            return render(request, "accounts/staff/invitation_invalid.html")
        auth_login(request, member, backend=ACCOUNT_BACKEND)
        messages.success(request, _("Your password is set. Welcome to Bawaba."))
        return redirect(_url_or_none(TWO_FACTOR_SETUP) or reverse("portal:staff_home"))
    return render(request, "accounts/staff/accept_invitation.html", {"form": form, "member": member})
