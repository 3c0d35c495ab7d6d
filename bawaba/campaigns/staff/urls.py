from django.urls import path

from bawaba.campaigns.staff import views

app_name = "staff"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications.csv", views.applications_csv, name="applications_csv"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations.csv", views.registrations_csv, name="registrations_csv"),
]
