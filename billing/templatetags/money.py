from django import template

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """Rupiah as Indonesians write it: Rp350.000 (dots group thousands, no decimals)."""
    if amount in (None, ""):
        return ""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{abs(value):,}".replace(",", ".")


@register.simple_tag
def total(lines) -> int:
    return sum(line.amount for line in lines)


@register.filter
def digit_groups(code, size=4):
    """A long number in groups of four for reading aloud and typing into a bank's app:
    `1234 5678 9012 345`. Copying takes the plain number (the page's copy button)."""
    text = str(code or "")
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@register.filter
def product_label(line) -> str:
    """A fee line's name in the reader's language: a bill stores the label it was issued with
    (in the language of whoever booked), so the product code is what is translated."""
    from applicants.models import FeeProduct

    product = line.get("product") if isinstance(line, dict) else getattr(line, "product", "")
    if product in FeeProduct.values:
        return str(FeeProduct(product).label)
    return line.get("label", "") if isinstance(line, dict) else getattr(line, "label", "")


@register.filter
def channel_name(code) -> str:
    """A payment channel's name ("Mobile and internet banking"), not its key ("mobile_banking")."""
    from billing.channels import CHANNELS

    return next((str(c["name"]) for c in CHANNELS if c["code"] == code), str(code or ""))
