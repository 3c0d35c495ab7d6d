from django.urls import path

from bawaba.notifications import views

app_name = "notifications"

urlpatterns = [
    path("staff/outbox/", views.staff_outbox, name="staff_outbox"),
    path("demo/mailbox/", views.demo_mailbox, name="demo_mailbox"),
    path("demo/mailbox/<str:key>/", views.demo_mail, name="demo_mail"),
]
