from django.urls import path

from bawaba.training import views

app_name = "training"

# The candidate's side: her reply to the training place.
urlpatterns: list = [
    path("applications/<int:pk>/accept/", views.accept, name="accept"),
    path("applications/<int:pk>/decline/", views.decline, name="decline"),
]
