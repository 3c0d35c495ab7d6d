"""The audit trail: services call record_event inside their transaction, so the row and the change land together."""

from typing import Any

from django.db import models

from bawaba.core.models import AuditEvent


def record_event(
    *, actor: Any = None, action: str, target: models.Model | None = None, data: dict | None = None
) -> AuditEvent:
    """Write one audit row; `actor` is a user or None for the system (commands, scheduled work)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
