"""Whatever happens to a student's passes, the ledger adds up and no credit appears or vanishes.

Random sequences of purchases, bookings, lessons held / cancelled late / missed, in-time
cancellations, waiting, the expiry job, day-27 extensions (their webhook sometimes late, even
after the end), refunds, free grants and managers' adjustments run against a small reference
model of free credits and bookings. The model predicts which calls succeed; after every step
the free balances on the page's selector must match it, and after every example the ledger
and the Reservation rows are checked against each other.

The conservation law, per pass P, every term read from P's ledger rows or its Reservation rows:

    bought + carried_in_free + moved_in + granted + adjusted
        == free + open + consumed + carried_out_free + moved_out + refunded + burned

    bought            the PURCHASE row's change (== P.lessons; exactly one such row)
    carried_in_free   sum of CARRIED_IN changes (free credits from the previous pass)
    moved_in          CARRIED_IN rows with a lesson id (bookings moved in with their reservation)
    granted           sum of FREE_GRANTED changes
    adjusted          sum of ADJUSTMENT changes (either sign)
    free              the last row's balance_after (== the sum of all changes)
    open / consumed   P's Reservation rows with that status
    carried_out_free  minus the sum of CARRIED_OUT changes
    moved_out         P's Reservation rows with status MOVED (== CARRIED_OUT rows with a lesson id)
    refunded, burned  minus the sum of REFUND / EXPIRED changes

A released credit is free again, so it appears on neither side. The law follows from the two
ledgers agreeing, which is checked term by term: P's reservations are exactly its BOOKED rows
plus its moved-in bookings; the consumed ones are exactly its HELD / CANCELLED_LATE / NO_SHOW
rows, the released ones its CANCELLED_IN_TIME rows, the moved ones its CARRIED_OUT bookings
(same lesson ids). Across passes what one carries out the next carries in, so for the whole
enrollment: bought + granted + adjusted == free + open + consumed + refunded + burned.
"""

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context, event

from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
from billing.selectors import extension_offer_for, pass_remaining, passes_for_student
from billing.services import (
    credit_adjust,
    credit_consume,
    credit_release,
    credit_reserve,
    credits_grant_free,
    free_credits,
    pass_refund_credits,
    passes_record_expiry,
    payment_mark_paid,
)
from shared_apps.tenants.models import School

Kind = LedgerEntry.Kind
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
VALIDITY = timedelta(days=28)
SIZES = (1, 4, 8)
CONSUMING = (Kind.HELD, Kind.CANCELLED_LATE, Kind.NO_SHOW)
# Distinct across examples too: a rolled-back example never leaves an id for the next to collide with.
lesson_ids = itertools.count(10_000)

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def products(alpha, extension):
    School.objects.filter(schema_name=alpha.school.schema_name).update(extension_offer_days_before_end=1)
    sized = {
        size: Product.objects.create(name=f"{size} lessons", lessons=size, price=size * 250_00, currency="RUB")
        for size in SIZES
    }
    return sized, extension


def note(what: str) -> None:
    """Count what the examples did (`pytest --hypothesis-show-statistics`); a no-op in plain tests."""
    if currently_in_test_context():
        event(what)


# The reference model --------------------------------------------------------------------------
@dataclass
class PassModel:
    pk: int
    starts_at: datetime
    valid_until: datetime
    free: int
    extended: bool = False
    expiry_recorded: bool = False


@dataclass
class Booking:
    lesson_id: int
    pass_pk: int
    starts_at: datetime
    status: str = Reservation.Status.OPEN


class World:
    """The student's passes as the rules say they should be, next to the real services."""

    def __init__(self, alpha, enrollment, products):
        self.alpha, self.enrollment = alpha, enrollment
        self.sized, self.extension = products
        self.now = T0
        self.passes: dict[int, PassModel] = {}
        self.bookings: dict[int, Booking] = {}
        self.payments: list[Payment] = []

    def pick(self, index: int) -> PassModel:
        return list(self.passes.values())[index % len(self.passes)]

    def pay(self, product, *, extends=None, at=None) -> Pass:
        payment = Payment.objects.create(
            student=self.alpha.student, enrollment=self.enrollment, product=product, amount=product.price,
            currency=product.currency, extends_pass=extends,
        )
        self.payments.append(payment)
        return payment_mark_paid(payment=payment, now=at or self.now)

    def open_future_of(self, model: PassModel, now: datetime) -> list[Booking]:
        return [
            booking for booking in self.bookings.values()
            if booking.pass_pk == model.pk and booking.status == Reservation.Status.OPEN and booking.starts_at >= now
        ]

    # Operations: each one calls the service and moves the model the way the rules say.
    def buy(self, size: int) -> None:
        lesson_pass = self.pay(self.sized[size])
        assert lesson_pass.valid_until == self.now + VALIDITY
        self.passes[lesson_pass.pk] = PassModel(lesson_pass.pk, self.now, lesson_pass.valid_until, size)

    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    def reserve(self, index: int, minutes_ahead: int) -> None:
        self.reserve_at(self.pick(index), self.now + timedelta(minutes=minutes_ahead))

    def reserve_before_end(self, index: int, minutes_before_end: int) -> None:
        """A lesson in the pass's last hours (0: exactly at its end, which no credit covers)."""
        model = self.pick(index)
        self.reserve_at(model, model.valid_until - timedelta(minutes=minutes_before_end))

    def reserve_at(self, model: PassModel, starts_at: datetime) -> None:
        lesson_id = next(lesson_ids)
        usable = self.now < model.valid_until and model.starts_at <= starts_at < model.valid_until
        arguments = {"lesson_pass": Pass(pk=model.pk), "lesson_id": lesson_id, "lesson_starts_at": starts_at,
                     "now": self.now}
        note(f"reserve: {'booked' if usable and model.free >= 1 else 'refused'}")
        if usable and model.free >= 1:
            credit_reserve(**arguments)
            model.free -= 1
            self.bookings[lesson_id] = Booking(lesson_id, model.pk, starts_at)
        else:
            with pytest.raises(ValidationError):
                credit_reserve(**arguments)

    def rebook(self, index: int) -> None:
        """A double click on "book": the lesson already holds a credit, so nothing changes."""
        open_bookings = [b for b in self.bookings.values() if b.status == Reservation.Status.OPEN]
        if not open_bookings:
            return
        booking = open_bookings[index % len(open_bookings)]
        with pytest.raises((ValidationError, IntegrityError)):
            credit_reserve(lesson_pass=Pass(pk=booking.pass_pk), lesson_id=booking.lesson_id,
                           lesson_starts_at=booking.starts_at, now=self.now)

    def _booking(self, index: int) -> Booking:
        if not self.bookings or index < 0:  # a lesson that never held a credit
            return Booking(next(lesson_ids), 0, self.now, status="none")
        return list(self.bookings.values())[index % len(self.bookings)]

    def consume(self, index: int, kind: str) -> None:
        self.consume_booking(self._booking(index), kind)

    def consume_booking(self, booking: Booking, kind: str) -> None:
        if booking.status != Reservation.Status.OPEN:  # already spent or returned: a second click
            with pytest.raises(ValidationError):
                credit_consume(lesson_id=booking.lesson_id, kind=kind, now=self.now)
            return
        entry = credit_consume(lesson_id=booking.lesson_id, kind=kind, now=self.now)
        assert (entry.lesson_pass_id, entry.change, entry.kind) == (booking.pass_pk, 0, kind)
        booking.status = Reservation.Status.CONSUMED

    def release(self, index: int) -> None:
        self.release_booking(self._booking(index))

    def release_booking(self, booking: Booking) -> None:
        if booking.status != Reservation.Status.OPEN:
            with pytest.raises(ValidationError):
                credit_release(lesson_id=booking.lesson_id, now=self.now)
            return
        entry = credit_release(lesson_id=booking.lesson_id, now=self.now)
        assert (entry.lesson_pass_id, entry.change) == (booking.pass_pk, 1)
        booking.status = Reservation.Status.RELEASED
        self.passes[booking.pass_pk].free += 1

    def expire(self) -> None:
        ended = [m for m in self.passes.values() if m.valid_until <= self.now and not m.expiry_recorded]
        assert passes_record_expiry(now=self.now) == len(ended)
        assert passes_record_expiry(now=self.now) == 0  # the job is idempotent
        for model in ended:
            model.free, model.expiry_recorded = 0, True

    def extend(self, minutes_before_end: int, paid_after_minutes: int) -> None:
        """Jump into the last day of the latest pass, take the offer, pay (the webhook may be late)."""
        latest = max(self.passes.values(), key=lambda m: (m.valid_until, m.pk))
        self.now = max(self.now, latest.valid_until - timedelta(minutes=minutes_before_end))
        offer = extension_offer_for(self.enrollment, now=self.now)
        offered = not latest.extended and latest.valid_until - timedelta(days=1) <= self.now < latest.valid_until
        assert (offer is not None) == offered
        note(f"extend: {'offered' if offered else 'no offer'}")
        if offer is None:
            return
        assert offer.lesson_pass.pk == latest.pk
        assert offer.remaining == latest.free + len(self.open_future_of(latest, self.now))

        paid_at = self.now + timedelta(minutes=paid_after_minutes)
        carried_free = latest.free if paid_at < latest.valid_until else 0
        moving = self.open_future_of(latest, paid_at) if paid_at < latest.valid_until else []
        staying = [
            b.lesson_id for b in self.bookings.values()
            if b.pass_pk == latest.pk and b.status == Reservation.Status.OPEN and b not in moving
        ]
        note(f"extension paid {'in time' if paid_at < latest.valid_until else 'after the end'}, "
              f"{'with' if moving else 'no'} lessons moving")
        new = self.pay(self.extension, extends=offer.lesson_pass, at=paid_at)
        self.now = paid_at

        # The extension carries exactly the remainder over ...
        assert new.carried_from_id == latest.pk
        assert new.valid_until == paid_at + VALIDITY
        assert free_credits(new) == self.extension.lessons + carried_free
        moved_in = new.reservations.filter(status=Reservation.Status.OPEN)
        assert sorted(moved_in.values_list("lesson_id", flat=True)) == sorted(b.lesson_id for b in moving)
        # ... and leaves the old pass with nothing free and no open future lesson, only its past ones.
        old_open = Reservation.objects.filter(lesson_pass_id=latest.pk, status=Reservation.Status.OPEN)
        assert sorted(old_open.values_list("lesson_id", flat=True)) == sorted(staying)
        if paid_at < latest.valid_until:
            assert free_credits(Pass(pk=latest.pk)) == 0
            assert not old_open.filter(lesson_starts_at__gte=paid_at).exists()
            latest.free = 0
        for booking in moving:
            booking.pass_pk = new.pk
        latest.extended = True
        self.passes[new.pk] = PassModel(new.pk, paid_at, new.valid_until, self.extension.lessons + carried_free)
        assert extension_offer_for(self.enrollment, now=self.now) is None  # offered once per pass

    def refund(self, index: int) -> None:
        model = self.pick(index)
        entry = pass_refund_credits(lesson_pass=Pass(pk=model.pk), by=self.alpha.manager, reason="refund")
        assert (entry is None) == (model.free == 0)
        if entry is not None:
            assert entry.change == -model.free
        model.free = 0

    def grant(self, index: int, lessons: int) -> None:
        model = self.pick(index)
        credits_grant_free(lesson_pass=Pass(pk=model.pk), lessons=lessons, by=self.alpha.manager, reason="promo")
        model.free += lessons

    def adjust(self, index: int, change: int) -> None:
        model = self.pick(index)
        arguments = {"lesson_pass": Pass(pk=model.pk), "change": change, "by": self.alpha.manager, "reason": "fix"}
        if model.free + change < 0:
            with pytest.raises(ValidationError):
                credit_adjust(**arguments)
            return
        credit_adjust(**arguments)
        model.free += change

    def replay(self, index: int) -> None:
        """The payment webhook arrives again: the same pass comes back and nothing is written."""
        payment = self.payments[index % len(self.payments)]
        rows, passes = LedgerEntry.objects.count(), Pass.objects.count()
        again = payment_mark_paid(payment=payment, now=self.now)
        assert again.payment_id == payment.pk
        assert (LedgerEntry.objects.count(), Pass.objects.count()) == (rows, passes)

    # Checks ---------------------------------------------------------------------------------
    def check_selector(self) -> None:
        """What the payments page reads agrees with the model after every step."""
        shown = {p.pk: p for p in passes_for_student(self.alpha.student, now=self.now)}
        assert {pk: p.free for pk, p in shown.items()} == {pk: m.free for pk, m in self.passes.items()}
        for pk, model in self.passes.items():
            still_open = sum(1 for b in self.bookings.values() if b.pass_pk == pk and b.status == "open")
            running_free = model.free if self.now < model.valid_until else 0
            assert pass_remaining(shown[pk], self.now) == running_free + still_open

    def check_ledger(self) -> None:
        passes = list(Pass.objects.filter(enrollment=self.enrollment))
        assert sorted(p.pk for p in passes) == sorted(self.passes)
        terms = {lesson_pass.pk: check_pass(lesson_pass) for lesson_pass in passes}
        for lesson_pass in passes:
            mine = terms[lesson_pass.pk]
            assert mine["free"] == self.passes[lesson_pass.pk].free
            # What one pass carries out, the next carries in: the same credits, the same lessons.
            successor = next((p for p in passes if p.carried_from_id == lesson_pass.pk), None)
            theirs = terms[successor.pk] if successor else {"carried_in_free": 0, "moved_in_ids": []}
            assert mine["carried_out_free"] == theirs["carried_in_free"]
            assert mine["moved_out_ids"] == theirs["moved_in_ids"]
            if lesson_pass.carried_from_id is None:
                assert mine["carried_in_free"] == 0 and mine["moved_in_ids"] == []
        # The whole enrollment: credits come only from purchases, grants and adjustments.
        created = sum(t["bought"] + t["granted"] + t["adjusted"] for t in terms.values())
        held = sum(t["free"] + t["open"] + t["consumed"] + t["refunded"] + t["burned"] for t in terms.values())
        assert created == held
        # Each lesson holds one live reservation (moves leave the old row MOVED), where the model says.
        live = Reservation.objects.filter(lesson_pass__enrollment=self.enrollment).exclude(
            status=Reservation.Status.MOVED
        )
        assert sorted(live.values_list("lesson_id", "lesson_pass_id", "status")) == sorted(
            (b.lesson_id, b.pass_pk, b.status) for b in self.bookings.values()
        )


def check_pass(lesson_pass: Pass) -> dict:
    """Check one pass's ledger and reservations against each other; return the law's terms."""
    rows = list(lesson_pass.ledger.order_by("seq").values_list("seq", "change", "balance_after", "kind", "lesson_id"))
    assert [seq for seq, *_ in rows] == list(range(1, len(rows) + 1)), "seq runs 1..n without gaps"
    running = 0
    for _seq, change, balance_after, _kind, _lesson in rows:
        running += change
        assert balance_after == running >= 0
    assert rows[-1][2] == free_credits(lesson_pass)

    def changes(*kinds):
        return sum(change for _s, change, _b, kind, _l in rows if kind in kinds)

    def lessons_of(*kinds):
        return sorted(lesson for _s, _c, _b, kind, lesson in rows if kind in kinds and lesson is not None)

    reservations = list(lesson_pass.reservations.values_list("lesson_id", "status"))

    def reserved(status):
        return sorted(lesson for lesson, state in reservations if state == status)

    purchases = [change for _s, change, _b, kind, _l in rows if kind == Kind.PURCHASE]
    assert purchases == [lesson_pass.lessons] and rows[0][3] == Kind.PURCHASE
    assert len([kind for *_x, kind, _l in rows if kind == Kind.EXPIRED]) <= 1
    # Each kind moves credits the way it should ...
    assert all(c == -1 for _s, c, _b, kind, _l in rows if kind == Kind.BOOKED)
    assert all(c == 1 for _s, c, _b, kind, _l in rows if kind == Kind.CANCELLED_IN_TIME)
    assert all(c == 0 for _s, c, _b, kind, lesson in rows
               if kind in CONSUMING or (kind in (Kind.CARRIED_IN, Kind.CARRIED_OUT) and lesson is not None))
    # ... and the ledger and the reservations tell the same story, lesson by lesson.
    booked, moved_in = lessons_of(Kind.BOOKED), lessons_of(Kind.CARRIED_IN)
    assert sorted(lesson for lesson, _state in reservations) == sorted(booked + moved_in)
    assert reserved(Reservation.Status.CONSUMED) == lessons_of(*CONSUMING)
    assert reserved(Reservation.Status.RELEASED) == lessons_of(Kind.CANCELLED_IN_TIME)
    assert reserved(Reservation.Status.MOVED) == lessons_of(Kind.CARRIED_OUT)

    terms = {
        "bought": purchases[0],
        "carried_in_free": changes(Kind.CARRIED_IN),
        "moved_in": len(moved_in),
        "granted": changes(Kind.FREE_GRANTED),
        "adjusted": changes(Kind.ADJUSTMENT),
        "free": rows[-1][2],
        "open": len(reserved(Reservation.Status.OPEN)),
        "consumed": len(reserved(Reservation.Status.CONSUMED)),
        "carried_out_free": -changes(Kind.CARRIED_OUT),
        "moved_out": len(reserved(Reservation.Status.MOVED)),
        "refunded": -changes(Kind.REFUND),
        "burned": -changes(Kind.EXPIRED),
    }
    came_in = terms["bought"] + terms["carried_in_free"] + terms["moved_in"] + terms["granted"] + terms["adjusted"]
    accounted = sum(terms[t] for t in ("free", "open", "consumed", "carried_out_free", "moved_out", "refunded",
                                       "burned"))
    assert came_in == accounted, terms
    return {**terms, "moved_in_ids": moved_in, "moved_out_ids": reserved(Reservation.Status.MOVED)}


# Strategies -----------------------------------------------------------------------------------
pass_index = st.integers(0, 7)
booking_index = st.integers(-1, 40)  # -1: a lesson that never held a credit
operations = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), st.sampled_from(SIZES)),
        st.tuples(st.just("wait"), st.integers(1, 10 * 24 * 60)),
        st.tuples(st.just("reserve"), pass_index, st.integers(0, 30 * 24 * 60)),
        st.tuples(st.just("reserve"), pass_index, st.integers(0, 3 * 24 * 60)),
        st.tuples(st.just("reserve_before_end"), pass_index, st.integers(0, 2 * 24 * 60)),
        st.tuples(st.just("rebook"), booking_index),
        st.tuples(st.just("consume"), booking_index, st.sampled_from(CONSUMING)),
        st.tuples(st.just("release"), booking_index),
        st.tuples(st.just("expire")),
        st.tuples(st.just("extend"), st.integers(1, 24 * 60),
                  st.one_of(st.just(0), st.integers(0, 120), st.integers(0, 2 * 24 * 60))),
        st.tuples(st.just("refund"), pass_index),
        st.tuples(st.just("grant"), pass_index, st.integers(1, 5)),
        st.tuples(st.just("adjust"), pass_index, st.integers(-5, 5).filter(bool)),
        st.tuples(st.just("replay"), st.integers(0, 7)),
    ),
    min_size=3,
    max_size=20,
)


@PROPERTY_SETTINGS
@given(first=st.sampled_from(SIZES), steps=operations)
def test_any_sequence_keeps_the_ledger_exact_and_conserves_credits(alpha, enrollment, products, first, steps):
    with transaction.atomic():  # each example in a savepoint, rolled back below
        world = World(alpha, enrollment, products)
        world.buy(first)
        for name, *arguments in steps:
            getattr(world, name)(*arguments)
            world.check_selector()
        note(f"steps: {len(steps) // 5 * 5}+")
        world.check_ledger()
        transaction.set_rollback(True)


# The extension, at every instant of the last day -----------------------------------------------
lesson_plan = st.lists(
    st.tuples(
        # Start, minutes after the purchase; often in the last two days, where the extension moves lessons.
        st.one_of(st.integers(0, 28 * 24 * 60 - 1), st.integers(27 * 24 * 60, 28 * 24 * 60 + 60)),
        st.sampled_from(["open", "open", Kind.HELD, Kind.CANCELLED_LATE, Kind.NO_SHOW, "released"]),
    ),
    max_size=12,
)


@PROPERTY_SETTINGS
@given(
    size=st.sampled_from(SIZES), granted=st.integers(0, 4), plan=lesson_plan,
    # Seconds after the offer opens; often in its first hour, before the last lessons.
    into_last_day=st.one_of(st.integers(0, 24 * 60 * 60 - 1), st.integers(0, 60 * 60)),
    at_a_lesson_start=st.booleans(),  # paid the instant a booked lesson starts: it still moves
)
def test_the_extension_carries_exactly_the_remainder(alpha, enrollment, products, size, granted, plan,
                                                     into_last_day, at_a_lesson_start):
    with transaction.atomic():
        world = World(alpha, enrollment, products)
        world.buy(size)
        (old,) = world.passes.values()
        if granted:
            world.grant(0, granted)
        for start_minute, outcome in plan:  # all booked at the purchase, T0
            booked = len(world.bookings)
            world.reserve(0, start_minute)
            if len(world.bookings) == booked or outcome == "open":  # no credit left, or left open
                continue
            booking = list(world.bookings.values())[-1]
            if outcome == "released":
                world.release_booking(booking)
            else:
                world.consume_booking(booking, outcome)
        world.now = old.valid_until - timedelta(days=1) + timedelta(seconds=into_last_day)
        starting = sorted(b.starts_at for b in world.open_future_of(old, old.valid_until - timedelta(days=1)))
        if at_a_lesson_start and starting:
            world.now = starting[0]
        free_before = old.free
        remainder = free_before + len(world.open_future_of(old, world.now))

        offer = extension_offer_for(enrollment, now=world.now)
        assert offer is not None and offer.remaining == remainder
        world.extend(24 * 60, 0)  # pays at once; checks the carry-over row by row

        extension_lessons = products[1].lessons
        new = world.passes[max(world.passes)]
        assert new.free == extension_lessons + free_before
        shown_new, shown_old = passes_for_student(alpha.student, now=world.now)
        assert (shown_new.pk, shown_old.pk) == (new.pk, old.pk)
        assert pass_remaining(shown_new, world.now) == extension_lessons + remainder
        past_open = sum(1 for b in world.bookings.values() if b.pass_pk == old.pk and b.status == "open")
        assert pass_remaining(shown_old, world.now) == past_open  # past, unmarked lessons stay reserved
        world.check_ledger()
        transaction.set_rollback(True)


# A writer that waited for the pass lock ---------------------------------------------------------
@pytest.fixture
def read_before_the_other_tab(monkeypatch):
    """The next service call first sees the lesson's reservation as it was before the other tab wrote.

    The interleaving of two tabs (or a worker and a tab): both read the reservation as open, one
    takes the pass lock and closes or moves it, the other gets the lock next. Handing the second
    writer the row it read before it waited replays that on one connection, deterministically.
    """
    from billing import services

    def arm(as_read: Reservation):
        real = Reservation.objects

        class Manager:
            stale = True

            def filter(self, **lookups):
                if self.stale and lookups.get("lesson_id") == as_read.lesson_id:
                    self.stale = False
                    return SimpleNamespace(first=lambda: as_read)
                return real.filter(**lookups)

            def __getattr__(self, name):
                return getattr(real, name)

        monkeypatch.setattr(services, "Reservation", SimpleNamespace(objects=Manager(), Status=Reservation.Status))

    return arm


@pytest.mark.parametrize("second", ["release", "consume"])
@pytest.mark.parametrize("first", ["release", "consume", "extend"])
def test_a_writer_that_waited_behind_another_creates_no_credit(alpha, enrollment, products,
                                                                read_before_the_other_tab, first, second):
    world = World(alpha, enrollment, products)
    world.buy(8)
    (old,) = world.passes.values()
    world.reserve_at(old, old.valid_until - timedelta(hours=2))
    (booking,) = world.bookings.values()
    as_read = Reservation.objects.get(lesson_id=booking.lesson_id)
    world.now = old.valid_until - timedelta(hours=12)
    if first == "release":
        world.release_booking(booking)
    elif first == "consume":
        world.consume_booking(booking, Kind.HELD)
    else:
        world.extend(24 * 60, 0)  # the lesson moves to the new pass with its reservation
    read_before_the_other_tab(as_read)

    # Closed meanwhile: refused, nothing written. Moved meanwhile: the writer acts on the pass that
    # holds it now. Either way no credit appears (check_ledger).
    write = {
        "release": lambda: credit_release(lesson_id=booking.lesson_id, now=world.now),
        "consume": lambda: credit_consume(lesson_id=booking.lesson_id, kind=Kind.HELD, now=world.now),
    }[second]
    if first == "extend":
        new = world.passes[max(world.passes)]
        assert write().lesson_pass_id == new.pk
        booking.status = Reservation.Status.RELEASED if second == "release" else Reservation.Status.CONSUMED
        new.free += 1 if second == "release" else 0
    else:
        with pytest.raises(ValidationError):
            write()
    world.check_ledger()
