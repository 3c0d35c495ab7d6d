from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from bawaba.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("bawaba.core.urls")),
    path("admin/", admin.site.urls),
    path("", include("bawaba.notifications.urls")),
)
