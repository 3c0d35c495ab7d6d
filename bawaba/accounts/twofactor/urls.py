"""Included by accounts/urls.py, so the names are `accounts:two_factor_…`."""

from django.urls import path

from bawaba.accounts.twofactor import views

urlpatterns = [
    path("", views.verify, name="two_factor_verify"),
    path("setup/", views.setup, name="two_factor_setup"),
    path("recovery-codes/", views.recovery_codes, name="two_factor_recovery_codes"),
    path("reset/<int:user_id>/", views.reset, name="two_factor_reset"),
]
