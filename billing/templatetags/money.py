from django import template
from django.utils.translation import get_language

from billing.money import format_money

register = template.Library()


@register.simple_tag
def money(amount_minor, currency):
    """{% money product.price product.currency %} → "1 990 ₽" (ru) or "$19.90" (en)."""
    if amount_minor is None:
        return ""
    return format_money(int(amount_minor), currency, (get_language() or "en")[:2])
