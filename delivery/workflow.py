"""The shipment's moves: registered with PT Pos, then following the parcel's tracking.

The newest tracking event (by when it happened) sets the shipment's status; an older event
arriving late never undoes a newer one. A delivered or failed parcel moves no more.
"""

from core.states import Machine, move
from delivery.models import ShipmentStatus as S

TRAVELLING = {S.REGISTERING, S.POSTED, S.MANIFEST_RECEIVED, S.MANIFEST_HANDED_OVER, S.OUT_FOR_DELIVERY}

SHIPMENTS = Machine(
    "shipment",
    {
        "register": move({S.REGISTERING}, S.POSTED),
        **{status: move(TRAVELLING - {status}, status) for status in TRAVELLING - {S.REGISTERING}},
        S.DELIVERED.value: move(TRAVELLING, S.DELIVERED),
        S.FAILED.value: move(TRAVELLING, S.FAILED),
    },
    audit_prefix="shipment_",
)
