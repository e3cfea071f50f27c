"""The fee schedule: the price of each passport product, effective-dated, and what an
application costs. Prices are data (Government Regulation PP 45/2024 is loaded by a data
migration); a later price is a new row with a later start, never an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from applicants.models import Fee, FeeProduct

PP_45_2024 = "PP 45/2024"
IN_FORCE = datetime(2024, 12, 1, tzinfo=ZoneInfo("Asia/Jakarta"))
FEES = {
    "ordinary_5": 350_000,
    "ordinary_10": 650_000,
    "electronic_5": 650_000,
    "electronic_10": 950_000,
    "same_day": 1_000_000,
    "lost_surcharge": 1_000_000,
    "damaged_surcharge": 500_000,
}


def load_pp_45_2024(fee_model) -> None:
    """Insert the PP 45/2024 prices if absent; `fee_model` may be a migration's historical model."""
    for product, amount in FEES.items():
        fee_model.objects.get_or_create(
            product=product, effective_from=IN_FORCE, defaults={"amount": amount, "legal_basis": PP_45_2024}
        )


def fees_in_force(at: datetime | None = None) -> dict[str, Fee]:
    """The newest fee per product that has started by `at` (now by default)."""
    at = at or timezone.now()
    current: dict[str, Fee] = {}
    for fee in Fee.objects.filter(effective_from__lte=at).order_by("product", "-effective_from"):
        current.setdefault(fee.product, fee)
    return current


@dataclass(frozen=True)
class PriceLine:
    product: str
    label: str
    amount: int


SURCHARGE_BY_REASON = {"lost": FeeProduct.LOST, "damaged": FeeProduct.DAMAGED}


def price_lines(
    *,
    passport_type: str,
    validity_years: int | None,
    service: str,
    reason: str,
    at: datetime | None = None,
    fees: dict[str, Fee] | None = None,
) -> list[PriceLine]:
    """The fee items for a passport product; empty if the product is not chosen yet or unpriced.

    `fees` (from `fees_in_force`) lets a caller pricing many applications read the schedule once."""
    if not passport_type or not validity_years:
        return []
    fees = fees if fees is not None else fees_in_force(at)
    wanted = [f"{passport_type}_{validity_years}"]
    if service == "same_day":
        wanted.append(FeeProduct.SAME_DAY)
    if reason in SURCHARGE_BY_REASON:
        wanted.append(SURCHARGE_BY_REASON[reason])
    if any(product not in fees for product in wanted):
        return []
    return [PriceLine(p, str(FeeProduct(p).label), fees[p].amount) for p in wanted]


def price_of_application(
    application, at: datetime | None = None, fees: dict[str, Fee] | None = None
) -> list[PriceLine]:
    return price_lines(
        fees=fees,
        passport_type=application.passport_type,
        validity_years=application.validity_years,
        service=application.service,
        reason=application.reason,
        at=at,
    )
