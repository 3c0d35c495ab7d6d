from django.urls import path

from bawaba.indicators.staff import views

app_name = "indicators_staff"

# /staff/indicators/
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("<slug:slug>/", views.campaign_dashboard, name="dashboard"),
    path("<slug:slug>/export/", views.export, name="export"),
    path("<slug:slug>/refresh/", views.refresh, name="refresh"),
]
