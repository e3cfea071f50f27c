"""The bill's moves: the one table of how a billing code is paid, lapses or is replaced."""

from billing.models import BillStatus as S
from core.states import Machine, move

BILLS = Machine(
    "bill",
    {
        # A payment made before the deadline counts whenever its notice comes, even for a
        # code that has lapsed or been replaced since.
        "pay": move({S.UNPAID, S.EXPIRED, S.SUPERSEDED}, S.PAID),
        "expire": move({S.UNPAID}, S.EXPIRED),
        "cancel": move({S.UNPAID}, S.CANCELLED),
        # A renewal or a new booking replaces a lapsed code.
        "supersede": move({S.UNPAID, S.EXPIRED}, S.SUPERSEDED),
    },
    audit_prefix="bill_",
)
