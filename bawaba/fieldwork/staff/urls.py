from django.urls import path

from bawaba.fieldwork.staff import views

app_name = "fieldwork_staff"

# /staff/fieldwork/
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("<slug:slug>/", views.provinces, name="provinces"),
    path("<slug:slug>/assign/", views.assign, name="assign"),
    path("<slug:slug>/<str:code>/", views.province_groups, name="province"),
    path("<slug:slug>/<str:code>/field-staff.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/<str:code>/field-staff.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/<str:code>/<int:pk>/", views.group_detail, name="group"),
    path("<slug:slug>/<str:code>/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<slug:slug>/<str:code>/<int:pk>/status/", views.member_status, name="member_status"),
    path("<slug:slug>/<str:code>/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<slug:slug>/<str:code>/<int:pk>/delete/", views.group_delete, name="group_delete"),
]
