"""Forms of the public site and of the funnel's staff pages."""

from datetime import datetime, time

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import TIME_ZONE_CHOICES
from tenant_apps.learning.models import Language, Level
from tenant_apps.scheduling.models import Weekday
from tenant_apps.website.models import TrialBooking

# The grid of preferred weekly times the visitor ticks: every weekday at these hours.
PREFERRED_HOURS = [time(8), time(10), time(12), time(14), time(16), time(18), time(19), time(20), time(21)]


def preferred_value(weekday: int, at: time) -> str:
    return f"{weekday}-{at:%H:%M}"


def parse_preferred(value: str) -> tuple[int, time]:
    weekday, at = value.split("-")
    return int(weekday), time.fromisoformat(at)


class TrialBookingForm(forms.Form):
    """What the visitor (or a signed-in student, without the contact fields) tells us."""

    language = forms.ModelChoiceField(
        label=_("Language"), queryset=Language.objects.filter(is_active=True), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": _("Choose the language you want to learn.")},
    )
    goal = forms.CharField(
        label=_("Your goal"), max_length=255,
        help_text=_("E.g. speak at work, pass IELTS, travel."),
        error_messages={"required": _("Tell us your goal in a few words.")},
    )
    preferred = forms.MultipleChoiceField(
        label=_("When could you study every week?"), widget=forms.CheckboxSelectMultiple,
        choices=[
            (preferred_value(day, at), f"{label} {at:%H:%M}")
            for day, label in Weekday.choices
            for at in PREFERRED_HOURS
        ],
        error_messages={"required": _("Tick at least one time that suits you every week.")},
    )
    starts_at = forms.CharField(
        label=_("Time of the trial lesson"), widget=forms.HiddenInput,
        error_messages={"required": _("Choose a time for the trial lesson.")},
    )
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), error_messages={"invalid": _("Enter a valid email address, e.g. name@example.com.")}
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, widget=forms.HiddenInput)
    # The honeypot: hidden from people (CSS and aria-hidden), filled by bots that fill everything.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            for name in ("full_name", "email", "phone"):
                del self.fields[name]
        # A radio per time: the template lays them out by day, so the field itself needs no widget.
        self.fields["starts_at"].widget = forms.HiddenInput()

    def clean_starts_at(self) -> datetime:
        value = parse_datetime(self.cleaned_data["starts_at"])
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(_("Choose a time for the trial lesson."), code="invalid")
        return value

    def clean_preferred(self) -> list[tuple[int, time]]:
        return [parse_preferred(value) for value in self.cleaned_data["preferred"]]

    @property
    def bot(self) -> bool:
        return bool(self.data.get("website"))


class TrialResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"), widget=forms.RadioSelect,
        choices=[(TrialBooking.Outcome.HELD, _("The trial was held")),
                 (TrialBooking.Outcome.NO_SHOW, _("The student did not come"))],
    )
    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.none(), required=False)
    goal = forms.CharField(label=_("Goal"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.filter(language=language).order_by("position")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == TrialBooking.Outcome.HELD and cleaned.get("level") is None:
            self.add_error("level", _("Choose the level the trial showed."))
        return cleaned


class TrialMoveForm(forms.Form):
    """A new time for a trial, in the viewer's time zone (the service checks the methodologist's hours)."""

    starts_at = forms.DateTimeField(
        label=_("New time"), input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Choose a time."), "invalid": _("Enter a date and a time.")},
    )


class TeacherFilterForm(forms.Form):
    """The filters above the ranked teacher list (GET)."""

    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.none(), required=False)
    native_only = forms.BooleanField(label=_("Native speakers only"), required=False)

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.filter(language=language).order_by("position")
