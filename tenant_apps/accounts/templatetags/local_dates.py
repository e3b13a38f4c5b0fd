"""Dates in each language's conventions (Babel/CLDR): {{ day|day_month }} → "7 дек." / "7 Dec"."""

from django import template

from tenant_apps.accounts.localtime import local_format

register = template.Library()


@register.filter
def day_month(value) -> str:
    return local_format(value, "short") if value else ""


@register.filter
def day_month_year(value) -> str:
    return local_format(value, "date") if value else ""
