"""Money on the page: integer minor units in, the reader's conventions out, nothing lost on the way."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from billing.money import MINOR_UNITS, NBSP, SYMBOLS, format_money, to_major


@pytest.mark.parametrize(
    ("amount", "currency", "language", "shown"),
    [
        (1_990_00, "RUB", "ru", f"1{NBSP}990{NBSP}₽"),
        (1_990_50, "RUB", "ru", f"1{NBSP}990,50{NBSP}₽"),
        (12_345_678_00, "RUB", "ru", f"12{NBSP}345{NBSP}678{NBSP}₽"),
        (5, "RUB", "ru", f"0,05{NBSP}₽"),
        (990_00, "RUB", "ru", f"990{NBSP}₽"),
        (19_90, "USD", "en", "$19.90"),
        (19_00, "USD", "en", "$19"),  # whole amounts without ".00"
        (2_000_00, "USD", "en", "$2,000"),
        (1_234_567_89, "USD", "en", "$1,234,567.89"),
        (7, "USD", "en", "$0.07"),
        (0, "USD", "en", "$0"),
        (19_90, "EUR", "en", "€19.90"),
        (19_90, "USD", "ru", f"19,90{NBSP}$"),
        (1_990_00, "RUB", "en", "₽1,990"),
    ],
)
def test_amounts_are_shown_the_readers_way(amount, currency, language, shown):
    assert format_money(amount, currency, language) == shown


@pytest.mark.parametrize(
    ("amount", "currency", "language", "shown"),
    [
        (-1_990_00, "RUB", "ru", f"-1{NBSP}990{NBSP}₽"),
        (-19_90, "USD", "en", "-$19.90"),
        (-5, "USD", "en", "-$0.05"),  # the sign survives an amount under one unit
        (-2_000_00, "USD", "en", "-$2,000"),
    ],
)
def test_negative_amounts_keep_their_sign_in_front(amount, currency, language, shown):
    assert format_money(amount, currency, language) == shown


def test_the_template_tag_follows_the_active_language():
    template = Template("{% load money %}{% money amount currency %}")
    context = Context({"amount": 1_990_00, "currency": "RUB"})

    with translation.override("ru"):
        assert template.render(context) == f"1{NBSP}990{NBSP}₽"
    with translation.override("en"):
        assert template.render(context) == "₽1,990"
    assert Template("{% load money %}{% money None 'RUB' %}").render(Context()) == ""


def parse(shown: str, currency: str, language: str) -> int:
    """Read a formatted amount back into minor units, by the reader's conventions."""
    decimal_mark = "," if language == "ru" else "."
    digits = MINOR_UNITS[currency]
    whole, _mark, fraction = shown.partition(decimal_mark)
    if fraction:
        fraction_digits = re.sub(r"\D", "", fraction)
        assert len(fraction_digits) == digits, shown  # never "19.9"
    else:
        fraction_digits = "0" * digits
    sign = -1 if shown.startswith("-") else 1
    return sign * int(re.sub(r"\D", "", whole) + fraction_digits)


amounts = st.one_of(st.integers(-10**12, 10**12), st.integers(-10**12, 10**12).map(lambda n: n - n % 100))


@given(amount=amounts, currency=st.sampled_from(sorted(SYMBOLS)), language=st.sampled_from(["ru", "en"]))
def test_the_shown_digits_read_back_to_the_amount(amount, currency, language):
    shown = format_money(amount, currency, language)

    assert parse(shown, currency, language) == amount
    assert SYMBOLS[currency] in shown
    assert to_major(amount, currency) * 10 ** MINOR_UNITS[currency] == amount
    if language == "ru":
        assert " " not in shown  # only non-breaking spaces: "1 990 ₽" never wraps between its parts
    else:
        assert NBSP not in shown and " " not in shown
