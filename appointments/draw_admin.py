"""The draws for staff: every release with its commitment and seed, its entries and waitlist.

Read only: a result is a function of the seed and the entries, so no staff action can
change it. A supervisor may only make a draw whose window has closed (the job does it
within a minute anyway), with the same function and so the same result."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from applicants.admin import OfficeScope
from appointments import draws
from core.admin import ReadOnlyAdmin
from core.errors import DomainError
from queueing import releases
from queueing.models import DrawEntry, QuotaRelease


@admin.register(QuotaRelease)
class QuotaReleaseAdmin(ReadOnlyAdmin):
    list_display = ["office", "date", "opening", "opens_at", "closes_at", "drawn_at", "entries_drawn", "waiting"]
    list_filter = ["office", "drawn_at"]
    date_hierarchy = "date"
    list_select_related = ["office"]
    readonly_fields = ["office", "date", "opens_at", "closes_at", "commitment", "revealed_seed", "drawn_at"]
    fields = readonly_fields + ["entries_drawn", "places_drawn"]
    actions = ["make_draw"]

    @admin.display(description=_("now"))
    def opening(self, release):
        return releases.day_opening(release.office, release.date, release)

    @admin.display(description=_("waiting for a freed place"))
    def waiting(self, release):
        return releases.waiting_count(release)

    @admin.display(description=_("seed (shown once drawn)"))
    def revealed_seed(self, release):
        return release.published_seed or "—"

    def has_make_draw_permission(self, request):
        return request.user.has_perm("queueing.make_draw")

    @admin.action(description=_("Make the draw now (closed windows only)"), permissions=["make_draw"])
    def make_draw(self, request, queryset):
        for release in queryset:
            try:
                summary = draws.release_allocate(release=release, actor=request.user)
            except DomainError as exc:
                messages.error(request, f"{release}: {exc.message}")
                continue
            messages.success(
                request, _("%(release)s: %(won)s of %(entries)s entries drawn.") % {**summary, "release": release}
            )


@admin.register(DrawEntry)
class DrawEntryAdmin(OfficeScope, ReadOnlyAdmin):
    list_display = ["code", "release", "application", "status", "won_slot", "offered_slot", "offer_until"]
    list_filter = ["status", "release__office", "release__date"]
    search_fields = ["=code", "=application__number"]
    list_select_related = ["release__office", "application", "won_slot", "offered_slot"]
    exclude = ["nik"]
