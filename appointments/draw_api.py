"""The quota draw over the API: entering, changing and withdrawing an entry, the waitlist and
its offers, and the public record of each draw (commitment, seed, entries) for recomputation."""

import re
from datetime import date

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from applicants import selectors as application_selectors
from appointments import draws, entry_fast
from appointments.api import BookingOut, BookingThrottles
from core import json_input
from core.errors import DomainError
from core.fastjwt import access_token_claims, user_of
from core.throttling import BOOKING, limit
from core.web import AnswersBeforeDRF, domain_error_page
from queueing import draw, releases
from queueing.models import DrawEntry, EntryStatus, Office, QuotaRelease, SessionSlot
from queueing.selectors import alternatives_for


class DrawEntryIn(serializers.Serializer):
    office = serializers.SlugField(max_length=20, help_text="The office's code")
    date = serializers.DateField(help_text="The released day (the office's local date)")
    sessions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=draw.MAX_CHOICES,
        help_text="One to three session ids of that day, most wanted first",
    )
    priority = serializers.BooleanField(default=False, help_text="Also draw for a priority-lane place (if eligible)")


def office_json(office: Office) -> dict:
    """An entry's office as both entry paths answer it."""
    return {"code": office.code, "name": office.name, "timezone": office.timezone}


class DrawEntryOut(serializers.Serializer):
    code = serializers.CharField(help_text="The entry's key in the draw; check it on the public page")
    office = serializers.SerializerMethodField()
    date = serializers.DateField()
    sessions = serializers.ListField(source="choices", child=serializers.IntegerField())
    priority = serializers.BooleanField()
    status = serializers.CharField(source="effective_status")
    status_label = serializers.SerializerMethodField()
    won_session = serializers.IntegerField(source="won_slot_id", allow_null=True)
    booking = serializers.CharField(source="booking.code", allow_null=True, default=None)
    offered_session = serializers.IntegerField(source="offered_slot_id", allow_null=True)
    offer_until = serializers.DateTimeField(allow_null=True)
    draw = serializers.SerializerMethodField()
    alternatives = serializers.SerializerMethodField(
        help_text="Not drawn: free sessions to book instead, the same office first, then the nearest others"
    )

    def get_alternatives(self, entry) -> list[dict]:
        if entry.effective_status not in (EntryStatus.NOT_DRAWN, EntryStatus.LAPSED, EntryStatus.LEFT):
            return []
        first = SessionSlot.objects.select_related("office").filter(pk__in=entry.choices[:1]).first()
        if first is None:
            return []
        keys = ("office", "office_name", "id", "start", "end")
        return [{key: a[key] for key in keys} for a in alternatives_for(entry.application, first)]

    def get_office(self, entry) -> dict:
        return office_json(entry.release.office)

    def get_status_label(self, entry) -> str:
        return str(EntryStatus(entry.effective_status).label)

    def get_draw(self, entry) -> dict:
        release = entry.release
        return {
            "closes_at": release.closes_at,
            "commitment": release.commitment,
            "seed": release.published_seed or None,
            "ticket": draw.ticket(release.seed, entry.code) if release.is_drawn else None,
        }


def _office(code: str) -> Office:
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is None:
        message = _("There is no such office.")
        raise DomainError("invalid", message, fields={"office": [message]})
    return office


def _entry_of(application) -> DrawEntry:
    entry = draws.current_entry(application)
    if entry is None:
        raise Http404
    return entry


OFFICE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,20}")  # what DrawEntryIn's SlugField accepts
ENTRY_FIELDS = frozenset(("office", "date", "sessions", "priority"))


def _plain_entry(body) -> tuple[str, date, list[int]] | None:
    """The plain entry's fields, exactly as DrawEntryIn would read them; None for anything else."""
    if not isinstance(body, dict) or not {"office", "date", "sessions"} <= body.keys() <= ENTRY_FIELDS:
        return None
    office, day, sessions = body["office"], body["date"], body["sessions"]
    if body.get("priority", False) is not False or not isinstance(office, str) or not OFFICE_CODE.fullmatch(office):
        return None
    if not isinstance(day, str) or len(day) != 10 or not isinstance(sessions, list):
        return None
    if not 1 <= len(sessions) <= draw.MAX_CHOICES or len(set(map(repr, sessions))) != len(sessions):
        return None
    if not all(type(s) is int and 0 < s < 2**63 for s in sessions):
        return None
    try:
        return office, date.fromisoformat(day), sessions
    except ValueError:
        return None


class DrawEntryView(AnswersBeforeDRF, APIView):
    @classmethod
    def fast(cls, request, application_id):
        """The opening minute's plain entry, in one upsert (`entry_fast`); anything else, None.

        Only a PUT with a valid bearer token of ours whose body is a plain entry (no priority
        lane); the answer is the one the full path gives for the entry it would write."""
        if request.method != "PUT" or request.content_type != "application/json":
            return None
        header = request.META.get("HTTP_AUTHORIZATION", "")
        claims = access_token_claims(header[7:].strip()) if header.startswith("Bearer ") else None
        user_id = None if claims is None else user_of(claims)
        if user_id is None or not isinstance(claims.get("hash_password"), str):
            return None
        try:
            plain = _plain_entry(json_input.loads(request.body))
        except ValueError:
            return None
        if plain is None:
            return None
        office, day, sessions = plain
        try:
            limit(request, *BOOKING, user_id=user_id)
        except DomainError as exc:
            return domain_error_page(request, exc)
        entry = entry_fast.draw_enter_fast(
            user_id=user_id,
            password_digest=claims["hash_password"],
            application_id=str(application_id),
            office_code=office,
            day=day,
            session_ids=sessions,
        )
        if entry is None:
            return None
        body = {
            "code": entry.code,
            "office": office_json(entry.terms.office),
            "date": day.isoformat(),
            "sessions": sessions,
            "priority": False,
            "status": EntryStatus.ENTERED.value,
            "status_label": str(EntryStatus.ENTERED.label),
            "won_session": None,
            "booking": None,
            "offered_session": None,
            "offer_until": None,
            "draw": {
                "closes_at": entry.closes_at,
                "commitment": entry.terms.commitment,
                "seed": None,
                "ticket": None,
            },
            "alternatives": [],
        }
        return JsonResponse(
            body,
            status=status.HTTP_201_CREATED if entry.created else status.HTTP_200_OK,
            encoder=JSONEncoder,  # as DRF renders the full path's answer
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )

    def get_throttles(self):
        return [] if self.request.method == "GET" else [cls() for cls in BookingThrottles]

    @extend_schema(responses=DrawEntryOut, tags=["draw"], summary="The application's draw entry and its result")
    def get(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        return Response(DrawEntryOut(_entry_of(application)).data)

    @extend_schema(
        request=DrawEntryIn,
        responses={200: DrawEntryOut, 201: DrawEntryOut},
        tags=["draw"],
        summary="Enter the draw for a released day, or change the entry (201 new, 200 changed)",
    )
    def put(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        data = DrawEntryIn(data=request.data)
        data.is_valid(raise_exception=True)
        entry, created = draws.draw_enter(
            application=application,
            actor=request.user,
            office=_office(data.validated_data["office"]),
            day=data.validated_data["date"],
            session_ids=data.validated_data["sessions"],
            priority=data.validated_data["priority"],
        )
        return Response(DrawEntryOut(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None}, tags=["draw"], summary="Withdraw the entry before the draw closes")
    def delete(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        draws.draw_withdraw(application=application, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WaitlistView(APIView):
    throttle_classes = BookingThrottles

    @extend_schema(request=None, responses=DrawEntryOut, tags=["draw"], summary="Join the waitlist (not drawn)")
    def put(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        return Response(DrawEntryOut(draws.waitlist_join(application=application, actor=request.user)).data)

    @extend_schema(responses=DrawEntryOut, tags=["draw"], summary="Leave the waitlist, or decline the offered place")
    def delete(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        return Response(DrawEntryOut(draws.waitlist_leave(application=application, actor=request.user)).data)


class WaitlistAcceptView(APIView):
    throttle_classes = BookingThrottles

    @extend_schema(
        request=None,
        responses={201: BookingOut},
        tags=["draw"],
        summary="Take the offered place; the bill is issued now (410 `offer_lapsed` after its window)",
    )
    def post(self, request, application_id):
        application = application_selectors.application_of(request.user, application_id)
        booking = draws.waitlist_accept(application=application, actor=request.user)
        return Response(BookingOut(booking).data, status=status.HTTP_201_CREATED)


def public_release(code: str, day: str) -> QuotaRelease:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    release = QuotaRelease.objects.select_related("office").filter(office__code=code, date=parsed).first()
    if release is None:
        raise Http404
    return release


class ReleaseView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=dict,
        tags=["draw"],
        summary="A draw's public record: window, commitment, seed once drawn, entries and places",
        parameters=[OpenApiParameter("code", str, description="An entry code: that entry's result")],
    )
    def get(self, request, code, day):
        release = public_release(code, day)
        body = releases.release_summary(release)
        if request.query_params.get("code"):
            body["result"] = releases.entry_result(release, request.query_params["code"])
        return Response(body)


class ReleaseEntriesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=dict, tags=["draw"], summary="The entries the draw was made over (codes, choices, priority)"
    )
    def get(self, request, code, day):
        release = public_release(code, day)
        entries = [
            {"key": e.key, "choices": list(e.choices), "priority": e.priority}
            for e in releases.published_entries(release)
        ]
        return Response({"release": releases.release_summary(release), "entries": entries})
