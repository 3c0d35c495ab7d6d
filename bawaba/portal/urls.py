from django.urls import path

from bawaba.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("me/", views.dashboard, name="dashboard"),
    path("staff/", views.staff_home, name="staff_home"),
]
