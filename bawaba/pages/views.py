"""The legal and help pages, the contact form, the personal-data download and the staff list of contact messages.

The legal pages read what they name (operator, controller, host, CNDP declaration, retention) from settings, so
that a deployment states them in its environment and a demonstration says it is one.
"""

import datetime as dt
import json
import math

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bawaba.accounts import ratelimit
from bawaba.accounts.permissions import central_admin_required, staff_page
from bawaba.core.charts import daily_bar_chart
from bawaba.core.pagination import numbered_page
from bawaba.pages import services
from bawaba.pages.forms import ContactForm
from bawaba.pages.selectors import (
    application_references_of,
    contact_messages,
    personal_data_as_json,
    personal_data_of,
)


def _legal_context() -> dict:
    return {
        "operator_name": settings.BAWABA_OPERATOR_NAME,
        "operator_address": settings.BAWABA_OPERATOR_ADDRESS,
        "data_controller": settings.BAWABA_DATA_CONTROLLER or settings.BAWABA_OPERATOR_NAME,
        "host_name": settings.BAWABA_HOST_NAME,
        "publication_director": settings.BAWABA_PUBLICATION_DIRECTOR,
        "cndp_declaration": settings.BAWABA_CNDP_DECLARATION,
        "retention_months": settings.BAWABA_RETENTION_MONTHS,
        "contact_email": settings.BAWABA_CONTACT_EMAIL,
        "is_demonstration": settings.BAWABA_DEMO_BANNER,
    }


@login_not_required
@require_GET
def personal_data_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/personal_data_notice.html", _legal_context())


@login_not_required
@require_GET
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/legal_notice.html", _legal_context())


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html", _legal_context())


@login_not_required
@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/help.html", _legal_context())


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"email": user.email, "name": user.get_full_name()} if user.is_authenticated else {}
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        application_references=application_references_of(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if wait := ratelimit.check_request(request, action="contact", email=data["email"]):
            return _too_many(request, form, wait)
        services.file_contact_message(
            name=data["name"],
            email=data["email"],
            category=data["category"],
            message=data["message"],
            application_reference=data.get("application_reference", ""),
            language=get_language(),
            user=user if user.is_authenticated else None,
        )
        return redirect("pages:contact_sent")
    return render(request, "pages/contact.html", {"form": form})


def _too_many(request: HttpRequest, form: ContactForm, wait_seconds: int) -> HttpResponse:
    minutes = max(1, math.ceil(wait_seconds / 60))
    form.add_error(
        None,
        ngettext(
            "Too many messages from this address or this connection. Please wait %(minutes)d minute, then try "
            "again.",
            "Too many messages from this address or this connection. Please wait %(minutes)d minutes, then try "
            "again.",
            minutes,
        )
        % {"minutes": minutes},
    )
    response = render(request, "pages/contact.html", {"form": form}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


@login_not_required
@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/contact_sent.html")


@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything the platform holds on the signed-in person, readable (her own only: every provider reads by her
    account)."""
    parts = personal_data_of(request.user)
    services.record_personal_data_access(user=request.user, file_format="html")
    return render(request, "pages/my_data.html", {"parts": parts, "generated_at": timezone.now()})


@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    """The same as a JSON file to keep or hand to someone."""
    document = {
        "platform": "Bawaba",
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "language": get_language(),
        "data": personal_data_as_json(personal_data_of(request.user)),
    }
    services.record_personal_data_access(user=request.user, file_format="json")
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="bawaba-personal-data.json"'
    return response


@central_admin_required
@require_GET
def contact_messages_list(request: HttpRequest) -> HttpResponse:
    page = numbered_page(contact_messages(), request.GET.get("page"), size=25)
    return render(request, "pages/staff_contact_messages.html", {"page": page})


@staff_page()
@require_GET
def design_system(request: HttpRequest) -> HttpResponse:
    """The living page of the design system: every component in this page's language, and beside it the same in
    the other language of the site (Arabic beside French or English, French beside Arabic), with its own lang and
    dir, so that a change to bawaba.css is seen in both directions at once. Any staff member may open it."""
    language = get_language()
    other = "fr" if language == "ar" else "ar"
    first_day = dt.date(2024, 2, 1)
    sample_counts = [
        (first_day + dt.timedelta(days=day), count) for day, count in enumerate((3, 8, 5, 0, 12, 9, 4))
    ]
    return render(
        request,
        "pages/design_system.html",
        {
            "languages": (language, other),
            "sample_chart": daily_bar_chart(sample_counts, rtl=get_language_bidi()),
        },
    )
