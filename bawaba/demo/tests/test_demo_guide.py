"""`make demo` prints what a newcomer needs, and every address it prints answers."""

import io
import re

import pytest
from django.core.management import call_command

from bawaba.demo.competition import demo_competition
from bawaba.demo.selectors import demo_campaign
from bawaba.demo.services import DEMO_ACCOUNTS


def guide() -> str:
    out = io.StringIO()
    call_command("demo_guide", "--port", "8765", stdout=out)
    return out.getvalue()


def test_says_to_generate_the_data_first_when_there_is_none(db):
    assert "make demo-data" in guide()


@pytest.mark.django_db(transaction=True)
def test_prints_the_way_in_and_every_address_answers(territory, client, settings):
    settings.BAWABA_DEMO_MAILBOX = True  # as rundemo sets it
    call_command("generate_demo", "--scale", "0.001", "--seed", "3", stdout=io.StringIO())
    before = guide()
    assert "Preselection not published yet" in before
    campaign = demo_campaign()
    call_command(
        "run_selection", "--campaign", campaign.slug, "--seed", "demo", "--publish", "--unless-published",
        stdout=io.StringIO(),
    )  # fmt: skip
    call_command("refresh_indicators", stdout=io.StringIO())  # as make demo-data does last

    text = guide()
    base = "http://127.0.0.1:8765"
    competition = demo_competition()
    for expected in (
        f"{base}/ar/",
        f"{base}/fr/demo/mailbox/",
        f"{base}/fr/campaigns/{competition.slug}/",
        f"{base}/fr/campaigns/{campaign.slug}/selection/preselection/",
        f"{base}/ar/campaigns/{campaign.slug}/open-data/",
        f"{base}/fr/staff/indicators/{campaign.slug}/",
        "manage.py verify_selection ",
        *(account.email for account in DEMO_ACCOUNTS),
        *(account.password for account in DEMO_ACCOUNTS),
    ):
        assert expected in text
    number = re.search(r"verify_selection (\d+)", text).group(1)
    out = io.StringIO()
    call_command("verify_selection", number, stdout=out)
    assert "verifies" in out.getvalue()

    public = [url for url in re.findall(rf"{base}(/\S+)", text) if "/me/" not in url and "/staff/" not in url]
    public = [url for url in public if "/admin/" not in url]
    assert len(public) >= 5
    for path in public:
        assert client.get(path).status_code == 200, path
