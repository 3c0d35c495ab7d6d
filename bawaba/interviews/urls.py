from django.urls import path

from bawaba.interviews import views

app_name = "interviews"

urlpatterns = [
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
