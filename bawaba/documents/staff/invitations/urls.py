from django.urls import path

from bawaba.documents.staff.invitations import views

urlpatterns: list = [
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
]
