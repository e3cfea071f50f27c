"""Records every app writes: the audit log (which is also the notification outbox) and the
remembered answers of idempotent API requests.

These sit below the apps, so they hold no foreign key to an app's rows: an audit entry
names the application whose timeline it belongs to by id. People are referred to through
`AUTH_USER_MODEL`, as Django's own admin log does.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, to which application, from which state to which, and why.

    Rows are only ever inserted; nobody can edit them, not even through the database
    (a trigger refuses UPDATE and DELETE). The applicant's timeline is the subset of an
    application's entries marked `public`; entries about no application (an office's
    quota, the fee schedule, an account) have no `application_id`.
    """

    application_id = models.UUIDField(_("application"), null=True, blank=True, db_index=True)
    # PROTECT: an audited person is never deleted (accounts are deactivated).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(_("shown to the applicant"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class NotificationDelivery(models.Model):
    """Telling the applicant about one public audit entry: the audit log is the outbox.

    A sender claims the entry for a lease, sends, then records `sent_at`. A sender that dies
    in between leaves the claim to lapse and another sends again: at least once, never
    lost. Messages carry a Message-ID made from the entry, so a repeat is recognisable.
    """

    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="notification")
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "claimed_until"], name="applicants__sent_at_6d7fdb_idx")]

    def __str__(self):
        return f"{self.entry_id} {self.sent_at or 'pending'}"


class IdempotencyKey(models.Model):
    """A remembered answer to an unsafe API request that a flaky network may repeat.

    A row without `status_code` is a request still running (or one whose process died:
    after `IDEMPOTENCY_CLAIM_SECONDS` another request with the key may take it over).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]

    def __str__(self):
        return self.key
