from django.urls import path

from bawaba.campaigns.staff import views

app_name = "staff"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications.csv", views.applications_csv, name="applications_csv"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations.csv", views.registrations_csv, name="registrations_csv"),
    # A campaign's set-up (its selection rules are on the selection's pages).
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/needs/", views.campaign_needs, name="campaign_needs"),
    path("campaigns/<slug:slug>/needs.csv", views.campaign_needs_csv, name="campaign_needs_csv"),
    path("campaigns/<slug:slug>/needs/<int:pk>/", views.needs_import, name="needs_import"),
    path("campaigns/<slug:slug>/needs/<int:pk>/apply/", views.needs_import_apply, name="needs_import_apply"),
]
