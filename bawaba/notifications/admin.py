from django.contrib import admin

from bawaba.notifications.models import Notification


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
