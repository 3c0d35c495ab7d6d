from django.urls import include, path

app_name = "training_staff"

# /staff/training/: each part of the stage has its own package (views, forms, urls) under this one.
urlpatterns: list = [
    path("", include("bawaba.training.staff.overview.urls")),
    path("", include("bawaba.training.staff.notices.urls")),
    path("", include("bawaba.training.staff.handover.urls")),
    path("", include("bawaba.training.staff.progress.urls")),
]
