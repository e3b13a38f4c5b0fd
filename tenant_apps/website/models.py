"""The school's public site (texts, branding, reviews) and the trial-lesson funnel's records.

Every public page is cached per school (see `cache.py`); saving any of these rows bumps the
school's site version, so the next visitor sees the change and other schools' pages stay cached.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import TIME_ZONE_CHOICES

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #0f766e."))


class SiteProfile(models.Model):
    """The school's own look and words on its public pages. One row per school (pk 1)."""

    tagline = models.CharField(
        _("headline"), max_length=160, blank=True,
        help_text=_("The big line on the home page. Empty: a line about one-to-one lessons."),
    )
    meta_description = models.CharField(
        _("description for search engines"), max_length=300, blank=True,
        help_text=_("Shown under the school's name in search results."),
    )
    logo = models.ImageField(_("logo"), upload_to="website/", blank=True)
    primary_colour = models.CharField(_("main colour"), max_length=7, default="#0f766e", validators=[COLOUR])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#b45309", validators=[COLOUR])
    about = models.TextField(_("about the school"), blank=True)
    free_lessons = models.TextField(
        _("free lessons"), blank=True,
        help_text=_("What the school gives for free: the intro lesson, promo codes, friends' referrals."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_telegram = models.CharField(_("Telegram"), max_length=64, blank=True, help_text=_("E.g. @pandaschool"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))


class Review(models.Model):
    """A student's testimonial on the home page."""

    author = models.CharField(_("author"), max_length=120)
    about = models.CharField(
        _("who they are"), max_length=160, blank=True, help_text=_("E.g. IELTS 7.0, a year with Anna")
    )
    text = models.TextField(_("review"))
    rating = models.PositiveSmallIntegerField(
        _("rating"), default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower comes first."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["position", "-created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="website_review_rating_1_5")
        ]

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"


class TrialBooking(models.Model):
    """A booked free intro lesson and what the visitor told us; later, what came of it.

    The lesson itself is scheduling's `Lesson(kind="trial")`, held by a methodologist. Preferred
    times are weekly wall-clock times in the visitor's zone: `[[weekday, "HH:MM"], ...]`.
    """

    class Outcome(models.TextChoices):
        BOOKED = "booked", _("booked")
        HELD = "held", _("held")
        NO_SHOW = "no_show", _("student did not come")
        CANCELLED = "cancelled", _("cancelled")

    lesson = models.OneToOneField(
        "scheduling.Lesson", on_delete=models.PROTECT, related_name="trial_booking", verbose_name=_("lesson")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trial_bookings", verbose_name=_("student")
    )
    methodologist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trials_held", verbose_name=_("methodologist")
    )
    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.PROTECT, related_name="trial_bookings", verbose_name=_("enrollment")
    )
    language = models.ForeignKey(
        "learning.Language", on_delete=models.PROTECT, related_name="trial_bookings", verbose_name=_("language")
    )
    goal = models.CharField(_("goal"), max_length=255, blank=True)
    preferred_times = models.JSONField(_("preferred weekly times"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.BOOKED)
    notes = models.TextField(_("methodologist's notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        verbose_name = _("trial booking")
        verbose_name_plural = _("trial bookings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="website_trial_created_idx")]

    def __str__(self):
        return f"{self.student} · {self.language} · {self.lesson.starts_at:%Y-%m-%d %H:%M}"
