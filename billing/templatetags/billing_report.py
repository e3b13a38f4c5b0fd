from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ month.revenue|get:currency }}: a dict's value, 0 when missing."""
    return (mapping or {}).get(key, 0)
