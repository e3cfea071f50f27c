from datetime import date, timedelta

from django.utils import timezone

from applicants import rules


def kinds(values):
    return [r.key for r in rules.required_documents(values)]


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


def test_an_adult_new_passport_needs_ktp_kk_and_one_civil_document():
    assert kinds({"date_of_birth": date(1990, 1, 1), "reason": "new"}) == ["ktp", "kk", "civil_document"]


def test_any_of_the_civil_documents_satisfies_the_requirement():
    civil = rules.required_documents({"date_of_birth": date(1990, 1, 1)})[2]
    assert civil.satisfied_by({"diploma"}) and civil.satisfied_by({"baptism_certificate"})
    assert not civil.satisfied_by({"ktp"})


def test_a_child_needs_a_parents_ktp_birth_certificate_and_parents_marriage_document():
    assert kinds({"date_of_birth": years_ago(8), "marital_status": "single", "reason": "new"}) == [
        "parent_ktp",
        "kk",
        "birth_certificate",
        "parents_marriage_certificate",
    ]


def test_a_married_sixteen_year_old_counts_as_an_adult():
    assert rules.is_adult({"date_of_birth": years_ago(16), "marital_status": "married"}) is True


def test_adulthood_starts_on_the_seventeenth_birthday():
    assert rules.is_adult({"date_of_birth": years_ago(17)}) is True
    assert rules.is_adult({"date_of_birth": years_ago(17, days=-1)}) is False


def test_a_replacement_needs_the_old_passport_and_a_loss_needs_a_police_report():
    assert "old_passport" in kinds({"date_of_birth": date(1990, 1, 1), "reason": "expired"})
    lost = kinds({"date_of_birth": date(1990, 1, 1), "reason": "lost"})
    assert "police_report" in lost and "old_passport" not in lost


def test_naturalised_citizens_and_changed_names_need_their_decrees():
    needed = kinds({"date_of_birth": date(1990, 1, 1), "reason": "new", "naturalised": True, "name_changed": True})
    assert needed[-2:] == ["naturalisation_decree", "name_change_decree"]


def test_children_cannot_have_a_ten_year_passport():
    errors = rules.check_consistency({"date_of_birth": years_ago(10), "validity_years": 10})
    assert "validity_years" in errors


def test_same_day_service_is_refused_for_a_lost_passport():
    assert "service" in rules.check_consistency({"service": "same_day", "reason": "lost"})


def test_the_elderly_lane_needs_sixty_years():
    assert "priority_reason" in rules.check_consistency({"date_of_birth": years_ago(59), "priority_reason": "elderly"})
    assert rules.check_consistency({"date_of_birth": years_ago(61), "priority_reason": "elderly"}) == {}


def test_a_rejected_document_is_reported_as_rejected_not_missing(english):
    values = {"date_of_birth": date(1990, 1, 1), "reason": "new"}
    problems = rules.submission_problems(values, {"ktp": "rejected", "kk": "pending", "diploma": "accepted"})
    assert "rejected" in problems["documents.ktp"][0]
    assert "documents.kk" not in problems and "documents.civil_document" not in problems
