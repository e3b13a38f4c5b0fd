"""Writes on billing: every credit change goes through `_ledger_append` under a lock on its pass."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing import hooks
from billing.models import LedgerEntry, Pass, Payment, Product, Reservation

Kind = LedgerEntry.Kind


class NotEnoughCredits(ValidationError):
    def __init__(self):
        super().__init__(_("There are no free lessons left on this pass."), code="no_credits")


class PassNotUsable(ValidationError):
    pass


def _school():
    from shared_apps.tenants.models import School

    tenant = getattr(connection, "tenant", None)
    if getattr(tenant, "pass_validity_days", None) is not None:
        return tenant
    return School.objects.get(schema_name=connection.schema_name)


def locked(queryset):
    """`queryset` locked as a mutex. Every row lock in Panda goes through this.

    `of=("self",)`: only this table's rows, never the rows a `select_related` joins (locking the
    student's user row with their lesson deadlocked bookings against payments). `no_key=True` (FOR NO
    KEY UPDATE): a lock that does not block the foreign-key checks of inserts that merely refer to the
    row (a lesson naming its student, a payment naming the pass it extends), which FOR UPDATE would.

    The one lock order (take them in this order, never back up it): the person (user row, for
    per-person double clicks), the enrollment, the payment, passes by id (an extension's old pass
    before its new one), free-lesson grants, lessons by id, then proposals, reservations and ledger
    rows (always under their pass's lock).
    """
    return queryset.select_for_update(no_key=True, of=("self",))


def _lock(lesson_pass: Pass) -> Pass:
    # Two tabs, two workers, a replayed webhook: one writer per pass at a time.
    return locked(Pass.objects).get(pk=lesson_pass.pk)


def passes_lock(pass_ids) -> None:
    """Lock several passes in the one order (by id). Precondition: inside `transaction.atomic`."""
    list(locked(Pass.objects.filter(pk__in=set(pass_ids))).order_by("pk").values_list("pk", flat=True))


def free_credits(lesson_pass: Pass) -> int:
    last = (
        LedgerEntry.objects.filter(lesson_pass=lesson_pass)
        .order_by("-seq")
        .values_list("balance_after", flat=True)
        .first()
    )
    return last or 0


def _ledger_append(
    *, lesson_pass: Pass, change: int, kind: str, actor=None, reason: str = "", lesson_id: int | None = None
) -> LedgerEntry:
    """Append one row. Precondition: inside `transaction.atomic` with the pass locked (`_lock`)."""
    last = LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("-seq").first()
    balance = (last.balance_after if last else 0) + change
    if balance < 0:
        raise NotEnoughCredits()
    return LedgerEntry.objects.create(
        lesson_pass=lesson_pass, seq=(last.seq + 1) if last else 1, change=change, balance_after=balance,
        kind=kind, actor=actor, reason=reason[:255], lesson_id=lesson_id,
    )


# Buying ------------------------------------------------------------------------------------
@transaction.atomic
def payment_mark_paid(
    *, payment: Payment, provider_payment_id: str = "", now: datetime | None = None
) -> Pass:
    """The provider says paid: create the pass (once, however many times this is called)."""
    # In UTC: adding days to a datetime in a zone with DST adds wall-clock days (28 × 24 h ± 1 h);
    # validity is 28 × 24 h of real time whatever zone the caller's `now` carries.
    now = (now or timezone.now()).astimezone(UTC)
    payment = locked(Payment.objects).get(pk=payment.pk)
    existing = Pass.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    payment.status = Payment.Status.PAID
    payment.paid_at = now
    payment.provider_payment_id = provider_payment_id or payment.provider_payment_id
    payment.failure_message = ""
    payment.save(update_fields=["status", "paid_at", "provider_payment_id", "failure_message"])
    lesson_pass = _pass_create(payment=payment, now=now)
    from billing.free_lessons import grants_place_on_paid_pass, referral_reward_after_payment

    # Once per payment (the pass above is created once): free lessons waiting for this student
    # join the pass, and a newcomer's first payment rewards the student who invited them.
    grants_place_on_paid_pass(lesson_pass=lesson_pass, now=now)
    referral_reward_after_payment(newcomer=payment.student, now=now)
    from billing.notifications import tell_payment_succeeded

    tell_payment_succeeded(lesson_pass)
    return lesson_pass


def _pass_create(*, payment: Payment, now: datetime) -> Pass:
    product = payment.product
    previous = payment.extends_pass
    if previous is not None:
        # Two extensions of one pass paid at once: the second waits here, then sees the first's
        # carry-over (instead of failing on the one-to-one, which would lose its paid pass).
        previous = _lock(previous)
    lesson_pass = Pass.objects.create(
        enrollment=payment.enrollment, product=product, payment=payment, lessons=product.lessons,
        starts_at=now, valid_until=now + timedelta(days=product.validity_days),
        carried_from=previous if previous is not None and previous.carried_into_or_none() is None else None,
    )
    _lock(lesson_pass)
    _ledger_append(lesson_pass=lesson_pass, change=product.lessons, kind=Kind.PURCHASE, actor=payment.student,
                   reason=product.name)
    if lesson_pass.carried_from is not None:
        _carry_over(old=lesson_pass.carried_from, new=lesson_pass, actor=payment.student, now=now)
    hooks.pass_activated(lesson_pass.pk)
    return lesson_pass


def _carry_over(*, old: Pass, new: Pass, actor, now: datetime) -> None:
    """What remains of `old` moves to `new`: its free credits and its future lessons' reservations.

    Nothing remains of a pass that has already ended (its free credits burned at its end).
    """
    old = _lock(old)
    if old.is_expired(now):
        return
    free = free_credits(old)
    if free:
        _ledger_append(lesson_pass=old, change=-free, kind=Kind.CARRIED_OUT, actor=actor,
                       reason=str(_("to the next pass")))
        _ledger_append(lesson_pass=new, change=free, kind=Kind.CARRIED_IN, actor=actor,
                       reason=str(_("free lessons from the last pass")))
    future = locked(Reservation.objects.filter(
        lesson_pass=old, status=Reservation.Status.OPEN, lesson_starts_at__gte=now
    )).order_by("pk")
    for reservation in future:
        reservation.status = Reservation.Status.MOVED
        reservation.closed_at = now
        reservation.save(update_fields=["status", "closed_at"])
        Reservation.objects.create(
            lesson_pass=new, lesson_id=reservation.lesson_id, lesson_starts_at=reservation.lesson_starts_at
        )
        _ledger_append(lesson_pass=old, change=0, kind=Kind.CARRIED_OUT, actor=actor, lesson_id=reservation.lesson_id,
                       reason=str(_("booked lesson moves to the next pass")))
        _ledger_append(lesson_pass=new, change=0, kind=Kind.CARRIED_IN, actor=actor, lesson_id=reservation.lesson_id,
                       reason=str(_("booked lesson from the last pass")))


@transaction.atomic
def payment_mark_failed(*, payment: Payment, status: str, message: str = "") -> Payment:
    """Declined or cancelled: nothing is created. A paid payment stays paid (events arrive out of order)."""
    payment = locked(Payment.objects).get(pk=payment.pk)
    if payment.status != Payment.Status.PENDING:
        return payment
    payment.status = status
    payment.failure_message = message[:255]
    payment.save(update_fields=["status", "failure_message"])
    return payment


# Spending (scheduling calls these) -------------------------------------------------------
@transaction.atomic
def credit_reserve(
    *, lesson_pass: Pass, lesson_id: int, lesson_starts_at: datetime, by=None, now: datetime | None = None
) -> Reservation:
    """A lesson is booked: one free credit becomes its reservation."""
    now = now or timezone.now()
    lesson_pass = _lock(lesson_pass)
    if lesson_pass.is_expired(now) or lesson_starts_at >= lesson_pass.valid_until:
        raise PassNotUsable(_("The lesson is after the end of the pass."), code="after_end")
    if lesson_starts_at < lesson_pass.starts_at:
        raise PassNotUsable(_("The lesson is before the pass starts."), code="before_start")
    _ledger_append(lesson_pass=lesson_pass, change=-1, kind=Kind.BOOKED, actor=by, lesson_id=lesson_id)
    return Reservation.objects.create(lesson_pass=lesson_pass, lesson_id=lesson_id, lesson_starts_at=lesson_starts_at)


def _open_reservation(lesson_id: int) -> Reservation:
    """The lesson's open reservation, its pass locked. Precondition: inside `transaction.atomic`."""
    for _attempt in range(3):
        reservation = Reservation.objects.filter(lesson_id=lesson_id, status=Reservation.Status.OPEN).first()
        if reservation is None:
            break
        _lock(reservation.lesson_pass)
        # Read it again under the lock: while we waited, another tab may have released or consumed it
        # (acting on the stale row would write a second credit), or an extension may have moved it to
        # the next pass (then look again: the open one is there).
        again = locked(Reservation.objects.filter(pk=reservation.pk, status=Reservation.Status.OPEN))
        if (reservation := again.first()) is not None:
            return reservation
    raise ValidationError(_("This lesson holds no credit."), code="no_reservation")


CONSUMING_KINDS = {Kind.HELD, Kind.CANCELLED_LATE, Kind.NO_SHOW}


@transaction.atomic
def credit_consume(*, lesson_id: int, kind: str, by=None, reason: str = "", now: datetime | None = None) -> LedgerEntry:
    """The lesson was held, cancelled late, or the student did not come: its credit is spent."""
    if kind not in CONSUMING_KINDS:
        raise ValueError(f"{kind} does not consume a credit")
    reservation = _open_reservation(lesson_id)
    reservation.status = Reservation.Status.CONSUMED
    reservation.closed_at = now or timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    return _ledger_append(lesson_pass=reservation.lesson_pass, change=0, kind=kind, actor=by, reason=reason,
                          lesson_id=lesson_id)


@transaction.atomic
def credit_release(*, lesson_id: int, by=None, reason: str = "", now: datetime | None = None) -> LedgerEntry:
    """Cancelled in time (or by the teacher): the credit is free again."""
    reservation = _open_reservation(lesson_id)
    reservation.status = Reservation.Status.RELEASED
    reservation.closed_at = now or timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    return _ledger_append(lesson_pass=reservation.lesson_pass, change=1, kind=Kind.CANCELLED_IN_TIME, actor=by,
                          reason=reason, lesson_id=lesson_id)


# Managers' changes ------------------------------------------------------------------------
@transaction.atomic
def credits_grant_free(*, lesson_pass: Pass, lessons: int, by=None, reason: str) -> LedgerEntry:
    if lessons < 1:
        raise ValidationError(_("Grant at least one lesson."), code="too_few")
    entry = _ledger_append(lesson_pass=_lock(lesson_pass), change=lessons, kind=Kind.FREE_GRANTED, actor=by,
                           reason=reason)
    hooks.credits_added(lesson_pass.pk)
    return entry


@transaction.atomic
def credit_adjust(*, lesson_pass: Pass, change: int, by, reason: str) -> LedgerEntry:
    """A manager's correction; the reason is required and kept."""
    if not reason.strip():
        raise ValidationError(_("Say why the credits change."), code="reason_required")
    if change == 0:
        raise ValidationError(_("The change cannot be zero."), code="zero")
    entry = _ledger_append(lesson_pass=_lock(lesson_pass), change=change, kind=Kind.ADJUSTMENT, actor=by,
                           reason=reason)
    if change > 0:
        hooks.credits_added(lesson_pass.pk)
    return entry


@transaction.atomic
def pass_create_by_hand(
    *, enrollment, product: Product, lessons: int, by, starts_at: datetime | None = None,
    valid_until: datetime | None = None, reason: str = "",
) -> Pass:
    """A pass without a payment (the admin's "add pass"): its credits are in the ledger from the first row,
    and the agreed plan is booked into it as into a bought one."""
    if lessons < 1:
        raise ValidationError(_("A pass has at least one lesson."), code="too_few")
    starts_at = (starts_at or timezone.now()).astimezone(UTC)
    valid_until = valid_until or starts_at + timedelta(days=product.validity_days)
    if valid_until <= starts_at:
        raise ValidationError(_("A pass must end after it starts."), code="ends_first")
    lesson_pass = Pass.objects.create(enrollment=enrollment, product=product, payment=None, lessons=lessons,
                                      starts_at=starts_at, valid_until=valid_until)
    _ledger_append(lesson_pass=_lock(lesson_pass), change=lessons, kind=Kind.ADJUSTMENT, actor=by,
                   reason=reason or str(_("added by hand")))
    hooks.pass_activated(lesson_pass.pk)
    return lesson_pass


@transaction.atomic
def pass_refund_credits(*, lesson_pass: Pass, by, reason: str) -> LedgerEntry | None:
    """The free credits leave with the refund (billing 2/2 returns the money through the provider)."""
    lesson_pass = _lock(lesson_pass)
    free = free_credits(lesson_pass)
    if not free:
        return None
    return _ledger_append(lesson_pass=lesson_pass, change=-free, kind=Kind.REFUND, actor=by, reason=reason)


# Time ----------------------------------------------------------------------------------------
@transaction.atomic
def pass_record_expiry(*, lesson_pass: Pass, now: datetime | None = None) -> LedgerEntry | None:
    """Write the one "expired" row of an ended pass, for the history. Nothing depends on it."""
    now = now or timezone.now()
    lesson_pass = _lock(lesson_pass)
    if not lesson_pass.is_expired(now) or lesson_pass.ledger.filter(kind=Kind.EXPIRED).exists():
        return None
    return _ledger_append(lesson_pass=lesson_pass, change=-free_credits(lesson_pass), kind=Kind.EXPIRED,
                          reason=str(_("the pass ended")))


def passes_record_expiry(*, now: datetime | None = None) -> int:
    """The idempotent job: one "expired" row per ended pass."""
    now = now or timezone.now()
    ended = Pass.objects.filter(valid_until__lte=now).exclude(ledger__kind=Kind.EXPIRED)
    return sum(1 for lesson_pass in ended if pass_record_expiry(lesson_pass=lesson_pass, now=now))


# Checkout -------------------------------------------------------------------------------------
def product_for_enrollment_ok(product: Product, enrollment) -> bool:
    return product.is_active and (product.language_id is None or product.language_id == enrollment.language_id)


@transaction.atomic
def pass_extend_validity(*, lesson_pass: Pass, by: timedelta, actor=None, reason: str) -> Pass:
    """Move the pass's end later (a freeze); recorded in its history as a zero-credit row."""
    lesson_pass = _lock(lesson_pass)
    lesson_pass.valid_until += by
    lesson_pass.save(update_fields=["valid_until"])
    _ledger_append(lesson_pass=lesson_pass, change=0, kind=Kind.ADJUSTMENT, actor=actor, reason=reason)
    return lesson_pass
