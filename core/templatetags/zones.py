"""Times as a person in Indonesia reads them: in a named zone, always labelled (WIB, WITA, WIT).

`{{ moment|zoned:office }}` shows an instant in the office's own zone ("7 Desember 2026 14:05
WIT"); without an office, in the portal's zone, labelled all the same. An unlabelled time is
read in whatever zone the reader is in: in Papua a deadline two hours away would look like four.
"""

from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import dateformat, timezone

register = template.Library()

ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_of(place) -> tuple[ZoneInfo, str]:
    zone = getattr(place, "zone", None)
    if isinstance(zone, ZoneInfo):
        return zone, getattr(place, "zone_abbreviation", "") or ABBREVIATIONS.get(zone.key, zone.key)
    return ZoneInfo(settings.TIME_ZONE), ABBREVIATIONS.get(settings.TIME_ZONE, settings.TIME_ZONE)


@register.filter
def zoned(moment, place=None, fmt="j F Y H:i"):
    if not moment:
        return ""
    zone, label = zone_of(place)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))
    return f"{dateformat.format(moment.astimezone(zone), fmt)} {label}"


@register.filter
def zoned_short(moment, place=None):
    return zoned(moment, place, "j M Y, H:i")
