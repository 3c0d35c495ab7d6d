from django.urls import path

from bawaba.documents import views

app_name = "documents"

# /documents/: the candidate's upload page, her files, the guides.
urlpatterns: list = [
    path("guide/", views.guide, name="guide"),
    path("<int:pk>/", views.upload_page, name="upload_page"),
    path("<int:pk>/upload/<int:requirement_pk>/", views.upload, name="upload"),
    path("<int:pk>/send-again/", views.resubmit, name="resubmit"),
    path("<int:pk>/files/<int:document_pk>/", views.document, name="document"),
]
