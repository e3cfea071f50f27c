from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from delivery import simulator
from delivery.models import SimulatedParcel


class Command(BaseCommand):
    help = "Move a simulated PT Pos parcel one step (or to --status) and send the signed callback to the portal."

    def add_arguments(self, parser):
        parser.add_argument("tracking_number")
        parser.add_argument(
            "--status",
            default=None,
            help="posted, manifest_received, manifest_handed_over, "
            "out_for_delivery, delivered or failed (default: the next step)",
        )
        parser.add_argument("--location", default="")
        parser.add_argument("--url", default=None, help="The portal's address (default SITE_URL)")

    def handle(self, *args, tracking_number, status, location, url, **options):
        if not SimulatedParcel.objects.filter(tracking_number=tracking_number).exists():
            raise CommandError("No simulated parcel has this tracking number.")
        event = simulator.advance(tracking_number, status=status, location=location, send_to=url or settings.SITE_URL)
        self.stdout.write(f"{tracking_number}: {event['status']} at {event['location']}")
