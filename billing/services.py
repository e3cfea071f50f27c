"""Writes to the fee schedule (bills and payments arrive with the booking issue)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.audit import log_action
from billing.models import Fee
from mpaspor.errors import DomainError


@transaction.atomic
def fee_schedule(*, product: str, amount: int, effective_from: datetime, actor, legal_basis: str = "") -> Fee:
    """Add a future price. Prices already in force are history and are never edited."""
    if effective_from < timezone.now():
        message = _("A new price must start in the future; prices already in force cannot be changed.")
        raise DomainError("fee_in_the_past", message, fields={"effective_from": [message]})
    if amount < 0:
        raise DomainError(
            "invalid", _("A fee cannot be negative."), fields={"amount": [_("A fee cannot be negative.")]}
        )
    fee, _created = Fee.objects.update_or_create(
        product=product, effective_from=effective_from, defaults={"amount": amount, "legal_basis": legal_basis}
    )
    log_action(None, actor, "fee_scheduled", data={"product": product, "amount": amount,
                                                  "effective_from": effective_from.isoformat()}, public=False)  # fmt: skip
    return fee
