"""Billing's one hook upward: "pass activated".

Scheduling (above billing) registers a handler in its AppConfig.ready() that books the agreed
weekly plan into the new pass. Handlers run after the commit that activated the pass, in the
same schema, with the pass id; a failing handler is logged and never undoes the payment.

The same handlers run when credits are added to a pass by any other way (a manager's adjustment, free
lessons, the admin: `credits_added`), so the plan is booked into them exactly as into a purchase.
Handlers must therefore be idempotent: booking twice books once.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)
_pass_activated: list[Callable[[int], None]] = []


def on_pass_activated(handler: Callable[[int], None]) -> Callable[[int], None]:
    if handler not in _pass_activated:
        _pass_activated.append(handler)
    return handler


def pass_activated(pass_id: int) -> None:
    """Call inside the transaction that created the pass."""

    def run_handlers():
        for handler in list(_pass_activated):
            try:
                handler(pass_id)
            except Exception:  # one handler's failure must not hide the pass from the others
                logger.exception("A pass-activated handler failed for pass %s", pass_id)

    transaction.on_commit(run_handlers)


def credits_added(pass_id: int) -> None:
    """Free credits were added to an existing pass: book them as a new pass would be. Call inside the
    transaction that added them."""
    pass_activated(pass_id)
