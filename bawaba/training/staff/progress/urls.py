from django.urls import path

from bawaba.training.staff.progress import views

urlpatterns: list = [
    path("<slug:slug>/progress/", views.progress, name="progress"),
    path("<slug:slug>/progress/province/<str:code>/", views.progress_province, name="progress_province"),
    path("<slug:slug>/progress/imports/", views.progress_imports_page, name="progress_imports"),
    path("<slug:slug>/progress/imports/<int:pk>/", views.progress_import, name="progress_import"),
    path("<slug:slug>/reminders/", views.reminders, name="reminders"),
    path("<slug:slug>/reminders/release/", views.release_not_started_page, name="release_not_started"),
]
