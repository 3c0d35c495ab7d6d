from django.contrib import admin

from bawaba.notifications.models import Mailing, MailingMessage, Notification, PreparedFile


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["=to_email", "=idempotency_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The context may hold a live link token: it stays out of the admin, like the rest of the row's innards.
    exclude = ["context"]
    readonly_fields = [
        "idempotency_key", "kind", "user", "to_email", "language", "status", "attempts", "last_error",
        "created_at", "next_attempt_at", "claimed_at", "sent_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False


class _ReadOnly(admin.ModelAdmin):
    """Rows the platform writes (mailings and their messages, prepared files): shown, never edited by hand. A
    mailing is paused, resumed or cancelled on its staff page, which keeps its counters right."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Mailing)
class MailingAdmin(_ReadOnly):
    list_display = ["created_at", "label", "kind", "status", "message_count", "started_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["label"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    exclude = ["context"]


@admin.register(MailingMessage)
class MailingMessageAdmin(_ReadOnly):
    list_display = ["mailing", "to_email", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["=to_email"]
    list_select_related = ["mailing"]
    show_full_result_count = False
    # Her temporary password or a link's token may be in the context until sent.
    exclude = ["context"]
    raw_id_fields = ["mailing", "user"]


@admin.register(PreparedFile)
class PreparedFileAdmin(_ReadOnly):
    list_display = [
        "requested_at",
        "title",
        "kind",
        "requested_by",
        "finished_at",
        "failed_at",
        "lines",
        "size",
    ]
    list_filter = ["kind"]
    date_hierarchy = "requested_at"
    raw_id_fields = ["requested_by"]
