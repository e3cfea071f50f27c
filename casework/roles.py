"""Staff roles as Django groups, each with the least privilege its work needs.

`ensure_roles()` is idempotent: run by `seed_demo` and by `manage.py setup_roles` in
production after each migration.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

CUSTOMER_SERVICE = "customer_service"
VERIFIER = "verifier"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"

_READ = [
    "applicants.view_application",
    "applicants.view_document",
    "core.view_auditentry",
    "casework.view_interview",
    "casework.view_issuance",
    "applicants.view_fee",
    "billing.view_bill",
    "billing.view_payment",
    "queueing.view_office",
    "queueing.view_sessionslot",
    "queueing.view_booking",
    "queueing.view_queueticket",
    "queueing.view_closure",
    "queueing.view_quotarelease",
    "queueing.view_drawentry",
    "delivery.view_deliverychoice",
    "delivery.view_shipment",
    "delivery.view_trackingevent",
]

ROLES = {
    CUSTOMER_SERVICE: (
        _("Customer service"),
        [
            "applicants.view_application",
            "applicants.change_application",
            "applicants.view_document",
            "applicants.add_document",
            "applicants.review_document",
            "core.view_auditentry",
            "applicants.check_in_application",
            "applicants.assist_applicant",
            "applicants.view_fee",
            "queueing.view_office",
            "queueing.view_sessionslot",
            "queueing.view_booking",
            "queueing.special_reschedule",
            "queueing.view_queueticket",
            "queueing.view_quotarelease",
            "queueing.view_drawentry",
            "billing.view_bill",
            "billing.view_payment",
            "billing.reconcile_payment",
            "applicants.hand_over_passport",
            "casework.view_issuance",
            "delivery.view_deliverychoice",
            "delivery.view_shipment",
            "delivery.view_trackingevent",
        ],
    ),
    VERIFIER: (_("Verifier"), [*_READ, "applicants.interview_application"]),
    SUPERVISOR: (
        _("Supervisor"),
        [
            *_READ,
            "applicants.decide_application",
            "applicants.issue_passport",
            "casework.view_travelban",
            "casework.add_travelban",
            "casework.change_travelban",
            "casework.view_travelbanflag",
            "casework.decide_travel_ban",
            "queueing.special_reschedule",
            "queueing.change_sessionslot",
            "queueing.add_closure",
            "queueing.change_closure",
            "queueing.make_draw",
            "applicants.add_fee",
            "applicants.change_fee",
            # Supervisors widen the office scope: they see the applicants of every office.
            "queueing.view_all_offices",
        ],
    ),
    AUDITOR: (_("Auditor (read only)"), [*_READ, "casework.view_travelban", "casework.view_travelbanflag"]),
}


def ensure_roles() -> dict[str, Group]:
    groups = {}
    for name, (_label, codenames) in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
        groups[name] = group
    return groups
