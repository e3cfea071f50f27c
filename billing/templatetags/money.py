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
