from datetime import date

import pytest

from applicants import identity
from tests.factories import make_nik

pytestmark = pytest.mark.usefixtures("english")


def test_a_mans_nik_gives_his_birth_date_and_province():
    info = identity.parse_nik("3171011708900001")
    assert info.province == "DKI Jakarta"
    assert date(1990, 8, 17) in info.birth_date_candidates()
    assert info.female is False


def test_a_womans_nik_has_forty_added_to_the_birth_day():
    info = identity.parse_nik(make_nik(date(1985, 3, 5), female=True))
    assert info.female is True
    assert date(1985, 3, 5) in info.birth_date_candidates()


def test_a_nik_typed_with_spaces_and_dots_is_accepted():
    assert identity.check_nik("3171 0117.0890-0001") == "3171011708900001"


@pytest.mark.parametrize(
    "nik, words",
    [
        ("317101170890001", "16 digits"),
        ("31710117089000012", "16 digits"),
        ("3171O11708900001", "digits only"),
        ("9971011708900001", "province code"),
        ("3100011708900001", "cannot be 00"),
        ("3171011708900000", "0001"),
        ("3171013202900001", "not a real date"),
        ("3171017213900001", "not a real date"),
        ("3171012902230001", "not a real date"),
    ],
)
def test_an_impossible_nik_is_explained_in_plain_words(nik, words):
    with pytest.raises(identity.IdentityError, match=words):
        identity.parse_nik(nik)


def test_a_birth_date_that_disagrees_with_the_nik_names_both_dates():
    problems = identity.check_nik_matches("3171011708900001", date(1990, 8, 18), "male")
    assert [field for field, _ in problems] == ["date_of_birth"]
    assert "17" in problems[0][1] and "18" in problems[0][1]


def test_a_sex_that_disagrees_with_the_nik_is_explained():
    problems = identity.check_nik_matches(make_nik(date(1990, 8, 17), female=True), date(1990, 8, 17), "male")
    assert [field for field, _ in problems] == ["sex"]
    assert "40" in problems[0][1]


def test_a_nik_from_the_2000s_matches_a_birth_date_in_the_2000s():
    assert identity.check_nik_matches(make_nik(date(2012, 1, 9)), date(2012, 1, 9), "male") == []


@pytest.mark.parametrize("name", ["Sukarno", "I Gusti Ngurah Rai", "Muh. Rizky", "Nur'aini", "Siti-Aisyah"])
def test_real_indonesian_names_including_mononyms_are_accepted(name):
    assert identity.check_person_name(name) == name


@pytest.mark.parametrize("name", ["", "   ", "Budi2", "<script>", "Budi_Santoso"])
def test_names_with_digits_or_symbols_are_refused(name):
    with pytest.raises(identity.IdentityError):
        identity.check_person_name(name)


@pytest.mark.parametrize("raw", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_mobile_numbers_are_stored_in_one_international_form(raw):
    assert identity.check_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["12345", "0212345678", "+1 415 555 0100", "08abc"])
def test_numbers_that_are_not_indonesian_mobiles_are_refused(raw):
    with pytest.raises(identity.IdentityError):
        identity.check_phone(raw)


@pytest.mark.parametrize(
    "raw, clean", [("x1234567", "X1234567"), ("AB 123456", "AB123456"), ("E12345678", "E12345678")]
)
def test_passport_numbers_are_validated_leniently(raw, clean):
    assert identity.check_passport_number(raw) == clean


@pytest.mark.parametrize("raw", ["123456", "ABCDEFGHIJ", "X12-3!"])
def test_passport_numbers_of_the_wrong_shape_are_refused(raw):
    with pytest.raises(identity.IdentityError):
        identity.check_passport_number(raw)


@pytest.mark.parametrize("raw", ["1431", "143100", "abcde", "01234"])
def test_postal_codes_have_five_digits(raw):
    with pytest.raises(identity.IdentityError):
        identity.check_postal_code(raw)
