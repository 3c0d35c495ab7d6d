"""Signing in as one of the demo's accounts in a browser, the staff through their second factor."""

from bawaba.accounts.models import User
from bawaba.accounts.tests.helpers import translated
from bawaba.accounts.twofactor.tests.helpers import authenticator_for, fresh_code


def sign_in(page, account, language: str) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.get_by_label(translated("E-mail address", language), exact=True).fill(account.email)
    page.get_by_label(translated("Password", language), exact=True).fill(account.password)
    page.get_by_role("button", name=translated("Sign in", language), exact=True).click()
    page.wait_for_load_state()
    if "/two-factor/" in page.url:
        user = User.objects.get(email=account.email)
        authenticator_for(user)
        page.get_by_label(translated("Code", language), exact=True).fill(fresh_code(user))
        page.get_by_role("button", name=translated("Continue", language), exact=True).click()
        page.wait_for_load_state()
