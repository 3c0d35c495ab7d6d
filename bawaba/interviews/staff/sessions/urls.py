from django.urls import path

from bawaba.interviews.staff.sessions import views

urlpatterns = [
    path("<slug:slug>/sessions/", views.provinces, name="sessions"),
    path("<slug:slug>/sessions/<str:code>/", views.province_sessions, name="province_sessions"),
    path("<slug:slug>/sessions/<str:code>/convoke/", views.convoke, name="convoke"),
    path("<slug:slug>/sessions/<str:code>/<int:pk>/", views.session_detail, name="session"),
    path("<slug:slug>/sessions/<str:code>/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("<slug:slug>/sessions/<str:code>/<int:pk>/print/", views.session_print, name="session_print"),
]
