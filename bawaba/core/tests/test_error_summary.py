"""The one error summary: each entry names its field and links to it, whatever the form."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from bawaba.core.templatetags.form_tags import after_label


class _Form(forms.Form):
    birth_date = forms.DateField(label="Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=[("f", "F"), ("m", "M")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something is wrong with the whole form.")


def _entries(html: str) -> list[str]:
    return [" ".join(entry.split()) for entry in re.findall(r"<li>(.*?)</li>", html, re.DOTALL)]


def test_each_entry_names_its_field_and_links_to_it():
    with translation.override("fr"):
        html = render_to_string("core/includes/error_summary.html", {"form": _Form(data={})})

    assert _entries(html) == [
        "Something is wrong with the whole form.",
        '<a href="#id_birth_date">Date of birth : ce champ est obligatoire.</a>',
        '<a href="#id_sex_0">Sex : ce champ est obligatoire.</a>',  # a group is reached at its first input
        "Ce champ est obligatoire.",  # the hidden field: nothing to link to
    ]


def test_a_valid_form_has_no_summary():
    form = forms.Form(data={})
    assert render_to_string("core/includes/error_summary.html", {"form": form}).strip() == ""


@pytest.mark.parametrize(
    ("message", "continued"),
    [
        ("This field is required.", "this field is required."),
        ("CIN already used in this campaign.", "CIN already used in this campaign."),
        ("هذا الحقل إلزامي.", "هذا الحقل إلزامي."),
        ("", ""),
    ],
)
def test_a_message_continues_after_the_label_keeping_acronyms(message, continued):
    assert after_label(message) == continued


def test_a_page_form_names_its_fields_in_the_summary(client, db):
    page = client.post("/fr/accounts/register/", {}).content.decode()
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]

    assert '<a href="#id_email">' in summary
    assert "ce champ est obligatoire." in summary
    assert "<li><a" in summary and "Ce champ est obligatoire.</a>" not in summary
