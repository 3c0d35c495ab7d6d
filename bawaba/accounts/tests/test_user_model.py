import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from bawaba.accounts.hashers import OwaspArgon2PasswordHasher
from bawaba.accounts.models import User


def test_argon2id_uses_the_owasp_minimum_parameters():
    hasher = OwaspArgon2PasswordHasher()
    encoded = hasher.encode("a long passphrase", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("a long passphrase", encoded)
    assert not hasher.verify("a wrong passphrase", encoded)


def test_production_hashers_put_owasp_argon2id_first(settings):
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "bawaba.accounts.hashers.OwaspArgon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password("a long passphrase").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.django_db
def test_e_mail_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user("Amina.Alaoui@Example.MA", "correct horse battery staple", is_active=True)
    assert user.email == "amina.alaoui@example.ma"
    request = RequestFactory().post("/ar/accounts/login/")
    assert (
        authenticate(request, username="AMINA.alaoui@example.ma", password="correct horse battery staple")
        == user
    )


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_address_whatever_its_case():
    User.objects.create_user("amina@example.ma", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="AMINA@example.ma")


@pytest.mark.django_db
def test_new_accounts_are_inactive_until_confirmed():
    assert User.objects.create_user("new@example.ma", "x").is_active is False
