from django.urls import path  # noqa: F401

# Filled by the handover work of issue 12.
urlpatterns: list = []
