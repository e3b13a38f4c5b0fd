"""Lesson packages, payments, passes and the append-only credit ledger.

A pass holds credits. Its *free* balance is the last ledger row's `balance_after`: credits
neither reserved by a lesson nor spent. A lesson's credit is a `Reservation`; holding the lesson
(or a late cancellation, or a no-show) consumes it, an in-time cancellation releases it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import Currency


class Product(models.Model):
    """A lesson package the school sells, e.g. 8 lessons of 60 minutes valid 28 days."""

    name = models.CharField(_("name"), max_length=120)
    lessons = models.PositiveSmallIntegerField(_("lessons"))
    lesson_minutes = models.PositiveSmallIntegerField(_("lesson length, minutes"), default=60)
    price = models.PositiveIntegerField(_("price, minor units"), help_text=_("In kopecks or cents: 199000 = 1 990.00"))
    old_price = models.PositiveIntegerField(
        _("old price, minor units"), null=True, blank=True, help_text=_("Shown struck through when set.")
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    validity_days = models.PositiveSmallIntegerField(_("valid for, days"), default=28)
    language = models.ForeignKey(
        "learning.Language", on_delete=models.PROTECT, null=True, blank=True, related_name="products",
        verbose_name=_("language"), help_text=_("Empty: any language."),
    )
    native_speaker = models.BooleanField(_("native-speaker teacher"), default=False)
    is_extension = models.BooleanField(
        _("extension package"), default=False,
        help_text=_("Offered at the end of a pass; what remains of that pass carries over."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    # The package that passes of free lessons (promo codes, referrals) belong to: never on sale.
    is_gift = models.BooleanField(_("free lessons"), default=False, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("lesson package")
        verbose_name_plural = _("lesson packages")
        ordering = ["position", "lessons", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(lessons__gte=1), name="billing_product_has_lessons"),
            models.CheckConstraint(condition=Q(validity_days__gte=1), name="billing_product_valid_some_days"),
            models.CheckConstraint(
                condition=Q(old_price__isnull=True) | Q(old_price__gt=models.F("price")),
                name="billing_product_discount_is_lower",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_discount(self) -> bool:
        return self.old_price is not None and self.old_price > self.price


class Payment(models.Model):
    """One attempt to pay for a product at the payment provider."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for payment")
        PAID = "paid", _("paid")
        FAILED = "failed", _("declined")
        CANCELLED = "cancelled", _("cancelled")
        REFUNDED = "refunded", _("refunded")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments", verbose_name=_("student")
    )
    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.PROTECT, related_name="payments", verbose_name=_("enrollment")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="payments", verbose_name=_("package"))
    amount = models.PositiveIntegerField(_("amount, minor units"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(_("provider"), max_length=20, default="stripe")
    provider_session_id = models.CharField(_("checkout session"), max_length=255, blank=True, db_index=True)
    provider_payment_id = models.CharField(_("provider payment"), max_length=255, blank=True)
    checkout_url = models.URLField(_("checkout page"), max_length=1000, blank=True)
    # The school's connected account the money went to (Stripe Connect); "" in direct mode.
    provider_account = models.CharField(_("payment account"), max_length=255, blank=True)
    refunded_amount = models.PositiveIntegerField(_("refunded, minor units"), default=0)
    failure_message = models.CharField(_("why it failed"), max_length=255, blank=True)
    extends_pass = models.ForeignKey(
        "Pass", on_delete=models.PROTECT, null=True, blank=True, related_name="extension_payments",
        verbose_name=_("extends pass"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_session_id"], condition=~Q(provider_session_id=""),
                name="billing_payment_one_per_session",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")), name="billing_payment_refund_within_amount"
            ),
        ]

    def __str__(self):
        return f"{self.product} · {self.student} · {self.get_status_display()}"

    @property
    def refundable_amount(self) -> int:
        if self.provider == "demo" or self.status not in (self.Status.PAID, self.Status.REFUNDED):
            return 0
        return self.amount - self.refunded_amount


class Pass(models.Model):
    """n lesson credits for one enrollment, valid until `valid_until` (exclusive)."""

    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.PROTECT, related_name="passes", verbose_name=_("enrollment")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="passes", verbose_name=_("package"))
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="pass_bought", verbose_name=_("payment")
    )
    lessons = models.PositiveSmallIntegerField(_("lessons bought"))
    starts_at = models.DateTimeField(_("starts"))
    valid_until = models.DateTimeField(_("valid until"))
    carried_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_into",
        verbose_name=_("carried over from"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("starts_at")), name="billing_pass_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.lessons} × {self.enrollment}"

    def carried_into_or_none(self):
        try:
            return self.carried_into
        except Pass.DoesNotExist:
            return None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.valid_until

    def days_left(self, now: datetime) -> int:
        remaining = self.valid_until - now
        return max(0, remaining.days + (1 if remaining % timedelta(days=1) else 0))


class LedgerEntry(models.Model):
    """One change to a pass's credits. Append-only: rows are never updated or deleted."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("purchase")
        BOOKED = "booked", _("lesson booked")
        HELD = "held", _("lesson held")
        CANCELLED_IN_TIME = "cancelled_in_time", _("cancelled in time")
        CANCELLED_LATE = "cancelled_late", _("cancelled late")
        NO_SHOW = "no_show", _("no-show")
        EXPIRED = "expired", _("expired")
        CARRIED_OUT = "carried_out", _("carried over to the next pass")
        CARRIED_IN = "carried_in", _("carried over from the last pass")
        FREE_GRANTED = "free_granted", _("free lessons granted")
        REFUND = "refund", _("refund")
        ADJUSTMENT = "adjustment", _("adjustment")

    lesson_pass = models.ForeignKey(Pass, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("pass"))
    seq = models.PositiveIntegerField(_("number"))
    change = models.IntegerField(_("change"))
    balance_after = models.IntegerField(_("free credits after"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # A plain id: scheduling sits above billing and owns lessons.
    lesson_id = models.BigIntegerField(_("lesson"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["lesson_pass", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["lesson_pass", "seq"], name="billing_ledger_seq_unique_per_pass"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="billing_ledger_balance_never_negative"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.get_kind_display()} {self.change:+d} → {self.balance_after}"


class Reservation(models.Model):
    """The credit a booked lesson holds until it is held, cancelled or moves to the next pass."""

    class Status(models.TextChoices):
        OPEN = "open", _("reserved")
        CONSUMED = "consumed", _("spent")
        RELEASED = "released", _("returned")
        MOVED = "moved", _("moved to the next pass")

    lesson_pass = models.ForeignKey(Pass, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("pass"))
    lesson_id = models.BigIntegerField(_("lesson"))
    lesson_starts_at = models.DateTimeField(_("lesson starts"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            # One open credit per lesson, whichever pass holds it.
            models.UniqueConstraint(
                fields=["lesson_id"], condition=Q(status="open"), name="billing_one_open_reservation"
            )
        ]

    def __str__(self):
        return f"lesson {self.lesson_id}: {self.get_status_display()}"


class WebhookEvent(models.Model):
    """A provider's event, stored once per id: a replay finds it and changes nothing."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)
    # What was done: the state applied ("paid", ...), "ignored", or why it was refused ("another school", ...).
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="billing_event_once")]

    def __str__(self):
        return f"{self.provider} {self.event_type} {self.event_id}"


class PromoCode(models.Model):
    """A code a manager hands out: `lessons` free lessons, `max_uses` students, until `expires_at`."""

    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Letters and digits; case does not matter.")
    )
    lessons = models.PositiveSmallIntegerField(_("free lessons"))
    max_uses = models.PositiveIntegerField(_("number of uses"))
    uses = models.PositiveIntegerField(_("used"), default=0, editable=False)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True, help_text=_("Empty: no end."))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(lessons__gte=1), name="billing_promo_grants_lessons"),
            models.CheckConstraint(condition=Q(max_uses__gte=1), name="billing_promo_has_uses"),
            # The last line of defence against two redemptions of the last use.
            models.CheckConstraint(condition=Q(uses__lte=models.F("max_uses")), name="billing_promo_uses_within_max"),
        ]

    def __str__(self):
        return self.code

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    @property
    def uses_left(self) -> int:
        return max(0, self.max_uses - self.uses)


class ReferralLink(models.Model):
    """A student's own link: a newcomer who signs up through it gets the school's free lessons."""

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_link", verbose_name=_("student")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral link")
        verbose_name_plural = _("referral links")

    def __str__(self):
        return self.code


class Referral(models.Model):
    """Who brought whom: one per newcomer."""

    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referrer")
    )
    newcomer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referred_by", verbose_name=_("newcomer")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rewarded_at = models.DateTimeField(_("referrer rewarded"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(condition=~Q(referrer=models.F("newcomer")), name="billing_referral_not_self")
        ]

    def __str__(self):
        return f"{self.referrer} → {self.newcomer}"


class FreeLessonGrant(models.Model):
    """Free lessons given to a student. Until they are placed on a pass (`lesson_pass`) they wait here.

    A grant is placed on the running pass of the student's enrollment, else on a new pass of free
    lessons; its ledger row (kind "free lessons granted") is then the pass's record of it. A student
    who studies nothing yet (a newcomer) keeps the grant waiting until they do.
    """

    class Source(models.TextChoices):
        PROMO = "promo", _("promo code")
        REFERRAL_NEWCOMER = "referral_newcomer", _("invited by a friend")
        REFERRAL_REFERRER = "referral_referrer", _("a friend you invited paid")

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="free_lesson_grants", verbose_name=_("student")
    )
    lessons = models.PositiveSmallIntegerField(_("free lessons"))
    source = models.CharField(_("from"), max_length=20, choices=Source.choices)
    promo_code = models.ForeignKey(
        PromoCode, on_delete=models.PROTECT, null=True, blank=True, related_name="grants", verbose_name=_("promo code")
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="grants", verbose_name=_("referral")
    )
    lesson_pass = models.ForeignKey(
        Pass, on_delete=models.PROTECT, null=True, blank=True, related_name="free_grants", verbose_name=_("pass")
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)
    placed_at = models.DateTimeField(_("placed on a pass"), null=True, blank=True)

    class Meta:
        verbose_name = _("free lessons grant")
        verbose_name_plural = _("free lessons grants")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(lessons__gte=1), name="billing_grant_has_lessons"),
            # A student redeems a code once; a referral rewards each side once, whatever replays.
            models.UniqueConstraint(fields=["promo_code", "student"], condition=Q(promo_code__isnull=False),
                                    name="billing_grant_code_once_per_student"),
            models.UniqueConstraint(fields=["referral", "source"], condition=Q(referral__isnull=False),
                                    name="billing_grant_referral_once_per_side"),
        ]

    def __str__(self):
        return f"{self.lessons} × {self.get_source_display()} → {self.student}"


class Refund(models.Model):
    """Money returned through the provider; the pass's ledger has the matching "refund" row."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.PositiveIntegerField(_("amount, minor units"))
    lessons_removed = models.PositiveSmallIntegerField(_("lessons removed"), default=0)
    reason = models.CharField(_("reason"), max_length=255)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    provider_refund_id = models.CharField(_("provider refund"), max_length=255)
    ledger_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="refund",
        verbose_name=_("ledger entry"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=1), name="billing_refund_positive")]

    def __str__(self):
        return f"{self.amount} ← {self.payment_id}"
