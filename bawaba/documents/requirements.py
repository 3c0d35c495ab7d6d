"""What a dossier asks for: the campaign's active requirements that apply to her category, and their names and help
in the reader's language (Arabic and French are required, English falls back to French)."""

from django.utils import translation

from bawaba.documents.models import Requirement

FALLBACKS = {"ar": ("ar", "fr"), "fr": ("fr", "ar"), "en": ("en", "fr", "ar")}


def _in_language(requirement: Requirement, field: str, language: str | None = None) -> str:
    language = (language or translation.get_language() or "ar").split("-")[0]
    for code in FALLBACKS.get(language, ("fr", "ar")):
        value = getattr(requirement, f"{field}_{code}", "")
        if value:
            return value
    return ""


def requirement_name(requirement: Requirement, language: str | None = None) -> str:
    return _in_language(requirement, "name", language) or requirement.key


def requirement_help(requirement: Requirement, language: str | None = None) -> str:
    return _in_language(requirement, "help", language)


def required_for(requirements: list[Requirement], category: str) -> list[Requirement]:
    """Of a campaign's requirements (in their order), those her dossier needs (shared contract: active and
    applying to her category)."""
    return [r for r in requirements if r.is_active and r.applies_to(category)]


def campaign_requirements(campaign_id: int) -> list[Requirement]:
    return list(Requirement.objects.filter(campaign_id=campaign_id).order_by("order", "pk"))
