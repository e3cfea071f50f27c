"""Report pages: public open data (no personal data), and operational figures for supervisors."""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from casework import reports
from queueing.models import Office


def _issuance_context(request, office: Office) -> dict:
    year = reports.report_year(request.GET.get("year"), timezone.localdate())
    months = reports.issuance_by_month(office, year)
    return {
        "office": office,
        "year": year,
        "months": months,
        "totals": reports.totals(months),
        "chart": mark_safe(reports.bar_chart_svg(months)),  # noqa: S308 - our own SVG, numbers only
        "offices": Office.objects.order_by("name"),
        "years": range(timezone.localdate().year, 2021, -1),
    }


def open_data(request, code=None):
    """Public: passports issued per month and product, per office."""
    picked = request.GET.get("office", "")
    if code is None and picked:  # the office picker's form: one address per office and year
        office = get_object_or_404(Office, code=picked[:32])
        year = reports.report_year(request.GET.get("year"), timezone.localdate())
        return redirect(f"{reverse('open_data_office', args=[office.code])}?year={year}")
    office = get_object_or_404(Office, code=code) if code else Office.objects.order_by("name").first()
    if office is None:
        raise Http404
    return render(request, "casework/open_data.html", _issuance_context(request, office))


def open_data_csv(request, code):
    office = get_object_or_404(Office, code=code)
    year = reports.report_year(request.GET.get("year"), timezone.localdate())
    response = HttpResponse(reports.issuance_csv(office, year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="paspor-terbit-{office.code}-{year}.csv"'
    return response


@permission_required("queueing.view_booking", raise_exception=True)
def staff_reports(request):
    """Admin page for supervisors: the issuance table and chart, and daily operational figures."""
    office = (
        Office.objects.filter(code=request.GET.get("office", "")).first() or Office.objects.order_by("name").first()
    )
    if office is None:
        raise Http404
    start, end = reports.report_period(request.GET.get("from"), request.GET.get("to"), office.local_today())
    context = {
        **admin.site.each_context(request),
        **_issuance_context(request, office),
        "title": "Reports",
        "operations": reports.operations_by_day(office, start, end),
        "start": start,
        "end": end,
    }
    return render(request, "admin/casework/reports.html", context)
