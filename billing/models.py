import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_billing_code() -> str:
    """15 digits, first one non-zero, as a SIMPONI / MPN G2 billing code."""
    return str(10**14 + secrets.randbelow(9 * 10**14))


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", _("Not paid yet")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERSEDED = "superseded", _("Replaced by a renewed code")


# A bill in these states can still be settled by a payment made before its deadline.
SETTLEABLE = (BillStatus.UNPAID, BillStatus.EXPIRED, BillStatus.SUPERSEDED)


class Bill(models.Model):
    """A PNBP billing code for one application's fee, payable until `expires_at`."""

    application = models.ForeignKey("applicants.Application", on_delete=models.PROTECT, related_name="bills")
    code = models.CharField(_("billing code"), max_length=15, unique=True, default=new_billing_code)
    amount = models.PositiveIntegerField(_("amount (IDR)"))
    lines = models.JSONField(_("items"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=BillStatus.choices, default=BillStatus.UNPAID)
    payer_name = models.CharField(_("payer"), max_length=100)
    ministry_code = models.CharField(_("ministry"), max_length=3)
    echelon_code = models.CharField(_("echelon"), max_length=2)
    work_unit_code = models.CharField(_("work unit"), max_length=6)
    account_code = models.CharField(_("account"), max_length=6)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("pay before"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    renewed_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewed_by"
    )

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-issued_at"]
        permissions = [("reconcile_payment", _("Can record a payment from its NTPN"))]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return self.code

    @property
    def is_expired(self) -> bool:
        """Past its deadline and unpaid: expired when read, whether or not a job has run."""
        return self.status == BillStatus.EXPIRED or (
            self.status == BillStatus.UNPAID and self.expires_at <= timezone.now()
        )

    @property
    def effective_status(self) -> str:
        return BillStatus.EXPIRED if self.is_expired else self.status


class PaymentOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied to the bill")
    REFUND_DUE = "refund_due", _("Not applied: refund due")
    REFUNDED = "refunded", _("Refunded")


class PaymentCase(models.TextChoices):
    """Why money received was not applied: what staff see on a refund case."""

    PAID_LATE = "paid_late", _("Paid after the payment deadline")
    PAID_BEFORE_ISSUE = "paid_before_issue", _("Payment time is before the bill was issued")
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs from the bill")
    BILL_PAID = "bill_paid", _("The bill was already paid: a second payment")
    BILL_CANCELLED = "bill_cancelled", _("The bill had been cancelled")
    APPLICATION_SETTLED = "application_settled", _("The application was already paid with another code")
    NOT_PAYABLE = "not_payable", _("The application could no longer take a payment")


class PaymentSource(models.TextChoices):
    GATEWAY = "gateway", _("Payment gateway notification")
    RECONCILIATION = "reconciliation", _("Recorded by staff from the NTPN")


class Payment(models.Model):
    """Money received for a bill, identified by its NTPN (proof of state revenue)."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    # The bill's application, kept here so the database itself can refuse a second applied
    # payment for one application, whichever of its codes was paid.
    application = models.ForeignKey("applicants.Application", on_delete=models.PROTECT, related_name="payments")
    ntpn = models.CharField(_("NTPN"), max_length=16, unique=True)
    ntb = models.CharField(_("NTB (bank reference)"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=40)
    amount = models.PositiveIntegerField(_("amount (IDR)"))
    paid_at = models.DateTimeField(_("paid at"))
    received_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=16, choices=PaymentSource.choices, default=PaymentSource.GATEWAY)
    outcome = models.CharField(_("outcome"), max_length=12, choices=PaymentOutcome.choices)
    case = models.CharField(_("why not applied"), max_length=20, choices=PaymentCase.choices, blank=True)
    # The staff member who recorded it from an NTPN (None for the gateway's notice).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_at"]
        constraints = [
            # At most one payment is ever applied to a bill.
            models.UniqueConstraint(
                fields=["bill"], condition=models.Q(outcome="applied"), name="one_applied_payment_per_bill"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(outcome="applied"),
                name="one_applied_payment_per_application",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="applied", case="") | (~models.Q(outcome="applied") & ~models.Q(case="")),
                name="a_case_says_why_a_payment_was_not_applied",
            ),
        ]

    def __str__(self):
        return self.ntpn
