"""Money is an integer of minor units plus a currency; these helpers only display it."""

from decimal import Decimal

SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "KZT": "₸"}
MINOR_UNITS = {"RUB": 2, "USD": 2, "EUR": 2, "GBP": 2, "CNY": 2, "KZT": 2}
NBSP = "\u00a0"


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-MINOR_UNITS.get(currency, 2))


def to_minor(amount_major: Decimal, currency: str) -> int:
    """19.90 → 1990 for a currency with two decimals (what a form's amount field holds)."""
    return int(Decimal(amount_major).scaleb(MINOR_UNITS.get(currency, 2)))


def format_money(amount_minor: int, currency: str, language: str = "en") -> str:
    """1 990 ₽ in Russian, $19.90 in English; whole amounts without ",00"."""
    digits = MINOR_UNITS.get(currency, 2)
    major, minor = divmod(abs(amount_minor), 10**digits)
    symbol = SYMBOLS.get(currency, currency)
    sign = "-" if amount_minor < 0 else ""
    if language == "ru":
        whole = f"{major:,}".replace(",", NBSP)
        fraction = f",{minor:0{digits}d}" if minor else ""
        return f"{sign}{whole}{fraction}{NBSP}{symbol}"
    whole = f"{major:,}"
    fraction = f".{minor:0{digits}d}" if minor else ""
    return f"{sign}{symbol}{whole}{fraction}"
