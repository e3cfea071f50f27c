"""Where and how a billing code can be paid, step by step, as applicants do it."""

from django.utils.translation import gettext_lazy as _

CHANNELS = [
    {
        "code": "mobile_banking",
        "name": _("Mobile and internet banking"),
        "examples": "BNI Mobile, Livin' by Mandiri, BSI Mobile, BRImo, SimobiPlus",
        "steps": [
            _("Open your bank's app and sign in."),
            _(
                "Choose the state revenue payment menu: 'Penerimaan Negara / MPN G2' (BNI), "
                "'Pajak/PNBP/Cukai' then 'PNBP' (Mandiri), or 'Penerimaan Negara' (other banks)."
            ),
            _("Enter the 15-digit billing code."),
            _("Check that the name and amount match this page, then confirm."),
            _("Keep the receipt with the NTPN; the application updates by itself within minutes."),
        ],
    },
    {
        "code": "atm",
        "name": _("ATM"),
        "examples": "BNI, Mandiri, BRI, BSI, BTN",
        "steps": [
            _("Insert your card and enter your PIN."),
            _("Choose 'Pembayaran', then 'MPN' or 'Penerimaan Negara'."),
            _("Enter the 15-digit billing code and confirm the amount."),
            _("Keep the printed receipt."),
        ],
    },
    {
        "code": "teller",
        "name": _("Bank teller"),
        "examples": _("Any bank that is a state revenue collector (Bank Persepsi)"),
        "steps": [
            _("Tell the teller you want to pay PNBP with a billing code."),
            _("Give the 15-digit billing code and pay in cash or from your account."),
            _("Keep the receipt with the NTPN."),
        ],
    },
    {
        "code": "post_office",
        "name": _("Post office"),
        "examples": "PT Pos Indonesia",
        "steps": [
            _("At a post office counter, say you want to pay a state revenue billing code (MPN)."),
            _("Show the 15-digit billing code and pay."),
            _("Keep the receipt."),
        ],
    },
    {
        "code": "marketplace",
        "name": _("Marketplace"),
        "examples": "Tokopedia, Bukalapak",
        "steps": [
            _("Open the app and choose 'Tagihan', then 'Penerimaan Negara'."),
            _("Enter the 15-digit billing code."),
            _("Check the amount and pay with any method the app offers."),
        ],
    },
    {
        "code": "e_wallet",
        "name": _("E-wallet"),
        "examples": "DANA",
        "steps": [
            _("Open the app and choose 'Tagihan', then 'Penerimaan Negara' or 'MPN'."),
            _("Enter the 15-digit billing code."),
            _("Check the amount and pay."),
        ],
    },
    {
        "code": "minimarket",
        "name": _("Minimarket"),
        "examples": "Indomaret, Alfamart",
        "steps": [
            _("Tell the cashier you want to pay 'Penerimaan Negara' (MPN G2)."),
            _("Show the 15-digit billing code."),
            _("Pay in cash and keep the receipt."),
        ],
    },
]


def channels() -> list[dict]:
    return [
        {
            "code": c["code"],
            "name": str(c["name"]),
            "examples": str(c["examples"]),
            "steps": [str(s) for s in c["steps"]],
        }
        for c in CHANNELS
    ]


# Told to the applicant before paying (DOMAIN.md: when the fee is forfeited).
FORFEIT_NOTICE = _(
    "The fee is not refunded if the application is refused, if the wrong type of application was chosen, if "
    "information was false, if missing documents are not completed within 7 days, or if you do not come."
)
