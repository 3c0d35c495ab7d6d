from django.urls import path

from bawaba.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    # The cascade's HTMX partials. Declared before <slug>/, so "places" cannot be a campaign's short name.
    path("campaigns/places/provinces/", views.province_options, name="province_options"),
    path("campaigns/places/communes/", views.commune_options, name="commune_options"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    path("campaigns/<slug:slug>/apply/", views.apply, name="apply"),
    path("campaigns/<slug:slug>/apply/communes/", views.communes_step, name="communes"),
    path("campaigns/<slug:slug>/apply/review/", views.review, name="review"),
    path("campaigns/<slug:slug>/apply/submit/", views.submit, name="submit"),
    path("campaigns/<slug:slug>/apply/withdraw/", views.withdraw, name="withdraw"),
    path("campaigns/<slug:slug>/apply/<slug:step>/", views.application_step, name="step"),
    path("me/applications/<int:pk>/", views.application_detail, name="application"),
]
