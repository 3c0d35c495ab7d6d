from django.urls import path  # noqa: F401

app_name = "documents"

# /documents/: the candidate's upload page, her files, the guides.
urlpatterns: list = []
