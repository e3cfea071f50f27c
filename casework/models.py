"""The office's casework on an application: the interview, the decision and the issued
passport, and the travel bans an application is screened against."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants import identity
from applicants.models import Application, stored_form


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


class Interview(models.Model):
    """What the verifier recorded at the office: biometrics taken, interview, recommendation."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="interview")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    photo_taken = models.BooleanField(_("photo taken"))
    fingerprints_taken = models.BooleanField(_("fingerprints taken"))
    notes = models.TextField(_("interview notes"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=8, choices=Recommendation.choices)
    recommendation_reason = models.CharField(_("reason for the recommendation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self):
        return f"{self.application.number} {self.recommendation}"


class CollectorRelation(models.TextChoices):
    SELF = "self", _("The applicant")
    FAMILY = "family", _("A family member on the same family card (KK)")
    ATTORNEY = "attorney", _("A person with power of attorney")


class Issuance(models.Model):
    """The passport issued for an application, from approval to hand-over."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="issuance")
    passport_number = models.CharField(_("passport number"), max_length=9, unique=True)
    office = models.ForeignKey(
        "queueing.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="issuances"
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), default=timezone.now)
    expected_ready_date = models.DateField(_("expected ready date"))
    valid_until = models.DateField(_("valid until"))
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready for pickup"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collector_name = models.CharField(_("collected by"), max_length=100, blank=True)
    collector_relation = models.CharField(
        _("collector is"), max_length=10, choices=CollectorRelation.choices, blank=True
    )
    collector_id_number = models.CharField(_("collector's NIK"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("issued passport")
        verbose_name_plural = _("issued passports")
        constraints = [
            stored_form("issuance", "passport_number", identity.PASSPORT_NUMBER_PATTERN, blank=False),
            stored_form("issuance", "collector_id_number", identity.NIK_PATTERN),
        ]

    def __str__(self):
        return self.passport_number


class Authority(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    KPK = "kpk", _("Corruption Eradication Commission (KPK)")
    BPK = "bpk", _("Audit Board (BPK)")
    OTHER = "other", _("Other authority")


class TravelBan(models.Model):
    """A person barred from leaving the country at another authority's request."""

    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    full_name = models.CharField(_("full name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    authority = models.CharField(_("requested by"), max_length=12, choices=Authority.choices)
    reference = models.CharField(_("letter reference"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("travel ban")
        verbose_name_plural = _("travel bans")
        permissions = [("decide_travel_ban", _("Can decide on a travel-ban match"))]
        constraints = [stored_form("travelban", "nik", identity.NIK_PATTERN)]

    def __str__(self):
        return f"{self.full_name} ({self.get_authority_display()} {self.reference})"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a supervisor")
    PROPOSED = "proposed", _("Clearance proposed: waiting for a second supervisor")
    CLEARED = "cleared", _("Cleared: not the same person")
    UPHELD = "upheld", _("Upheld: the ban applies")


class TravelBanFlag(models.Model):
    """An application that matches a travel ban; it cannot be approved while open."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="travel_ban_flags")
    ban = models.ForeignKey(TravelBan, on_delete=models.PROTECT, related_name="flags")
    matched_on = models.CharField(_("matched on"), max_length=20)
    status = models.CharField(_("status"), max_length=8, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    # Clearing takes two supervisors (four eyes): the first proposes, another confirms.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clearance proposed by"),
    )
    proposed_at = models.DateTimeField(_("clearance proposed"), null=True, blank=True)
    proposal_reason = models.CharField(_("reason for the proposed clearance"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("travel-ban match")
        verbose_name_plural = _("travel-ban matches")
        constraints = [models.UniqueConstraint(fields=["application", "ban"], name="one_flag_per_application_and_ban")]

    def __str__(self):
        return f"{self.application.number} ~ {self.ban}"
