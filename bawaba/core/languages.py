from django.conf import settings


def supported_language(code: str | None) -> str:
    """`code` when the platform speaks it, else the default language (Arabic): for e-mails and links."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
