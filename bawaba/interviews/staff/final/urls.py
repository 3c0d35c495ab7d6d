from django.urls import path

from bawaba.interviews.staff.final import views

urlpatterns = [
    path("<slug:slug>/final/", views.final_lists, name="final"),
    path("<slug:slug>/final/national/", views.national_file, name="final_national_file"),
    path("<slug:slug>/final/<str:code>/", views.final_province_list, name="final_province"),
    path("<slug:slug>/final/<str:code>/list.csv", views.province_csv, name="final_province_csv"),
    path("<slug:slug>/final/<str:code>/list.xlsx", views.province_xlsx, name="final_province_xlsx"),
    path("<slug:slug>/final/<str:code>/list.pdf", views.province_pdf, name="final_province_pdf"),
]
