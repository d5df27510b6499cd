from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Append-only record of a sensitive action: who did what to which object."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class DataVersion(models.Model):
    """One row whose `version` changes after every transaction that writes what pages show.

    `alleger.core.fragments` keys the shared fragments of logged-in pages by it:
    it is replaced, after the commit, by any INSERT, UPDATE or DELETE made
    through Django's connection (sessions excepted), so a fragment rendered
    before a write is never read after it. Internal: no admin, no interface strings.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="data_version_single_row")]

    def __str__(self):
        return str(self.version)
