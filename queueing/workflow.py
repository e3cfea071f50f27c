"""The booking's moves: the one table of how a place is held, paid, used or given back."""

from core.states import Machine, move
from queueing.models import BookingStatus as B

BOOKINGS = Machine(
    "booking",
    {
        # Paid in time: the hold becomes the person's place (a lapsed one, if the session has room).
        "confirm": move({B.HELD, B.EXPIRED}, B.CONFIRMED),
        # The payment deadline passed unpaid; the place stopped counting at the deadline already.
        "lapse": move({B.HELD}, B.EXPIRED),
        "cancel": move({B.HELD, B.CONFIRMED, B.CHECKED_IN, B.EXPIRED}, B.CANCELLED),
        # Rescheduled: this row stays as history, a new one holds the new place.
        "move": move({B.HELD, B.CONFIRMED}, B.MOVED),
        "check_in": move({B.CONFIRMED}, B.CHECKED_IN),
        "no_show": move({B.CONFIRMED}, B.NO_SHOW),
    },
    audit_prefix="booking_",
)
