from django.urls import path

from bawaba.accounts.staff import views

app_name = "staff_accounts"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("import/", views.staff_import, name="import"),
    path("import/apply/", views.staff_import_apply, name="import_apply"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/details/", views.staff_details_change, name="details"),
    path("<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/remove/", views.assignment_remove, name="assignment_remove"
    ),
    path("<int:pk>/deactivate/", views.staff_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.staff_reactivate, name="reactivate"),
    path("<int:pk>/invitation/", views.invitation_resend, name="resend_invitation"),
]
