"""The campaign set-up pages: who may see them, creating and editing a campaign with its calendar, importing its
needs (every faulty line listed, a preview, applied once) and exporting them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from bawaba.campaigns.models import Campaign, CampaignRules, CampaignStage, CommuneNeed, NeedsImport
from bawaba.campaigns.needs.csvfile import MAX_FILE_BYTES, needs_file_bytes
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.tests.factories import AdministrationFactory, CampaignFactory
from bawaba.core.models import AuditEvent
from bawaba.territory.models import Commune

Kind = CampaignStage.Kind


def url(name: str, *args) -> str:
    # English pages: their text is the source text.
    with translation.override("en"):
        return reverse(f"staff:{name}", args=args)


@pytest.fixture
def checked(campaign) -> NeedsImport:
    return NeedsImport.objects.create(
        campaign=campaign, file_digest="0" * 64, rows=[], stages=["training"], base_digest="0" * 64
    )


def pages(campaign, checked) -> list[tuple[str, str]]:
    """(method, URL) of every set-up page."""
    slug = campaign.slug
    return [
        ("get", url("campaigns")),
        ("get", url("campaign_new")),
        ("get", url("campaign", slug)),
        ("get", url("campaign_edit", slug)),
        ("get", url("campaign_needs", slug)),
        ("get", url("campaign_needs_csv", slug)),
        ("get", url("needs_import", slug, checked.pk)),
        ("post", url("needs_import_apply", slug, checked.pk)),
    ]


PAGE_COUNT = 8


class TestWhoMaySee:
    @pytest.mark.parametrize("index", range(PAGE_COUNT))
    def test_a_central_administrator_may(self, admin_client, campaign, checked, index):
        method, address = pages(campaign, checked)[index]
        response = getattr(admin_client, method)(address)
        # The apply button answers with a redirect to the preview (this import has nothing to apply).
        assert response.status_code == (302 if method == "post" else 200)

    @pytest.mark.parametrize("index", range(PAGE_COUNT))
    @pytest.mark.parametrize("persona", ["candidate", "supervisor"])
    def test_a_candidate_or_a_supervisor_gets_not_found(
        self, client, request, campaign, checked, persona, index
    ):
        client.force_login(request.getfixturevalue(persona))
        method, address = pages(campaign, checked)[index]
        assert getattr(client, method)(address).status_code == 404
        checked.refresh_from_db()
        assert checked.status == NeedsImport.Status.PENDING

    @pytest.mark.parametrize("index", range(PAGE_COUNT))
    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, campaign, checked, index):
        method, address = pages(campaign, checked)[index]
        response = getattr(client, method)(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/?next=")

    def test_another_campaign_s_import_is_not_found(self, admin_client, checked):
        other = CampaignFactory(slug="other")
        assert admin_client.get(url("needs_import", other.slug, checked.pk)).status_code == 404
        assert admin_client.post(url("needs_import_apply", other.slug, checked.pk)).status_code == 404

    def test_an_unknown_campaign_is_not_found(self, admin_client):
        assert admin_client.get(url("campaign", "nope")).status_code == 404
        assert admin_client.get(url("campaign_needs_csv", "nope")).status_code == 404

    def test_the_staff_menu_offers_the_campaigns_to_the_administrator_only(
        self, admin_client, client, supervisor
    ):
        assert url("campaigns") in admin_client.get(url("campaigns")).content.decode()
        client.force_login(supervisor)
        with translation.override("en"):
            home = client.get(reverse("portal:staff_home")).content.decode()
        assert url("campaigns") not in home


# --- Creating and editing ---------------------------------------------------------------------------------------


def form_data(administration, /, **overrides) -> dict:
    data = {
        "administration": str(administration.pk),
        "slug": "concours-2027",
        "kind": "competition",
        "title_ar": "مباراة 2027",
        "title_fr": "Concours 2027",
        "title_en": "",
        "summary_ar": "",
        "summary_fr": "Deux lignes.\r\nLa seconde.",
        "summary_en": "",
        "registration_opens_at": "2027-02-07T08:00",
        "registration_closes_at": "2027-02-27T23:59",
        "max_commune_choices": "3",
        "preselection_starts_on": "2027-03-02",
        "preselection_ends_on": "2027-03-09",
        "remote_training_starts_on": "",
        "remote_training_ends_on": "",
        "interview_starts_on": "2027-03-20",
        "interview_ends_on": "",
        "field_training_starts_on": "",
        "field_training_ends_on": "",
    }
    return data | overrides


@pytest.fixture
def administration(db):
    return AdministrationFactory(code="mtnra", name_fr="Ministère de la transition numérique")


def test_the_administrator_creates_a_campaign_with_its_calendar(admin_client, administration, central_admin):
    response = admin_client.post(url("campaign_new"), form_data(administration))

    campaign = Campaign.objects.get(slug="concours-2027")
    assert response.status_code == 302 and response["Location"] == url("campaign", campaign.slug)
    assert campaign.administration == administration and campaign.max_commune_choices == 3
    assert not campaign.is_published
    assert campaign.summary_fr == "Deux lignes.\r\nLa seconde."
    assert dict(campaign.stages.values_list("kind", "starts_on")) == {
        Kind.REGISTRATION: dt.date(2027, 2, 7),
        Kind.PRESELECTION: dt.date(2027, 3, 2),
        Kind.INTERVIEW: dt.date(2027, 3, 20),
    }
    assert AuditEvent.objects.filter(action="campaigns.campaign_created", actor=central_admin).count() == 1
    page = admin_client.get(response["Location"]).content.decode()
    assert "Concours 2027" in page and "The campaign is created." in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"registration_closes_at": "2027-02-01T08:00"},
            "registration_closes_at",
            "Registration must close after it opens.",
        ),
        (
            {"registration_opens_at": "2027-02-30T08:00"},
            "registration_opens_at",
            "Enter a date and time such as",
        ),
        ({"registration_opens_at": "31/13/2027"}, "registration_opens_at", "Enter a date and time such as"),
        (
            {"registration_opens_at": "1900-01-01T08:00"},
            "registration_opens_at",
            "between the years 2000 and 2100",
        ),
        ({"preselection_ends_on": "2027-03-01"}, "preselection_ends_on", "cannot be before its first day"),
        (
            {"preselection_starts_on": "2027-02-20"},
            "preselection_starts_on",
            "before the day registration closes",
        ),
        (
            {"interview_starts_on": "2027-03-01"},
            "interview_starts_on",
            "cannot start before Automatic preselection",
        ),
        (
            {"preselection_starts_on": "", "preselection_ends_on": "2027-03-09"},
            "preselection_starts_on",
            "first day of this stage too",
        ),
        ({"preselection_starts_on": "2027-13-45"}, "preselection_starts_on", "Enter a date such as"),
        ({"max_commune_choices": "0"}, "max_commune_choices", "at least 1 commune"),
        ({"max_commune_choices": "21"}, "max_commune_choices", "at most 20 communes"),
        ({"max_commune_choices": str(2**63)}, "max_commune_choices", "at most 20 communes"),
        ({"title_fr": "Con\x1bcours"}, "title_fr", "control characters"),
        ({"title_fr": "Con\x00cours"}, "title_fr", "Null characters are not allowed."),
        ({"summary_fr": "a\x00b"}, "summary_fr", "Null characters are not allowed."),
        ({"slug": "Concours 2027"}, "slug", "lower-case letters, digits and hyphens"),
        ({"slug": "new"}, "slug", "reserved"),
        ({"title_ar": ""}, "title_ar", "Give the title in Arabic."),
        ({"administration": str(2**63)}, "administration", "Select a valid choice"),
    ],
)
def test_a_wrong_value_is_a_message_on_its_field_and_nothing_is_created(
    admin_client, administration, overrides, field, message
):
    response = admin_client.post(url("campaign_new"), form_data(administration, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert not Campaign.objects.exists()


def test_a_short_name_already_used_is_a_message(admin_client, administration):
    CampaignFactory(slug="concours-2027")
    response = admin_client.post(url("campaign_new"), form_data(administration))
    assert response.context["form"].errors["slug"] == ["Another campaign already has this short name."]


def test_the_edit_form_shows_the_calendar_and_saves_changes(admin_client, administration, central_admin):
    admin_client.post(url("campaign_new"), form_data(administration))
    campaign = Campaign.objects.get(slug="concours-2027")

    form = admin_client.get(url("campaign_edit", campaign.slug)).context["form"]
    assert form.initial["preselection_starts_on"] == dt.date(2027, 3, 2)
    assert form["registration_opens_at"].value() is not None

    response = admin_client.post(
        url("campaign_edit", campaign.slug),
        form_data(
            administration,
            title_fr="Concours 2027 (administrateurs)",
            interview_starts_on="",
            is_published="on",
        ),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title_fr == "Concours 2027 (administrateurs)" and campaign.is_published
    assert not campaign.stages.filter(kind=Kind.INTERVIEW).exists()
    event = AuditEvent.objects.get(action="campaigns.campaign_updated")
    assert set(event.data) == {"title_fr", "is_published", "stages"}


def test_the_maximum_of_choices_cannot_go_below_the_rules_minimum(admin_client, administration):
    admin_client.post(url("campaign_new"), form_data(administration, max_commune_choices="5"))
    campaign = Campaign.objects.get(slug="concours-2027")
    rules = default_census_rules()
    rules["eligibility"]["min_choices"] = 4
    CampaignRules.objects.create(campaign=campaign, version=1, rules=rules, note="four")

    response = admin_client.post(
        url("campaign_edit", campaign.slug), form_data(administration, max_commune_choices="3")
    )
    assert "ask for at least 4 communes" in response.context["form"].errors["max_commune_choices"][0]
    assert (
        admin_client.post(
            url("campaign_edit", campaign.slug), form_data(administration, max_commune_choices="4")
        ).status_code
        == 302
    )


def test_the_campaign_page_shows_the_categories_of_its_rules_with_a_link_to_them(admin_client, campaign):
    page = admin_client.get(url("campaign", campaign.slug)).content.decode()
    assert "The campaign has no selection rules yet: the census defaults apply." in page
    assert "Holder of a post-baccalaureate diploma" in page and "Public-sector retiree" in page
    with translation.override("en"):
        assert reverse("selection_staff:rules", args=[campaign.slug]) in page
    rules = default_census_rules()
    rules["eligibility"]["categories"] = ["graduate"]
    rules["score"]["category"] = {"graduate": 30}
    CampaignRules.objects.create(campaign=campaign, version=1, rules=rules, note="graduates only")
    page = admin_client.get(url("campaign", campaign.slug)).content.decode()
    assert "From the campaign's current selection rules." in page
    assert "Holder of a post-baccalaureate diploma" in page and "Public-sector retiree" not in page


# --- Needs --------------------------------------------------------------------------------------------------------


@pytest.fixture
def communes(territory) -> list[Commune]:
    return list(Commune.objects.order_by("code")[:3])


def upload(client, campaign, data: bytes, name: str = "besoins.csv"):
    return client.post(
        url("campaign_needs", campaign.slug), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_a_faulty_file_lists_every_faulty_line_and_imports_nothing(admin_client, campaign, communes):
    data = needs_file_bytes(
        [(communes[0].code, "training", 4), ("99.999", "training", 2), (communes[1].code, "exam", 0)]
    )
    response = upload(admin_client, campaign, data)

    assert response.status_code == 200
    assert response.context["problems"] == [
        "Line 3: no commune of the territory has the code “99.999”.",
        "Line 4: the stage “exam” is unknown (expected field, training).",
        "Line 4: the need is 0; it must be at least 1 (leave out a commune that needs nobody).",
    ]
    assert "The file was not imported: 3 problems." in response.content.decode()
    assert not NeedsImport.objects.exists() and not CommuneNeed.objects.exists()


def test_the_problems_are_in_the_reader_s_language(client, central_admin, campaign, communes):
    client.force_login(central_admin)
    with translation.override("fr"):
        address = reverse("staff:campaign_needs", args=[campaign.slug])
    response = client.post(
        address, {"file": SimpleUploadedFile("b.csv", b"commune_code,stage,need\nxx,training,1\n")}
    )
    assert response.context["problems"] == ["Ligne 2 : aucune commune du territoire n’a le code « xx »."]


def test_a_file_too_big_is_refused_before_it_is_read(admin_client, campaign):
    response = upload(admin_client, campaign, b"x" * (MAX_FILE_BYTES + 1))
    assert "The file is larger than 1024 kB" in response.context["form"].errors["file"][0]
    assert not NeedsImport.objects.exists()


def test_no_file_is_a_message(admin_client, campaign):
    response = admin_client.post(url("campaign_needs", campaign.slug), {})
    assert response.context["form"].errors["file"] == ["Choose the file to check."]


def test_a_valid_file_shows_its_preview_then_is_applied_once(admin_client, campaign, communes, central_admin):
    a, b, c = communes
    CommuneNeed.objects.create(campaign=campaign, commune=a, stage="training", quantity=4)
    response = upload(
        admin_client, campaign, needs_file_bytes([(a.code, "training", 6), (b.code, "training", 2)])
    )
    checked = NeedsImport.objects.get()
    assert response["Location"] == url("needs_import", campaign.slug, checked.pk)

    preview = admin_client.get(response["Location"])
    change = preview.context["preview"].change
    assert (change.added, change.changed, change.removed) == (1, 1, 0)
    page = preview.content.decode()
    assert "1 line added" in page and "1 need changed" in page and "Apply the file" in page
    assert CommuneNeed.objects.get(commune=a).quantity == 4  # nothing applied yet

    response = admin_client.post(url("needs_import_apply", campaign.slug, checked.pk))
    assert response["Location"] == url("campaign_needs", campaign.slug)
    assert (
        "The needs are replaced. Added: 1; changed: 1; removed: 0."
        in admin_client.get(response["Location"]).content.decode()
    )
    assert dict(CommuneNeed.objects.values_list("commune__code", "quantity")) == {a.code: 6, b.code: 2}

    # Posted again (a double click): refused with a reason, nothing changes.
    response = admin_client.post(url("needs_import_apply", campaign.slug, checked.pk), follow=True)
    assert "This file has already been applied" in response.content.decode()
    assert AuditEvent.objects.filter(action="campaigns.needs_imported").count() == 1


def test_the_exported_file_imported_again_changes_nothing(admin_client, campaign, communes):
    for commune, stage, need in [(communes[0], "training", 5), (communes[1], "field", 3)]:
        CommuneNeed.objects.create(campaign=campaign, commune=commune, stage=stage, quantity=need)
    export = admin_client.get(url("campaign_needs_csv", campaign.slug))
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="needs-rgph-2024.csv"' in export["Content-Disposition"]
    data = export.content
    assert data.decode("utf-8-sig").splitlines() == [
        "commune_code,stage,need",
        f"{communes[0].code},training,5",
        f"{communes[1].code},field,3",
    ]

    preview = admin_client.get(upload(admin_client, campaign, data)["Location"])
    assert preview.context["preview"].change.is_empty
    page = preview.content.decode()
    assert "No change: the needs in this file are exactly the current ones." in page
    assert "Apply the file" not in page
    # Applying it anyway (a form kept open in another tab) says so and writes nothing.
    checked = NeedsImport.objects.get(status=NeedsImport.Status.PENDING)
    response = admin_client.post(url("needs_import_apply", campaign.slug, checked.pk), follow=True)
    assert "No change: the needs were already those of the file." in response.content.decode()
    assert not AuditEvent.objects.filter(action="campaigns.needs_imported").exists()


def test_the_needs_page_shows_totals_by_region_and_a_pending_file(admin_client, campaign, communes):
    CommuneNeed.objects.create(campaign=campaign, commune=communes[0], stage="training", quantity=1234)
    upload(admin_client, campaign, needs_file_bytes([(communes[0].code, "field", 2)]))
    response = admin_client.get(url("campaign_needs", campaign.slug))
    page = response.content.decode()
    assert "1,234" in page
    assert "is waiting to be applied" in page and "besoins.csv" in page


def test_the_file_name_is_stored_without_control_characters(admin_client, campaign, communes):
    upload(admin_client, campaign, needs_file_bytes([(communes[0].code, "field", 2)]), name="be\x1bsoins.csv")
    assert NeedsImport.objects.get().filename == "besoins.csv"


def test_the_window_is_shown_to_the_second_so_saving_it_keeps_it(admin_client, campaign):
    """The demo's windows close at 23:59:59: an edit of something else must not move it to 23:59:00."""
    closes_at = timezone.localtime(campaign.registration_closes_at).replace(
        hour=23, minute=59, second=59, microsecond=0
    )
    Campaign.objects.filter(pk=campaign.pk).update(registration_closes_at=closes_at)
    shown = f"{closes_at:%Y-%m-%dT%H:%M:%S}"
    assert f'value="{shown}"' in admin_client.get(url("campaign_edit", campaign.slug)).content.decode()

    opens = f"{timezone.localtime(campaign.registration_opens_at):%Y-%m-%dT%H:%M:%S}"
    data = form_data(
        campaign.administration,
        slug=campaign.slug,
        title_fr="Autre titre",
        registration_opens_at=opens,
        registration_closes_at=shown,
    )
    assert admin_client.post(url("campaign_edit", campaign.slug), data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.registration_closes_at == closes_at and campaign.title_fr == "Autre titre"
