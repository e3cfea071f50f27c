from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing import simulator
from billing.models import Bill


class Command(BaseCommand):
    help = "Pay a bill as the payment gateway would: send a signed notification to the running portal."

    def add_arguments(self, parser):
        parser.add_argument("billing_code")
        parser.add_argument("--url", default=None, help="The portal's address (default SITE_URL)")
        parser.add_argument("--channel", default="mobile_banking")
        parser.add_argument("--amount", type=int, default=None, help="Default: the bill's amount")
        parser.add_argument("--minutes-ago", type=int, default=0, help="Say the payment was made this long ago")
        parser.add_argument("--ntpn", default=None, help="Repeat a notification by reusing its NTPN")

    def handle(self, *args, billing_code, url, channel, amount, minutes_ago, ntpn, **options):
        bill = Bill.objects.filter(code=billing_code).first()
        if amount is None:
            if bill is None:
                raise CommandError("Unknown billing code; give --amount to send it anyway.")
            amount = bill.amount
        body = simulator.notification(
            billing_code=billing_code,
            amount=amount,
            channel=channel,
            ntpn=ntpn,
            paid_at=timezone.now() - timedelta(minutes=minutes_ago),
        )
        status, answer = simulator.send(body, base_url=url)
        self.stdout.write(f"HTTP {status} {answer} (NTPN {body['ntpn']})")
        if status >= 400 and status != 409:
            raise CommandError(f"the portal refused the notification: {answer.get('code')}")
