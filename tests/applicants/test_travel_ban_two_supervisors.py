"""Clearing a travel-ban match takes two supervisors; upholding it takes one."""

import pytest

from casework import services as casework
from casework.models import TravelBan
from casework.roles import SUPERVISOR
from core.models import AuditEntry
from tests.applicants.test_workflow import walk_to_interviewed
from tests.factories import StaffFactory, make_office
from tests.helpers import domain_error, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def staff():
    from casework.roles import AUDITOR, CUSTOMER_SERVICE, VERIFIER

    return {role: StaffFactory(role=role) for role in (CUSTOMER_SERVICE, VERIFIER, SUPERVISOR, AUDITOR)}


@pytest.fixture
def flagged(office, staff):
    application = walk_to_interviewed(office, staff)
    TravelBan.objects.create(nik=application.nik, full_name="Nama Lain", authority="kpk", reference="R-01")
    casework.travel_ban_screen(application)
    return application


def decide(client, application, uphold, reason):
    flag = application.travel_ban_flags.get()
    return client.post(
        f"/admin/applicants/application/{application.pk}/travel-ban/{flag.pk}/",
        {"uphold": "1" if uphold else "0", "reason": reason},
    )


def actions(application):
    return list(
        AuditEntry.objects.filter(application_id=application.pk, action__startswith="travel_ban_")
        .order_by("created_at", "pk")
        .values_list("action", "actor__email")
    )


def test_a_proposed_clearance_still_blocks_approval_until_a_second_supervisor_confirms(client, flagged, staff):
    first, second = staff[SUPERVISOR], StaffFactory(role=SUPERVISOR)
    sign_in(client, first)
    decide(client, flagged, uphold=False, reason="NIK salah ketik di surat")
    flag = flagged.travel_ban_flags.get()
    assert flag.status == "proposed" and flag.proposed_by == first and flag.proposal_reason
    with domain_error("travel_ban_unresolved"):
        casework.application_approve(application=flagged, actor=second, passport_number="X1234567")

    sign_in(client, second)
    page = client.get(f"/admin/applicants/application/{flagged.pk}/change/").content.decode()
    assert "NIK salah ketik di surat" in page and first.email in page
    decide(client, flagged, uphold=False, reason="Dicek dengan Dukcapil")
    flag.refresh_from_db()
    assert flag.status == "cleared" and flag.decided_by == second
    assert actions(flagged)[-2:] == [
        ("travel_ban_clearance_proposed", first.email),
        ("travel_ban_cleared", second.email),
    ]
    assert casework.application_approve(application=flagged, actor=second, passport_number="X1234567")


def test_the_supervisor_who_proposed_cannot_confirm_their_own_clearance(client, flagged, staff):
    first = staff[SUPERVISOR]
    casework.travel_ban_decide(flag=flagged.travel_ban_flags.get(), actor=first, uphold=False, reason="beda orang")
    sign_in(client, first)
    page = client.get(f"/admin/applicants/application/{flagged.pk}/change/").content.decode()
    assert "Confirm or overrule" not in page
    decide(client, flagged, uphold=False, reason="saya yakin")
    with domain_error("second_supervisor_required"):
        casework.travel_ban_decide(flag=flagged.travel_ban_flags.get(), actor=first, uphold=False, reason="yakin")
    assert flagged.travel_ban_flags.get().status == "proposed"
    assert [a for a, _ in actions(flagged)].count("travel_ban_cleared") == 0


def test_one_supervisor_upholds_a_ban_and_the_application_is_refused(flagged, staff):
    casework.travel_ban_decide(flag=flagged.travel_ban_flags.get(), actor=staff[SUPERVISOR], uphold=True, reason="sama")
    flagged.refresh_from_db()
    assert flagged.status == "refused" and flagged.travel_ban_flags.get().status == "upheld"


def test_a_second_supervisor_may_overrule_a_proposed_clearance_by_upholding(flagged, staff):
    flag = flagged.travel_ban_flags.get()
    casework.travel_ban_decide(flag=flag, actor=staff[SUPERVISOR], uphold=False, reason="beda orang")
    casework.travel_ban_decide(flag=flag, actor=StaffFactory(role=SUPERVISOR), uphold=True, reason="foto sama")
    flagged.refresh_from_db()
    assert flagged.status == "refused"
