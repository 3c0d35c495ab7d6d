from django.urls import path

from bawaba.documents.staff.figures import views

# Included by bawaba.documents.staff.urls (namespace documents_staff).
urlpatterns: list = [
    path("<slug:slug>/figures/", views.figures, name="figures"),
    path("<slug:slug>/figures.csv", views.figures_csv, name="figures_csv"),
]
