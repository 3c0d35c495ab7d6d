from django.contrib import admin

from bawaba.territory.models import Arrondissement, Commune, Province, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "population_2024", "households_2024"]
    search_fields = ["code", "name_fr", "name_ar"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "kind", "region", "population_2024"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["region"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "kind", "province", "population_2024", "households_2024"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["province"]
    raw_id_fields = ["province", "region"]


@admin.register(Arrondissement)
class ArrondissementAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "commune", "population_2024"]
    search_fields = ["code", "name_fr", "name_ar"]
    list_select_related = ["commune"]
