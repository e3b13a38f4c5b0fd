"""Schools and their domains: the public schema's record of every tenant."""

import zoneinfo
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Currency(models.TextChoices):
    RUB = "RUB", "RUB ₽"
    USD = "USD", "USD $"
    EUR = "EUR", "EUR €"
    GBP = "GBP", "GBP £"
    CNY = "CNY", "CNY ¥"
    KZT = "KZT", "KZT ₸"


class TaughtLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")


class PaymentProvider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    YOOKASSA = "yookassa", "YooKassa"


class UiLanguage(models.TextChoices):
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class School(TenantMixin):
    """A school: one Postgres schema, its policies and how it is paid."""

    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Moscow"
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    languages_taught = models.JSONField(
        _("languages taught"), default=list, blank=True, help_text=_("Language codes, e.g. en, zh.")
    )
    default_language = models.CharField(
        _("site language"), max_length=5, choices=UiLanguage.choices, default=UiLanguage.RUSSIAN
    )

    # Policies: Panda's defaults; each school may change them.
    cancellation_window_hours = models.PositiveSmallIntegerField(
        _("cancellation window, hours"), default=8, validators=[MaxValueValidator(168)]
    )
    pass_validity_days = models.PositiveSmallIntegerField(
        _("pass validity, days"), default=28, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    extension_offer_days_before_end = models.PositiveSmallIntegerField(
        _("extension offered, days before the pass ends"), default=1
    )
    extension_lessons = models.PositiveSmallIntegerField(
        _("extension size, lessons"), default=8, validators=[MinValueValidator(1)]
    )
    freeze_days = models.PositiveSmallIntegerField(_("freeze length, days"), default=7)
    freezes_per_pass = models.PositiveSmallIntegerField(_("freezes allowed per pass"), default=1)
    # After an in-time cancellation the student picks another time from the teacher's free hours. Panda's
    # rule: the teacher's published hours are their consent, so it is booked at once. A school may prefer
    # the teacher to accept it first (the time goes to the teacher as a proposal).
    rebook_needs_teacher = models.BooleanField(
        _("a new time after a cancellation waits for the teacher's acceptance"), default=False,
        help_text=_("Off: the student books straight into the teacher's free hours."),
    )
    homework_backlog_days = models.PositiveSmallIntegerField(_("homework backlog, days"), default=14)

    payment_provider = models.CharField(
        _("payment provider"), max_length=16, choices=PaymentProvider.choices, default=PaymentProvider.STRIPE
    )
    payment_account_id = models.CharField(
        _("payment account id"), max_length=255, blank=True, db_index=True,
        help_text=_("The school's connected account at the payment provider (e.g. Stripe acct_…)."),
    )
    payment_account_ready = models.BooleanField(
        _("payment account can take payments"), default=False,
        help_text=_("Set when the provider says onboarding is complete."),
    )
    platform_fee_bps = models.PositiveSmallIntegerField(
        _("platform fee, basis points"), null=True, blank=True, validators=[MaxValueValidator(5000)],
        help_text=_("The platform's share of each payment, in hundredths of a percent (250 = 2.5%). "
                    "Empty: the platform's default."),
    )
    # Free lessons through a student's referral link.
    referral_newcomer_lessons = models.PositiveSmallIntegerField(
        _("free lessons for a friend who signs up"), default=1, validators=[MaxValueValidator(50)],
        help_text=_("0: referral links give nothing."),
    )
    referral_referrer_lessons = models.PositiveSmallIntegerField(
        _("free lessons for the student who invited, after the friend's first payment"), default=0,
        validators=[MaxValueValidator(50)], help_text=_("0: nothing."),
    )

    require_staff_mfa = models.BooleanField(
        _("require two-factor authentication for staff"), default=False,
        help_text=_("Teachers, methodologists and managers must turn on an authenticator app."),
    )

    telegram_bot_token = models.CharField(
        _("Telegram bot token"), max_length=100, blank=True,
        help_text=_("From @BotFather. Without it, people cannot choose Telegram for notifications."),
    )
    telegram_bot_username = models.CharField(_("Telegram bot username"), max_length=64, blank=True)

    is_suspended = models.BooleanField(_("suspended"), default=False)
    suspended_reason = models.CharField(_("reason for suspension"), max_length=255, blank=True)
    # The template every new school is cloned from: migrated with the others, never served.
    is_template = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Schools are provisioned by services.school_create, which clones the template.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def cancellation_window(self) -> timedelta:
        return timedelta(hours=self.cancellation_window_hours)

    @property
    def pass_validity(self) -> timedelta:
        return timedelta(days=self.pass_validity_days)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Domain(DomainMixin):
    """A host name that serves a school (its subdomain, or the school's own domain)."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self):
        return self.domain
