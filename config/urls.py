from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from bawaba.core import views as core_views
from bawaba.indicators.opendata import api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Anyone may choose a language, signed in or not (LoginRequiredMiddleware guards every other view).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The public read-only API, without a language prefix (?lang= or Accept-Language choose the language).
    path("api/v1/", api.urls()),
]

urlpatterns += i18n_patterns(
    path("", include("bawaba.portal.urls")),
    path("accounts/", include("bawaba.accounts.urls")),
    path("", include("bawaba.campaigns.urls")),
    path("staff/", include("bawaba.campaigns.staff.urls")),
    path("staff/selection/", include("bawaba.selection.staff.urls")),
    path("staff/training/", include("bawaba.training.staff.urls")),
    path("staff/documents/", include("bawaba.documents.staff.urls")),
    path("staff/interviews/", include("bawaba.interviews.staff.urls")),
    path("staff/fieldwork/", include("bawaba.fieldwork.staff.urls")),
    path("staff/indicators/", include("bawaba.indicators.staff.urls")),
    path("staff/accounts/", include("bawaba.accounts.staff.urls")),
    path("staff/open-data/", include("bawaba.indicators.opendata.staff.urls")),
    path("", include("bawaba.selection.urls")),
    path("", include("bawaba.indicators.opendata.urls")),
    path("training/", include("bawaba.training.urls")),
    path("documents/", include("bawaba.documents.urls")),
    path("interviews/", include("bawaba.interviews.urls")),
    path("admin/", admin.site.urls),
    path("", include("bawaba.notifications.urls")),
    path("", include("bawaba.pages.urls")),
)
