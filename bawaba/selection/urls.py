from django.urls import path

from bawaba.selection import views

app_name = "selection"

# The public report of a published run (and, for central administrators, of any run).
urlpatterns = [
    path("campaigns/selection/runs/<int:pk>/report/", views.run_report, name="staff_run_report"),
    path("campaigns/selection/runs/<int:pk>/report.csv", views.run_report_csv, name="staff_run_report_csv"),
    path(
        "campaigns/selection/runs/<int:pk>/report.json", views.run_report_json, name="staff_run_report_json"
    ),
    path("campaigns/<slug:slug>/selection/<slug:stage>/", views.report, name="report"),
    path("campaigns/<slug:slug>/selection/<slug:stage>/report.csv", views.report_csv, name="report_csv"),
    path("campaigns/<slug:slug>/selection/<slug:stage>/report.json", views.report_json, name="report_json"),
]
