import secrets
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants import identity
from applicants.models import NUMBER_ALPHABET, Application, stored_form


class TimeZoneName(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class OfficeKind(models.TextChoices):
    KANIM = "kanim", _("Immigration office (Kanim)")
    ULP = "ulp", _("Passport service unit (ULP)")
    MPP = "mpp", _("Public service mall (MPP)")


class OpeningMode(models.TextChoices):
    DRAW = "draw", _("Draw: everyone who enters in the window has the same chance")
    RACE = "race", _("Race: first come, first served")


def default_working_days():
    return [0, 1, 2, 3, 4]  # Monday to Friday


class Office(models.Model):
    """An immigration office, passport service unit or public service mall."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=5, choices=OfficeKind.choices, default=OfficeKind.KANIM)
    office_class = models.CharField(_("class"), max_length=40, blank=True, help_text=_("For example: Kelas I TPI"))
    address = models.CharField(_("address"), max_length=200)
    city = models.CharField(_("city"), max_length=60)
    province = models.CharField(_("province"), max_length=60)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=16, choices=TimeZoneName.choices, default=TimeZoneName.WIB)
    issues_ordinary = models.BooleanField(_("issues ordinary passports"), default=True)
    issues_electronic = models.BooleanField(_("issues e-passports"), default=False)
    offers_same_day = models.BooleanField(_("offers same-day service"), default=False)
    working_days = models.JSONField(
        _("working days"), default=default_working_days, help_text=_("Weekday numbers, 0 = Monday.")
    )
    booking_horizon_days = models.PositiveSmallIntegerField(_("days ahead that can be booked"), default=30)
    quota_release_time = models.TimeField(
        _("daily quota release time"),
        default=time(9, 0),
        help_text=_("Local time at which the day at the end of the horizon opens for booking."),
    )
    opening_mode = models.CharField(
        _("how a released day is given out"), max_length=4, choices=OpeningMode.choices, default=OpeningMode.DRAW
    )
    entry_window_minutes = models.PositiveSmallIntegerField(
        _("draw entry window (minutes)"),
        default=15,
        help_text=_("In draw mode, how long after the release time applicants may enter the draw."),
    )
    is_active = models.BooleanField(_("accepting bookings"), default=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def zone_abbreviation(self) -> str:
        return {TimeZoneName.WIB: "WIB", TimeZoneName.WITA: "WITA", TimeZoneName.WIT: "WIT"}.get(self.timezone, "")

    def local_now(self) -> datetime:
        return timezone.now().astimezone(self.zone)

    def local_today(self):
        return self.local_now().date()

    def serves(self, passport_type: str) -> bool:
        return {"ordinary": self.issues_ordinary, "electronic": self.issues_electronic}.get(passport_type, False)


class SessionTemplate(models.Model):
    """An office's default session on its working days; staff override single days on the slot."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="session_templates")
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    capacity = models.PositiveIntegerField(_("regular places"))
    priority_capacity = models.PositiveIntegerField(_("priority-lane places"), default=0)

    class Meta:
        verbose_name = _("default session")
        verbose_name_plural = _("default sessions")
        ordering = ["office", "start_time"]
        constraints = [models.UniqueConstraint(fields=["office", "start_time"], name="one_template_per_start")]

    def __str__(self):
        return f"{self.start_time:%H:%M}-{self.end_time:%H:%M}"


class Closure(models.Model):
    """A day without service: a national holiday (no office) or one office's closure."""

    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        help_text=_("Empty for a national holiday."),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120)

    class Meta:
        verbose_name = _("holiday or closure")
        verbose_name_plural = _("holidays and closures")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="one_closure_per_office_day")]

    def __str__(self):
        return f"{self.date} {self.reason}"


class SessionSlot(models.Model):
    """One session on one day at one office, with its own capacity (the day's quota)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"), help_text=_("The office's local date."))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("regular places"))
    priority_capacity = models.PositiveIntegerField(_("priority-lane places"), default=0)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["office", "date", "start_time"]
        constraints = [models.UniqueConstraint(fields=["office", "date", "start_time"], name="one_slot_per_start")]
        indexes = [models.Index(fields=["office", "date"])]

    def __str__(self):
        return f"{self.office.code} {self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @classmethod
    def aware(cls, office: Office, day, at) -> datetime:
        return datetime.combine(day, at, tzinfo=office.zone)

    def lane_capacity(self, lane: str) -> int:
        return self.priority_capacity if lane == Lane.PRIORITY else self.capacity


class Lane(models.TextChoices):
    REGULAR = "regular", _("Regular")
    PRIORITY = "priority", _("Priority lane")


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held until the fee is paid")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired unpaid")
    MOVED = "moved", _("Moved to another session")


# A held booking takes a place only until its deadline; these take one for good.
PLACE_TAKING = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW)
# Statuses that stop the same person from booking again (one active booking per NIK).
ACTIVE = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


def new_booking_code() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def holds_place_q(now=None) -> Q:
    """Bookings that take a place right now: expiry is part of the query, not of a job."""
    now = now or timezone.now()
    return Q(status__in=PLACE_TAKING) | Q(status=BookingStatus.HELD, hold_until__gt=now)


class Booking(models.Model):
    """A place in a session for one application, bound to the applicant's NIK."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(SessionSlot, on_delete=models.PROTECT, related_name="bookings")
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    lane = models.CharField(_("lane"), max_length=8, choices=Lane.choices, default=Lane.REGULAR)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.HELD)
    code = models.CharField(_("booking code"), max_length=8, unique=True, default=new_booking_code)
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)
    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    reschedules_used = models.PositiveSmallIntegerField(_("reschedules used"), default=0)
    moved_from = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="moved_to")
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        constraints = [
            # The database itself refuses a second active booking for a person or application,
            # whatever any code path does.
            models.UniqueConstraint(fields=["nik"], condition=Q(status__in=ACTIVE), name="one_active_booking_per_nik"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(status__in=ACTIVE), name="one_active_booking_per_application"
            ),
            # ...and the NIK is always the 16 ASCII digits, so a NIK written in other digits is the same NIK.
            stored_form("booking", "nik", identity.NIK_PATTERN, blank=False),
        ]
        indexes = [models.Index(fields=["slot", "lane", "status"])]
        permissions = [("special_reschedule", _("Can grant a special reschedule with a reason"))]

    def __str__(self):
        return f"{self.code} {self.slot}"

    @property
    def is_expired(self) -> bool:
        return self.status == BookingStatus.EXPIRED or (
            self.status == BookingStatus.HELD and self.hold_until is not None and self.hold_until <= timezone.now()
        )

    @property
    def effective_status(self) -> str:
        """The status as of now: an unpaid hold past its deadline is expired, swept or not."""
        return BookingStatus.EXPIRED if self.is_expired else self.status


class QueueTicket(models.Model):
    """The number an applicant gets at check-in; priority numbers are called first."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="ticket")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="tickets")
    date = models.DateField(_("date"))
    number = models.CharField(_("queue number"), max_length=6)
    priority = models.BooleanField(_("priority"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    counter = models.CharField(_("counter"), max_length=10, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["-priority", "checked_in_at"]
        constraints = [models.UniqueConstraint(fields=["office", "date", "number"], name="one_number_per_office_day")]
        indexes = [models.Index(fields=["office", "date", "called_at"])]

    def __str__(self):
        return self.number


class StaffPosting(models.Model):
    """An office a staff member is posted to: they see the applicants of that office only.

    A staff member sees nobody's data until posted (fail closed); superusers and holders of
    `queueing.view_all_offices` see every office (`casework.selectors`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="postings", verbose_name=_("staff member")
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="postings", verbose_name=_("office"))
    posted_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("staff posting")
        verbose_name_plural = _("staff postings")
        ordering = ["office", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="one_posting_per_user_and_office")]
        permissions = [("view_all_offices", _("Can see the applicants of every office"))]

    def __str__(self):
        return f"{self.user} @ {self.office.code}"


class QuotaRelease(models.Model):
    """One office-day given out by a draw: the window, the committed seed and the result.

    The commitment (SHA-256 of the seed) is public from the opening; the seed only once the
    draw is made (`queueing.draw`). Nothing here is editable by staff: the result is a
    function of the seed and the entries."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="releases")
    date = models.DateField(_("date"), help_text=_("The office's local date of the sessions."))
    opens_at = models.DateTimeField(_("entry opens"))
    closes_at = models.DateTimeField(_("entry closes"))
    seed = models.CharField(_("seed"), max_length=64)
    commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    entries_drawn = models.PositiveIntegerField(_("entries in the draw"), default=0)
    places_drawn = models.JSONField(_("places in the draw"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quota draw")
        verbose_name_plural = _("quota draws")
        ordering = ["-date", "office"]
        permissions = [("make_draw", _("Can make a draw whose window has closed"))]
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="one_release_per_office_day")]

    def __str__(self):
        return f"{self.office.code} {self.date}"

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None

    @property
    def published_seed(self) -> str:
        return self.seed if self.is_drawn else ""


class EntryStatus(models.TextChoices):
    ENTERED = "entered", _("Entered, waiting for the draw")
    WON = "won", _("Drawn: a place is held for you")
    NOT_DRAWN = "not_drawn", _("Not drawn")
    VOID = "void", _("Not in the draw (the application could no longer be booked)")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("A freed place is offered to you")
    ACCEPTED = "accepted", _("Took a freed place")
    LAPSED = "lapsed", _("The offer lapsed")
    LEFT = "left", _("Left the waitlist")


# Entries that wait for a freed place, in draw order.
WAITING = (EntryStatus.WAITLISTED, EntryStatus.OFFERED)


class DrawEntry(models.Model):
    """One person's entry in one draw, with up to three sessions, most wanted first.

    The code is the entry's public key in the draw (never its arrival time); withdrawing
    deletes the row, so entering, changing and withdrawing are each one row."""

    release = models.ForeignKey(QuotaRelease, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="draw_entries")
    nik = models.CharField(_("NIK"), max_length=16)
    date = models.DateField(_("date"))
    code = models.CharField(_("entry code"), max_length=8, unique=True, default=new_booking_code)
    choices = models.JSONField(_("sessions, most wanted first"), default=list)
    priority = models.BooleanField(_("asks for the priority lane"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ENTERED)
    won_slot = models.ForeignKey(
        SessionSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("session won")
    )
    ticket = models.CharField(_("draw ticket"), max_length=64, blank=True)
    offered_slot = models.ForeignKey(
        SessionSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("offered")
    )
    offer_until = models.DateTimeField(_("offer open until"), null=True, blank=True)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draw entry")
        verbose_name_plural = _("draw entries")
        ordering = ["release", "code"]
        constraints = [
            # One entry per person per day of sessions, whatever office, whatever code path.
            models.UniqueConstraint(fields=["nik", "date"], name="one_draw_entry_per_nik_per_day"),
            stored_form("drawentry", "nik", identity.NIK_PATTERN, blank=False),
        ]
        indexes = [
            models.Index(fields=["release", "status"]),
            models.Index(fields=["application"]),
        ]

    def __str__(self):
        return f"{self.code} {self.release}"

    @property
    def offer_is_open(self) -> bool:
        return self.status == EntryStatus.OFFERED and self.offer_until is not None and self.offer_until > timezone.now()

    @property
    def effective_status(self) -> str:
        """An offer past its window has lapsed, whether or not the sweeper has been by."""
        if self.status == EntryStatus.OFFERED and not self.offer_is_open:
            return EntryStatus.LAPSED
        return self.status
