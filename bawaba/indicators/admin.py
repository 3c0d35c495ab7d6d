from django.contrib import admin

from bawaba.core.audit import record_event
from bawaba.indicators.models import OpenDataPolicy, OpenDataRelease
from bawaba.indicators.opendata.build import build_open_data


@admin.register(OpenDataPolicy)
class OpenDataPolicyAdmin(admin.ModelAdmin):
    """The open data's threshold and whether it is published. A change is audited and the release rebuilt with
    it (the staff page "Open data" changes the threshold the same way)."""

    list_display = ["campaign", "threshold", "published", "updated_at"]
    list_filter = ["published"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        record_event(
            actor=request.user,
            action="indicators.open_data_policy_set",
            target=obj.campaign,
            data={
                "threshold": obj.threshold,
                "published": obj.published,
                "changed": sorted(form.changed_data),
            },
        )
        build_open_data(obj.campaign)


@admin.register(OpenDataRelease)
class OpenDataReleaseAdmin(admin.ModelAdmin):
    """What is published, as built: read only (a refresh or a new threshold rebuilds it)."""

    list_display = ["campaign", "refreshed_at", "built_at", "threshold", "suppressed"]
    list_select_related = ["campaign"]
    exclude = ["payload"]
    readonly_fields = ["campaign", "refreshed_at", "built_at", "threshold", "suppressed"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
