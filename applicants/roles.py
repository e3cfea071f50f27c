"""Staff roles as Django groups, each with the least privilege its work needs.

`ensure_roles()` is idempotent: run by `seed_demo` and by `manage.py setup_roles` in
production after each migration.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

CUSTOMER_SERVICE = "customer_service"

ROLES = {
    CUSTOMER_SERVICE: (
        _("Customer service"),
        [
            "applicants.view_application", "applicants.change_application", "applicants.view_document",
            "applicants.add_document", "applicants.review_document", "applicants.view_auditentry",
            "applicants.check_in_application", "billing.view_fee", "queueing.view_office", "queueing.view_sessionslot",
            "queueing.view_booking", "queueing.special_reschedule", "queueing.view_queueticket",
            "billing.view_bill", "billing.view_payment", "billing.reconcile_payment",
        ],
    ),
}  # fmt: skip


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
