from django.urls import path

from bawaba.documents.staff.requirements import views

urlpatterns: list = [
    path("", views.campaigns, name="campaigns"),
    path("<slug:slug>/requirements/", views.requirements, name="requirements"),
    path("<slug:slug>/requirements/new/", views.requirement_add, name="requirement_add"),
    path("<slug:slug>/requirements/<int:pk>/", views.requirement_edit, name="requirement_edit"),
]
