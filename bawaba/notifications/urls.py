from django.urls import path

from bawaba.notifications import views

app_name = "notifications"

urlpatterns = [
    path("staff/outbox/", views.staff_outbox, name="staff_outbox"),
    path("staff/mailings/", views.staff_mailings, name="staff_mailings"),
    path("staff/mailings/<int:pk>/", views.staff_mailing, name="staff_mailing"),
    path("staff/mailings/<int:pk>/action/", views.staff_mailing_action, name="staff_mailing_action"),
    path("staff/files/", views.staff_files, name="staff_files"),
    path("staff/files/<int:pk>/", views.staff_file_download, name="staff_file_download"),
    path("demo/mailbox/", views.demo_mailbox, name="demo_mailbox"),
    path("demo/mailbox/<str:key>/", views.demo_mail, name="demo_mail"),
]
