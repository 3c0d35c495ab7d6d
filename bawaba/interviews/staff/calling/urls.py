from django.urls import path

from bawaba.interviews.staff.calling import views

urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("<slug:slug>/called/", views.called, name="called"),
    path("<slug:slug>/called/<str:code>/", views.called_province, name="called_province"),
    path("<slug:slug>/rules/", views.rules, name="rules"),
]
