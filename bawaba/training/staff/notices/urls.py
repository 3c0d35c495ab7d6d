from django.urls import path

from bawaba.training.staff.notices import views

urlpatterns: list = [
    path("<slug:slug>/notices/", views.notices, name="notices"),
    path("<slug:slug>/notices/<slug:kind>/<slug:language>/", views.notice_edit, name="notice_edit"),
]
