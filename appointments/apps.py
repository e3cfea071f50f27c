from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments: a place and its fee")

    def ready(self):
        from core.audit import register_labels

        register_labels(
            {
                "bill_renewed": _("New billing code issued"),
                "draw_entered": _("Entered the quota draw"),
                "draw_changed": _("Draw entry changed"),
                "draw_withdrawn": _("Left the quota draw"),
                "draw_won": _("Drawn in the quota draw: a place is held for you"),
                "draw_not_drawn": _(
                    "Not drawn in the quota draw. Join its waitlist, or book one of the nearest sessions with places."
                ),
                "draw_void": _("Left out of the quota draw: the application could no longer be booked"),
                "waitlist_joined": _("Joined the waitlist"),
                "waitlist_left": _("Left the waitlist"),
                "waitlist_offered": _("A freed place is offered to you: take it before the offer lapses"),
                "waitlist_offer_lapsed": _("The offered place lapsed and went to the next person waiting"),
            }
        )
