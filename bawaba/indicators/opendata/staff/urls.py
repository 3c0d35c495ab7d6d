from django.urls import path

from bawaba.indicators.opendata.staff import views

app_name = "opendata_staff"

urlpatterns = [
    path("", views.policies, name="policies"),
    path("<slug:slug>/", views.policy, name="policy"),
]
