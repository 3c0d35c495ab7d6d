from django.contrib import admin

from bawaba.administrations.models import Administration


@admin.register(Administration)
class AdministrationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_fr"]
    search_fields = ["code", "name_ar", "name_fr"]
