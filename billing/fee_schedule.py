"""The fee schedule of Government Regulation PP 45/2024 (in force December 2024).

Loaded by a data migration and again by `seed_demo`; later prices are new rows with a
later start, added by staff.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

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


def load(fee_model) -> None:
    """Insert the PP 45/2024 prices if absent; `fee_model` may be a migration's historical model."""
    for product, amount in FEES.items():
        fee_model.objects.get_or_create(
            product=product, effective_from=IN_FORCE, defaults={"amount": amount, "legal_basis": PP_45_2024}
        )
