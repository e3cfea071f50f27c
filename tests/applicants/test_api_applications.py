import pytest

from applicants.models import Application
from core.models import AuditEntry
from tests.conftest import attach, bearer
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/applications/"


def url(application, suffix=""):
    return f"/api/v1/applications/{application.pk}/{suffix}"


def test_starting_an_application_with_partial_data_makes_a_draft(api, user):
    response = api.post(LIST, {"passport_type": "electronic", "validity_years": 10, "reason": "new"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["number"].startswith("MP")
    assert body["total_fee"] == 950_000
    assert Application.objects.get(pk=body["id"]).owner == user


def test_a_bad_nik_is_a_400_naming_the_field_and_nothing_is_stored(api):
    response = api.post(LIST, {"nik": "12345", "full_name": "Budi"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "nik" in response.json()["fields"]
    assert not Application.objects.exists()


def test_a_nik_that_contradicts_the_birth_date_is_explained(api):
    response = api.post(
        LIST,
        {"nik": "3171011708900001", "date_of_birth": "1991-08-17", "sex": "male"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "17 August 1990" in response.json()["fields"]["date_of_birth"][0]


def test_malformed_json_is_a_400_and_changes_nothing(api):
    response = api.post(LIST, data='{"nik": "3171', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"
    assert not Application.objects.exists()


def test_an_unknown_choice_is_refused(api):
    response = api.post(LIST, {"passport_type": "diplomatic"}, format="json")
    assert response.status_code == 400 and "passport_type" in response.json()["fields"]


def test_i_see_only_my_own_applications(api, user):
    mine = ApplicationFactory(owner=user)
    ApplicationFactory()
    assert [a["id"] for a in api.get(LIST).json()] == [str(mine.pk)]


def test_another_persons_application_is_404_for_every_operation(api):
    theirs = ApplicationFactory()
    assert api.get(url(theirs)).status_code == 404
    assert api.patch(url(theirs), {"full_name": "Hacker"}, format="json").status_code == 404
    assert api.post(url(theirs, "submit/")).status_code == 404
    assert api.get(url(theirs, "documents/")).status_code == 404
    assert api.get(url(theirs, "timeline/")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.full_name == "Budi Santoso"


def test_a_non_uuid_id_is_a_json_404():
    client = bearer(UserFactory())
    response = client.get("/api/v1/applications/123/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_correcting_a_draft_saves_and_records_what_changed(api, draft):
    response = api.patch(url(draft), {"occupation": "Guru", "postal_code": "14320"}, format="json")
    assert response.status_code == 200 and response.json()["occupation"] == "Guru"
    entry = AuditEntry.objects.filter(application_id=draft.pk, action="application_updated").get()
    assert entry.data["changed"]["occupation"] == ["Karyawan swasta", "Guru"]


def test_a_correction_with_one_bad_field_changes_nothing(api, draft):
    response = api.patch(url(draft), {"occupation": "Guru", "postal_code": "12"}, format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["postal_code"]
    draft.refresh_from_db()
    assert draft.occupation == "Karyawan swasta"


def test_submitting_an_incomplete_application_lists_exactly_what_is_missing(api, user):
    application = ApplicationFactory(owner=user, mother_name="", kk_number="")
    attach(application, "ktp")
    response = api.post(url(application, "submit/"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "application_incomplete"
    assert set(body["fields"]) == {"mother_name", "kk_number", "documents.kk", "documents.civil_document"}
    application.refresh_from_db()
    assert application.status == "draft"


def test_submitting_a_complete_application_moves_it_to_submitted(api, complete_draft):
    response = api.post(url(complete_draft, "submit/"))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert api.post(url(complete_draft, "submit/")).json()["status"] == "submitted"  # a retry is harmless


def test_after_submission_corrections_must_keep_the_application_complete(api, submitted):
    assert api.patch(url(submitted), {"mother_name": ""}, format="json").status_code == 400
    assert api.patch(url(submitted), {"mother_name": "Sri Wahyuni"}, format="json").status_code == 200


def test_a_child_needs_a_guardian_and_cannot_get_ten_years(api, user):
    from datetime import date

    from tests.factories import make_nik

    born = date(2015, 4, 2)
    body = {
        "nik": make_nik(born),
        "date_of_birth": str(born),
        "sex": "male",
        "validity_years": 10,
        "relationship": "child",
    }
    response = api.post(LIST, body, format="json")
    assert response.status_code == 400 and "validity_years" in response.json()["fields"]
    created = api.post(LIST, {**body, "validity_years": 5}, format="json").json()
    missing = api.post(f"/api/v1/applications/{created['id']}/submit/").json()["fields"]
    assert {"guardian_nik", "guardian_name", "documents.parent_ktp", "documents.parents_marriage_certificate"} <= set(
        missing
    )


def test_the_checklist_tells_which_documents_are_still_needed(api, draft):
    attach(draft, "ktp")
    body = api.get(url(draft, "checklist/")).json()
    done = {item["key"]: item["done"] for item in body["required_documents"]}
    assert done == {"ktp": True, "kk": False, "civil_document": False}


def test_an_account_cannot_hoard_applications(api, user, settings):
    settings.MAX_ACTIVE_APPLICATIONS_PER_ACCOUNT = 2
    assert api.post(LIST, {}, format="json").status_code == 201
    assert api.post(LIST, {}, format="json").status_code == 201
    response = api.post(LIST, {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "too_many_applications"
    assert Application.objects.filter(owner=user).count() == 2


def test_the_same_idempotency_key_and_body_create_one_application(api, user):
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-7f3a"}
    first = api.post(LIST, {"passport_type": "ordinary"}, format="json", **headers)
    second = api.post(LIST, {"passport_type": "ordinary"}, format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Application.objects.filter(owner=user).count() == 1


def test_reusing_an_idempotency_key_for_another_body_is_refused(api, user):
    api.post(LIST, {"passport_type": "ordinary"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    response = api.post(LIST, {"passport_type": "electronic"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert Application.objects.filter(owner=user).count() == 1


def test_a_failed_request_does_not_burn_its_idempotency_key(api, user):
    assert api.post(LIST, {"nik": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    assert api.post(LIST, {"nik": "1"}, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    assert not Application.objects.exists()


def test_the_timeline_lists_each_step_oldest_first(api, submitted):
    actions = [e["action"] for e in api.get(url(submitted, "timeline/")).json()]
    assert actions[0] == "application_created" and actions[-1] == "submit"
    assert actions.count("document_uploaded") == 3


def test_the_fee_schedule_is_public_and_in_rupiah(anon):
    fees = {f["product"]: f["amount"] for f in anon.get("/api/v1/fees/").json()}
    assert fees["ordinary_5"] == 350_000 and fees["electronic_10"] == 950_000 and fees["same_day"] == 1_000_000


def test_listing_applications_takes_the_same_queries_for_one_or_many(api, user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ApplicationFactory(owner=user)
    with CaptureQueriesContext(connection) as one:  # account, applications, their documents, the fees once
        api.get(LIST)
    for _ in range(4):
        ApplicationFactory(owner=user)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(api.get(LIST).json()) == 5
