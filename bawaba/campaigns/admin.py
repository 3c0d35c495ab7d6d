from django.contrib import admin

from bawaba.campaigns.models import (
    Application,
    ApplicationChoice,
    Campaign,
    CampaignRules,
    CampaignStage,
    CommuneNeed,
)


class CampaignStageInline(admin.TabularInline):
    model = CampaignStage
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "title_fr",
        "administration",
        "kind",
        "registration_opens_at",
        "registration_closes_at",
    ]
    list_filter = ["kind", "is_published", "administration"]
    search_fields = ["slug", "title_ar", "title_fr"]
    inlines = [CampaignStageInline]


@admin.register(CampaignRules)
class CampaignRulesAdmin(admin.ModelAdmin):
    list_display = ["campaign", "version", "note", "created_at", "created_by"]
    list_filter = ["campaign"]
    readonly_fields = ["created_at"]


@admin.register(CommuneNeed)
class CommuneNeedAdmin(admin.ModelAdmin):
    list_display = ["campaign", "commune", "stage", "quantity"]
    list_filter = ["campaign", "stage", "commune__region"]
    search_fields = ["commune__code", "commune__name_fr", "commune__name_ar"]
    list_select_related = ["campaign", "commune"]
    raw_id_fields = ["commune"]
    show_full_result_count = False


class ApplicationChoiceInline(admin.TabularInline):
    model = ApplicationChoice
    extra = 0
    raw_id_fields = ["commune"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "cin",
        "last_name_latin",
        "first_name_latin",
        "campaign",
        "category",
        "status",
        "submitted_at",
    ]
    list_filter = ["campaign", "status", "category"]
    # Exact CIN and e-mail lookups stay fast over 500,000 rows; the name search is the staff screen's job.
    search_fields = ["=cin", "=user__email"]
    list_select_related = ["campaign", "user"]
    raw_id_fields = ["user", "residence_commune"]
    inlines = [ApplicationChoiceInline]
    show_full_result_count = False
