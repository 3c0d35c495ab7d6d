from django.urls import path

from bawaba.training.staff.overview import views

urlpatterns: list = [
    path("", views.campaigns, name="campaigns"),
]
