"""An applicant enters a draw on a phone, sees the result and checks it on the public record:
every page accessible (axe-core: no serious or critical problem)."""

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from appointments import draws
from queueing import releases
from queueing.models import DrawEntry, EntryStatus
from tests.browser.conftest import accessibility_problems
from tests.factories import make_office, make_slot, ready_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_enters_the_draw_sees_the_result_and_checks_it_publicly(page, live_server):
    office = make_office(code="draw-phone")
    sessions = [
        make_slot(office, days_ahead=3, capacity=1, start=time(8 + 2 * i), end=time(10 + 2 * i)) for i in range(2)
    ]
    release = releases.release_open(office=office, day=sessions[0].date, opens_at=timezone.now() - timedelta(minutes=1))
    application = ready_application()
    browser_client = Client()
    browser_client.force_login(application.owner)
    cookie = browser_client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])

    # The booking page sends the draw day to its draw page instead of offering buttons.
    page.goto(f"/applications/{application.pk}/booking/?office={office.code}")
    assert accessibility_problems(page) == []
    page.click("[data-opening=draw] a[href*='/draw/']")
    page.wait_for_selector("#draw-form")
    assert accessibility_problems(page) == []
    page.select_option("select[name=choice1]", str(sessions[1].pk))
    page.select_option("select[name=choice2]", str(sessions[0].pk))
    page.click("#draw-submit")
    page.wait_for_selector("#entry-code")
    assert accessibility_problems(page) == []
    entry = DrawEntry.objects.get(application=application)
    assert page.inner_text("#entry-code") == entry.code and entry.choices == [sessions[1].pk, sessions[0].pk]

    for _ in range(2):  # two others enter: two places, three entries
        other = ready_application()
        draws.draw_enter(
            application=other, actor=other.owner, office=office, day=sessions[0].date, session_ids=[sessions[0].pk]
        )
    draws.release_allocate(release=release, close_now=True)
    page.reload()
    page.wait_for_selector("#draw-entry")
    assert accessibility_problems(page) == []
    entry.refresh_from_db()
    assert page.get_attribute("#draw-entry", "data-status") == entry.status
    if entry.status == EntryStatus.WON:
        assert page.locator(f"a[href='/applications/{application.pk}/bill/']").count() >= 1

    page.goto(f"/draw/{office.code}/{sessions[0].date.isoformat()}/")
    assert accessibility_problems(page) == []
    release.refresh_from_db()
    assert release.seed in page.content()
    page.fill("input[name=code]", entry.code)
    page.locator("form", has=page.locator("input[name=code]")).locator("button").click()
    page.wait_for_url("**code=*")
    assert accessibility_problems(page) == []
    assert entry.code in page.content()
