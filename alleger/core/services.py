from django.db import models

from .models import AuditEvent


def audit_record(*, actor, action: str, target: models.Model, **data) -> AuditEvent:
    """Record a sensitive action. Call it inside the transaction of the action itself."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )
