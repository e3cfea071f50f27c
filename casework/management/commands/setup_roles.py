from django.core.management.base import BaseCommand

from casework.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the staff roles (groups and their permissions). Safe to run again."

    def handle(self, *args, **options):
        for name in ensure_roles():
            self.stdout.write(f"role {name} ready")
