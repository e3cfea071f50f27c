from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeeProduct(models.TextChoices):
    ORDINARY_5 = "ordinary_5", _("Ordinary passport, 5 years")
    ORDINARY_10 = "ordinary_10", _("Ordinary passport, 10 years")
    ELECTRONIC_5 = "electronic_5", _("Electronic passport, 5 years")
    ELECTRONIC_10 = "electronic_10", _("Electronic passport, 10 years")
    SAME_DAY = "same_day", _("Same-day service (percepatan), on top")
    LOST = "lost_surcharge", _("Lost passport, on top")
    DAMAGED = "damaged_surcharge", _("Damaged passport, on top")


class Fee(models.Model):
    """A price in rupiah from a given moment. A bill keeps the price in force when issued."""

    product = models.CharField(_("product"), max_length=20, choices=FeeProduct.choices)
    amount = models.PositiveIntegerField(_("amount (IDR)"))
    effective_from = models.DateTimeField(_("in force from"), default=timezone.now)
    legal_basis = models.CharField(_("legal basis"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fee schedule")
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_from"], name="one_fee_per_product_and_start")
        ]

    def __str__(self):
        return f"{self.get_product_display()}: Rp{self.amount:,}".replace(",", ".")
