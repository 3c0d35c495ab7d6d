from django.urls import path

from bawaba.indicators.opendata import views

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.index, name="index"),
    path("campaigns/<slug:slug>/open-data/", views.campaign, name="campaign"),
    path("campaigns/<slug:slug>/open-data/data.csv", views.campaign_csv, name="csv"),
    path("campaigns/<slug:slug>/open-data/data.json", views.campaign_json, name="json"),
]
