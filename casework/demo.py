"""Demo accounts for `seed_demo`. Passwords are for a developer's machine only."""

from applicants.models import User
from casework.roles import CUSTOMER_SERVICE, ensure_roles
from queueing.models import StaffPosting

DEMO_PASSWORD = "paspor-demo-2026"  # noqa: S105 - demo data for a local machine
DEMO_ACCOUNTS = [
    # email, name, staff role (None: applicant; "superuser": everything)
    ("admin@mpaspor.localhost", "Admin Kantor", "superuser"),
    ("cs@mpaspor.localhost", "Siti Layanan", CUSTOMER_SERVICE),
    ("pemohon@mpaspor.localhost", "Budi Santoso", None),
]


def seed_accounts() -> list[tuple[str, str, str]]:
    groups = ensure_roles()
    created = []
    for email, name, role in DEMO_ACCOUNTS:
        user, _new = User.objects.get_or_create(email=email, defaults={"full_name": name})
        user.full_name = name
        user.is_staff = role is not None
        user.is_superuser = role == "superuser"
        if user.email_verified_at is None:
            from django.utils import timezone

            user.email_verified_at = timezone.now()
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role in groups:
            user.groups.add(groups[role])
        created.append((email, DEMO_PASSWORD, role or "applicant"))
    return created


def post_staff(offices) -> None:
    """Post the demo staff (not the superuser, who sees everything) to the demo offices, so they
    see the demo applicant whichever office the applicant books."""
    for email, _name, role in DEMO_ACCOUNTS:
        if role not in (None, "superuser"):
            user = User.objects.get(email=email)
            for office in offices:
                StaffPosting.objects.get_or_create(user=user, office=office)
