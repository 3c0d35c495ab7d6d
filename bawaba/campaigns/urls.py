from django.urls import path  # noqa: F401 - the candidate pages are added here

app_name = "campaigns"

urlpatterns: list = []
