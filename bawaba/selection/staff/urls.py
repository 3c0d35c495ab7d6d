from django.urls import path

from bawaba.selection.staff import views

app_name = "selection_staff"

# Central administrators: rules versions, runs (launch, progress, publish, verify).
urlpatterns: list = [
    path("", views.campaigns, name="campaigns"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/verify/", views.run_verify, name="run_verify"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("<slug:slug>/rules/", views.rules, name="rules"),
    path("<slug:slug>/rules/<int:version>/", views.rules_version, name="rules_version"),
    path("<slug:slug>/runs/", views.runs, name="runs"),
    path("<slug:slug>/promotion/", views.promotion, name="promotion"),
]
