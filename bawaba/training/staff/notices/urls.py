from django.urls import path  # noqa: F401

# Filled by the notices work of issue 12.
urlpatterns: list = []
