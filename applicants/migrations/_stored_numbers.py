"""Rewrites rows stored before numbers had one form, for the migrations that add the CHECK
constraints (the migration loader skips modules whose name starts with an underscore)."""

import re
import unicodedata

from django.db import IntegrityError, transaction


def legacy_stored_number(value: str) -> str:
    """The old checks let through every character `str.isdigit()` accepts, superscripts and
    circled digits included: read each back as the digit it stood for, and drop separators
    that a path without a check may have stored."""
    out = []
    for char in value:
        digit = unicodedata.digit(char, None)
        if digit is not None:
            out.append(str(digit))
        elif not (char.isspace() or char in ".-()" or unicodedata.category(char) in {"Cf", "Pd", "Zs"}):
            out.append(char)
    return "".join(out)


def repair(app_label: str, checked: list[tuple[str, str, str]]):
    """A RunPython function rewriting each (model, field) value that its new constraint's
    `form` would refuse. It stops, naming the rows, rather than guess: a value that cannot be
    read as a number, or one that becomes a duplicate the database refuses (the same NIK
    booked twice in two spellings, the very defect the constraint closes: cancel one first)."""

    def run(apps, schema_editor):
        problems = []
        for model_name, field, form in checked:
            model = apps.get_model(app_label, model_name)
            for pk, value in model.objects.exclude(**{f"{field}__regex": form}).values_list("pk", field):
                repaired = legacy_stored_number(value)
                if not re.fullmatch(form, repaired):
                    problems.append(f"{model_name} {pk} {field}: not a number")
                    continue
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=pk).update(**{field: repaired})
                except IntegrityError:
                    problems.append(f"{model_name} {pk} {field}: {repaired} is already taken")
        if problems:
            raise RuntimeError("Correct these rows by hand, then migrate again: " + "; ".join(problems))

    return run
