from django.urls import include, path

app_name = "documents_staff"

# /staff/documents/: each part of the stage has its own package (views, forms, urls) under this one. The review
# comes first: its fixed addresses (review/, guide/) must not be read as a campaign's short name by another part.
urlpatterns: list = [
    path("", include("bawaba.documents.staff.review.urls")),
    path("", include("bawaba.documents.staff.requirements.urls")),
    path("", include("bawaba.documents.staff.invitations.urls")),
    path("", include("bawaba.documents.staff.figures.urls")),
]
