"""Numbers people type are read by one rule, whatever keyboard they come from (properties).

Any decimal digit (full-width, Arabic-Indic, Devanagari, Javanese, ...) is that digit;
spaces, dots, dashes and invisible marks are separators; superscripts, circled digits and
other look-alikes are refused. What comes out is ASCII in the stored form, or IdentityError.
"""

import re
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from applicants import identity
from tests.factories import make_nik

PROPERTY = settings(max_examples=300, deadline=None, database=None)

# The zero of scripts whose ten digits follow each other (all Unicode category Nd).
DIGIT_ZEROS = {
    "ascii": 0x30,
    "full-width": 0xFF10,
    "arabic-indic": 0x660,
    "persian": 0x6F0,
    "devanagari": 0x966,
    "thai": 0xE50,
    "balinese": 0x1B50,
    "javanese": 0xA9D0,
    "mathematical bold": 0x1D7CE,
}
# Characters that NFKC turns into digits but that are not decimal digits: never read as digits.
LOOKALIKES = ["⁰¹²³⁴⁵⁶⁷⁸⁹", "₀₁₂₃₄₅₆₇₈₉", "⓪①②③④⑤⑥⑦⑧⑨"]
SEPARATORS = [" ", "\u00a0", "\u2009", "\u3000", ".", "-", "\uff0d", "\uff0e", "\u2010", "\u2013"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2066", "\u2069", "\ufeff", "\u00ad"]


def written_in(script: str, number: str) -> str:
    return "".join(chr(DIGIT_ZEROS[script] + int(d)) if d in "0123456789" else d for d in number)


@st.composite
def valid_niks(draw) -> str:
    province = draw(st.sampled_from(sorted(identity.PROVINCES)))
    regency, district = draw(st.integers(1, 99)), draw(st.integers(1, 99))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(1999, 12, 31)))
    return make_nik(
        born,
        female=draw(st.booleans()),
        serial=draw(st.integers(1, 9999)),
        region=f"{province}{regency:02d}{district:02d}",
    )


@st.composite
def as_typed(draw, number: str) -> str:
    """`number` as someone may type or paste it: each digit from any script, separators between."""
    out = []
    for char in number:
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS + INVISIBLE)))
        out.append(written_in(draw(st.sampled_from(sorted(DIGIT_ZEROS))), char))
    return "".join(out)


@st.composite
def ascii_then_other(draw, number: str) -> str:
    """`number` with its first digits in ASCII and the rest in one other script or in look-alikes:
    what slips past a check that only looks at some digits, or trusts `str.isdigit()`."""
    cut = draw(st.integers(0, len(number)))
    form = draw(st.sampled_from([*sorted(DIGIT_ZEROS), *LOOKALIKES]))
    rest = number[cut:]
    if form in DIGIT_ZEROS:
        return number[:cut] + written_in(form, rest)
    return number[:cut] + "".join(form[int(d)] if d in "0123456789" else d for d in rest)


valid_numbers = st.one_of(
    valid_niks(),
    st.from_regex(r"08[1-35-9][0-9]{7,10}", fullmatch=True),  # mobile numbers, as phonenumbers knows them
    st.integers(10000, 99999).map(str),  # postal codes
    st.from_regex(r"[A-Za-z]{1,2}[0-9]{6,7}", fullmatch=True),  # passport numbers
)
any_text = st.text(st.characters(exclude_categories=()), max_size=80)  # surrogates and controls included
numberish = st.text(
    st.sampled_from([*"0123456789+()", *SEPARATORS, *INVISIBLE, *"".join(LOOKALIKES), "\u0301", "٣", "３", "x", "Ｘ"]),
    max_size=24,
)
typed_phones = st.tuples(
    st.sampled_from(["08", "+62 8", "628", "(08", "＋６２８"]), st.text("0123456789 -)", min_size=8, max_size=14)
).map("".join)
anything = st.one_of(
    any_text, numberish, typed_phones, valid_numbers.flatmap(as_typed), valid_numbers.flatmap(ascii_then_other)
)

PARSERS = {
    "nik": (identity.check_nik, identity.NIK_PATTERN),
    "kk": (identity.check_kk, identity.KK_PATTERN),
    "phone": (identity.check_phone, identity.PHONE_PATTERN),
    "postal code": (identity.check_postal_code, identity.POSTAL_CODE_PATTERN),
    "passport number": (identity.check_passport_number, identity.PASSPORT_NUMBER_PATTERN),
}


@pytest.mark.parametrize("kind", list(PARSERS))
@PROPERTY
@given(text=anything)
def test_whatever_is_typed_is_either_a_number_in_its_stored_ascii_form_or_refused_in_words(kind, text):
    parse, pattern = PARSERS[kind]
    try:
        value = parse(text)
    except identity.IdentityError as refusal:
        assert str(refusal)
        return
    assert re.fullmatch(pattern, value) and value.isascii()
    assert parse(value) == value  # reading the stored form again changes nothing


@PROPERTY
@given(nik=valid_niks(), data=st.data())
def test_a_nik_typed_in_any_scripts_digits_with_any_separators_is_the_same_nik(nik, data):
    typed = data.draw(as_typed(nik))
    assert identity.check_nik(typed) == nik
    assert identity.parse_nik(typed) == identity.parse_nik(nik)


@PROPERTY
@given(nik=valid_niks(), position=st.integers(0, 15), lookalikes=st.sampled_from(LOOKALIKES))
def test_a_superscript_or_circled_digit_in_a_nik_is_refused_not_read_as_a_digit(nik, position, lookalikes):
    typed = nik[:position] + lookalikes[int(nik[position])] + nik[position + 1 :]
    with pytest.raises(identity.IdentityError):
        identity.check_nik(typed)


@PROPERTY
@given(national=st.from_regex(r"8[1-35-9][0-9]{7,10}", fullmatch=True), data=st.data())
def test_a_mobile_number_typed_in_any_scripts_digits_in_any_written_form_is_the_same_number(national, data):
    written = data.draw(st.sampled_from(["0", "62", "+62"])) + national
    assert identity.check_phone(data.draw(as_typed(written))) == "+62" + national


@pytest.mark.parametrize("script", sorted(DIGIT_ZEROS))
def test_a_nik_in_each_script_reads_as_its_ascii_digits(script):
    assert identity.check_nik(written_in(script, "3171 0117 0890 0001")) == "3171011708900001"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("０８１２－３４５６－７８９０", "+6281234567890"),
        ("٠٨١٢ ٣٤٥٦ ٧٨٩٠", "+6281234567890"),
        ("\u200e+62 812\u00a03456\u200b7890\u200f", "+6281234567890"),
        ("（０８１２）３４５６７８９０", "+6281234567890"),
    ],
)
def test_a_mobile_number_pasted_from_another_keyboard_is_stored_in_one_form(typed, stored):
    assert identity.check_phone(typed) == stored


@pytest.mark.parametrize("typed", ["１４３１０", "١٤٣١٠", "14\u00a0310", "\u200b14310"])
def test_a_postal_code_in_other_digits_is_stored_in_ascii(typed):
    assert identity.check_postal_code(typed) == "14310"


@pytest.mark.parametrize("typed", ["¹⁴³¹⁰", "①④③①⓪", "14310\u0301", "1431０\ufe0f"])
def test_a_postal_code_of_look_alikes_or_with_marks_is_refused(typed):
    with pytest.raises(identity.IdentityError):
        identity.check_postal_code(typed)


def test_a_passport_number_in_full_width_letters_is_stored_in_ascii_capitals():
    assert identity.check_passport_number("ｘ１２３４５６７") == "X1234567"


def test_far_too_long_input_is_refused_in_words_without_reading_it_all():
    with translation.override("en"), pytest.raises(identity.IdentityError, match="too long"):
        identity.check_nik("3" * 10_000)
