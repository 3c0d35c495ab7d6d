from django.urls import path

from bawaba.training.staff.overview import views

urlpatterns: list = [
    path("", views.campaigns, name="campaigns"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/settings/", views.settings, name="settings"),
    path("<slug:slug>/reply-deadline/", views.reply_deadline, name="reply_deadline"),
]
