"""The quota draw in the browser: entering a released day's draw, its result, the waitlist of
freed places, and each draw's public record. Thin callers of `appointments.draws` and
`queueing.releases`; a refusal is the page again with its message and status."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import rules
from applicants import selectors as application_selectors
from appointments import draws
from appointments.draw_api import public_release
from core.errors import DomainError
from core.throttling import BOOKING, limit
from core.web import id_param, text_param
from queueing import draw, releases, selectors
from queueing.models import EntryStatus, Office, SessionSlot

E = EntryStatus
CHOICES = ("choice1", "choice2", "choice3")  # the form's selects, most wanted first


def _office_day(params) -> tuple[Office, date] | None:
    """The office-day named by `office` and `date`; None when neither is given; 404 when
    either is missing, malformed or unknown (never a 500 for what a person can type)."""
    code, raw = text_param(params, "office", max_length=20), text_param(params, "date", max_length=10)
    if not code and not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Http404 from None
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is None:
        raise Http404
    return office, day


def _page_url(application, office: Office, day: date) -> str:
    query = urlencode({"office": office.code, "date": day.isoformat()})
    return f"{reverse('draw_page', args=[application.pk])}?{query}"


def _context(application, office: Office, day: date) -> dict:
    """What the draw page shows for one office-day: the window, the commitment, the sessions,
    and the applicant's entry there with what it allows now."""
    sessions = list(SessionSlot.objects.filter(office=office, date=day, is_open=True).order_by("start_time"))
    if not sessions and releases.release_of(office, day) is None:
        raise Http404  # no sessions and no draw: nothing to show (and no clock to compute)
    release, opening = releases.release_now(office, day)
    opens, closes = (release.opens_at, release.closes_at) if release else releases.window_of(office, day)
    current = draws.current_entry(application)
    entry = current if current is not None and release is not None and current.release_id == release.pk else None
    elsewhere = current if current is not None and entry is None and current.status == E.ENTERED else None
    by_id = {s.pk: s for s in sessions}
    chosen = list(entry.choices) if entry is not None else []
    status = entry.effective_status if entry is not None else ""
    context = {
        "application": application,
        "office": office,
        "day": day,
        "release": release,
        "opening": opening,
        "opens_at": opens,
        "closes_at": closes,
        "sessions": sessions,
        "entry": entry,
        "entry_status": status,
        "entry_status_label": E(status).label if status else "",
        "ranked": [by_id[c] for c in chosen if c in by_id],
        "picks": [(n, chosen[n - 1] if n <= len(chosen) else None) for n in range(1, draw.MAX_CHOICES + 1)],
        "elsewhere": elsewhere,
        "can_enter": opening == releases.ENTRY and (entry is None or status == E.ENTERED),
        "priority_eligible": rules.priority_eligible(rules.values_of(application)),
        "alternatives": [],
    }
    if status in (E.NOT_DRAWN, E.LEFT, E.LAPSED, E.VOID):
        context["alternatives"] = (
            selectors.alternatives_for(application, sessions[0])
            if sessions
            else [
                {"office": o["office"].code, "office_name": o["office"].name, **o["session"]}
                for o in selectors.nearest_with_places(office, application.passport_type)
            ]
        )
    return context


def _render(request, application, found, status: int = 200):
    if found is None:
        context = {"application": application, "office": None}
    else:
        context = _context(application, *found)
    return render(request, "appointments/draw.html", context, status=status)


def _entry_office_day(application) -> tuple[Office, date] | None:
    entry = draws.current_entry(application)
    return (entry.release.office, entry.release.date) if entry is not None else None


def _choices(params) -> list[int] | None:
    """The ranked session ids from the three selects, blanks skipped; None when one cannot be an id."""
    ids = []
    for name in CHOICES:
        raw = text_param(params, name, max_length=20)
        if not raw:
            continue
        value = id_param(params, name)
        if value is None:
            return None
        ids.append(value)
    return ids


@login_required
@require_http_methods(["GET", "POST"])
def draw_page(request, application_id):
    """The draw of one office-day (`?office=&date=`, else the applicant's own entry): enter or
    change the entry (POST), and after the draw its result and the waitlist."""
    application = application_selectors.application_of(request.user, application_id)
    if request.method != "POST":
        found = _office_day(request.GET) or _entry_office_day(application)
        return _render(request, application, found)
    found = _office_day(request.POST)
    if found is None:
        raise Http404
    office, day = found
    session_ids = _choices(request.POST)
    if session_ids is None:
        messages.error(request, _("Choose sessions from the list."))
        return _render(request, application, found, status=400)
    limit(request, *BOOKING)
    try:
        _entry, created = draws.draw_enter(
            application=application,
            actor=request.user,
            office=office,
            day=day,
            session_ids=session_ids,
            priority=request.POST.get("priority") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, application, found, status=exc.status)
    if created:
        messages.success(request, _("You are in the draw. Keep your entry code; the result comes when it closes."))
    else:
        messages.success(request, _("Your entry is changed."))
    return redirect(_page_url(application, office, day))


def _act(request, application, action):
    """Run one withdraw or waitlist service for the applicant's entry: (its result, None), or
    (None, the draw page again with the refusal's message and status)."""
    limit(request, *BOOKING)
    try:
        return action(application=application, actor=request.user), None
    except DomainError as exc:
        messages.error(request, exc.message)
        return None, _render(request, application, _entry_office_day(application), status=exc.status)


@login_required
@require_POST
def draw_withdraw(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    found = _entry_office_day(application)  # before the entry row goes
    _result, refused = _act(request, application, draws.draw_withdraw)
    if refused:
        return refused
    messages.success(request, _("Your entry is withdrawn."))
    return redirect(_page_url(application, *found))


def _waitlist_step(request, application_id, action, done: str, then: str):
    """One waitlist button: the use case, its refusal page or the message and the next page."""
    application = application_selectors.application_of(request.user, application_id)
    _result, refused = _act(request, application, action)
    if refused:
        return refused
    messages.success(request, done)
    return redirect(then, application.pk)


@login_required
@require_POST
def draw_waitlist_join(request, application_id):
    done = _("You are on the waitlist. If a place is freed for you, we tell you at once.")
    return _waitlist_step(request, application_id, draws.waitlist_join, done, "draw_page")


@login_required
@require_POST
def draw_waitlist_leave(request, application_id):
    """Leave the waitlist, or decline the offered place (it goes to the next in line)."""
    return _waitlist_step(request, application_id, draws.waitlist_leave, _("You left the waitlist."), "draw_page")


@login_required
@require_POST
def draw_waitlist_accept(request, application_id):
    """Take the offered place: the bill is issued now, as for a booking."""
    done = _("The place is yours until the payment deadline. Please pay the fee now.")
    return _waitlist_step(request, application_id, draws.waitlist_accept, done, "bill_page")


@require_GET
def draw_record(request, code, day):
    """A draw's public record: the commitment, the seed once drawn, entries and places, and
    the check of one entry code. Anyone can recompute the result from the entries' JSON."""
    release = public_release(code, day)
    summary = releases.release_summary(release)
    ids = [int(key) for key in summary["places"] if key.isdigit()]
    slots = SessionSlot.objects.filter(pk__in=ids).order_by("starts_at")
    places = [{"slot": s, "counts": summary["places"][str(s.pk)]} for s in slots]
    asked = text_param(request.GET, "code", max_length=32).strip()
    context = {
        "release": release,
        "summary": summary,
        "places": places,
        "asked": asked,
        "result": releases.entry_result(release, asked) if asked else None,
    }
    return render(request, "appointments/draw_record.html", context)
