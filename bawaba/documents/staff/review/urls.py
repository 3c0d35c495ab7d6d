from django.urls import path

from bawaba.documents.staff.review import views

urlpatterns: list = [
    path("review/", views.review_campaigns, name="review_campaigns"),
    path("guide/", views.guide, name="review_guide"),
    path("<slug:slug>/review/", views.queue, name="queue"),
    path("<slug:slug>/review/<int:pk>/", views.review, name="review"),
    path("<slug:slug>/review/<int:pk>/decision/", views.decision, name="decision"),
    path("<slug:slug>/review/<int:pk>/release/", views.release_claim, name="release"),
    path("<slug:slug>/review/<int:pk>/files/<int:document_pk>/", views.document_file, name="review_file"),
]
