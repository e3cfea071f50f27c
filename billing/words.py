"""Amounts in words, as printed on a SIMPONI bill ("terbilang")."""

from django.utils.translation import get_language

_ID = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"]
_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
       "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def indonesian(n: int) -> str:
    if n < 12:
        return _ID[n]
    if n < 20:
        return f"{_ID[n - 10]} belas"
    if n < 100:
        return f"{_ID[n // 10]} puluh {indonesian(n % 10)}".strip()
    if n < 200:
        return f"seratus {indonesian(n - 100)}".strip()
    if n < 1000:
        return f"{_ID[n // 100]} ratus {indonesian(n % 100)}".strip()
    if n < 2000:
        return f"seribu {indonesian(n - 1000)}".strip()
    for size, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if n >= size:
            return f"{indonesian(n // size)} {word} {indonesian(n % size)}".strip()
    return ""


def english(n: int) -> str:
    if n < 20:
        return _EN[n]
    if n < 100:
        return _EN_TENS[n // 10] + (f"-{_EN[n % 10]}" if n % 10 else "")
    if n < 1000:
        return f"{_EN[n // 100]} hundred" + (f" {english(n % 100)}" if n % 100 else "")
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= size:
            return f"{english(n // size)} {word}" + (f" {english(n % size)}" if n % size else "")
    return ""


def rupiah_in_words(amount: int) -> str:
    if (get_language() or "id").startswith("en"):
        return f"{english(amount)} rupiah"
    return f"{indonesian(amount) or 'nol'} rupiah"
