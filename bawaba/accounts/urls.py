from django.urls import include, path

from bawaba.accounts import views
from bawaba.accounts.staff import views as staff_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("confirm/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    # The link of a staff invitation: for the invitee, who has no session yet, so not under /staff/.
    path("invitation/<str:uidb64>/<str:token>/", staff_views.accept_invitation, name="accept_invitation"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("two-factor/", include("bawaba.accounts.twofactor.urls")),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
]
