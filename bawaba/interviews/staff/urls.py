from django.urls import include, path

app_name = "interviews_staff"

# /staff/interviews/: each part of the stage has its own package (views, forms, urls) under this one.
urlpatterns: list = [
    path("", include("bawaba.interviews.staff.scoring.urls")),
    path("", include("bawaba.interviews.staff.calling.urls")),
    path("", include("bawaba.interviews.staff.sessions.urls")),
    path("", include("bawaba.interviews.staff.final.urls")),
]
