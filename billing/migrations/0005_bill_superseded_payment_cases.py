"""Renewal supersedes a bill explicitly; every stored payment says why it was not applied;
the database refuses a second applied payment for one application."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    Payment = apps.get_model("billing", "Payment")
    for payment in Payment.objects.select_related("bill"):
        payment.application_id = payment.bill.application_id
        if payment.outcome != "applied":
            if payment.paid_at > payment.bill.expires_at:
                payment.case = "paid_late"
            elif payment.bill.status == "cancelled":
                payment.case = "bill_cancelled"
            else:
                payment.case = "bill_paid"
        payment.save(update_fields=["application", "case"])
    Bill = apps.get_model("billing", "Bill")
    renewed = Bill.objects.filter(renewed_by__isnull=False, status__in=["unpaid", "expired"])
    renewed.update(status="superseded")


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0006_notification_outbox"),
        ("billing", "0004_bill_reminded_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="bill",
            name="status",
            field=models.CharField(
                choices=[("unpaid", "Not paid yet"), ("paid", "Paid"), ("expired", "Expired"),
                         ("cancelled", "Cancelled"), ("superseded", "Replaced by a renewed code")],
                default="unpaid", max_length=10, verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="application",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                    to="applicants.application"),
        ),
        migrations.AddField(
            model_name="payment",
            name="case",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="why not applied",
                choices=[("paid_late", "Paid after the payment deadline"),
                         ("paid_before_issue", "Payment time is before the bill was issued"),
                         ("amount_mismatch", "Amount differs from the bill"),
                         ("bill_paid", "The bill was already paid: a second payment"),
                         ("bill_cancelled", "The bill had been cancelled"),
                         ("application_settled", "The application was already paid with another code"),
                         ("not_payable", "The application could no longer take a payment")],
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="outcome",
            field=models.CharField(
                choices=[("applied", "Applied to the bill"), ("refund_due", "Not applied: refund due"),
                         ("refunded", "Refunded")],
                max_length=12, verbose_name="outcome",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="application",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                    to="applicants.application"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(condition=models.Q(("outcome", "applied")), fields=("application",),
                                               name="one_applied_payment_per_application"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("case", ""), ("outcome", "applied"))
                | models.Q(models.Q(("outcome", "applied"), _negated=True), models.Q(("case", ""), _negated=True)),
                name="a_case_says_why_a_payment_was_not_applied",
            ),
        ),
    ]
