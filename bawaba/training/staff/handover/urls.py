from django.urls import path

from bawaba.training.staff.handover import views

urlpatterns: list = [
    path("<slug:slug>/handover/", views.handover, name="handover"),
    path("<slug:slug>/handover/download/", views.download, name="handover_download"),
]
