from django.urls import path  # noqa: F401

app_name = "training"

# The candidate's side (her reply to the training place): filled by the reply work of issue 12.
urlpatterns: list = []
