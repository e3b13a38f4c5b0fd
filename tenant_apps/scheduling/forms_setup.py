"""Forms of the setup pages: a teacher's hours, days off and extra hours; an enrollment's weekly plan.

Wall-clock fields (a weekday and a time, a date) are read in a named zone that the view passes
in; the forms turn them into instants where the model stores instants (days off, extra hours).
"""

import zoneinfo
from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import TIME_ZONE_CHOICES
from tenant_apps.scheduling.models import Weekday
from tenant_apps.scheduling.timeslots import local_instant

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
END_AFTER_START = _("The end must be after the start.")


def _window(starts: time, ends: time) -> str:
    return f"{starts:%H:%M}–{ends:%H:%M}"


# Teacher's hours ------------------------------------------------------------------------------
class HoursZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone of your hours"), choices=TIME_ZONE_CHOICES,
        help_text=_("Your weekly hours are wall-clock times in this zone; they stay put when its clocks change."),
    )

    def __init__(self, *args, **kwargs):
        # Four forms share the hours page: each gets ids of its own (the field names stay plain).
        super().__init__(*args, auto_id="id_zone_%s", **kwargs)


class WorkingHoursForm(forms.Form):
    """One weekly window; `existing` are the teacher's windows, to refuse an overlap on the same weekday."""

    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    starts = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    ends = forms.TimeField(label=_("Until"), widget=TIME_INPUT, help_text=_("At the latest 23:59."))

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, auto_id="id_hours_%s", **kwargs)
        self.existing = list(existing)

    def clean(self):
        cleaned = super().clean()
        weekday, starts, ends = cleaned.get("weekday"), cleaned.get("starts"), cleaned.get("ends")
        if weekday is None or starts is None or ends is None:
            return cleaned
        if ends <= starts:
            self.add_error("ends", END_AFTER_START)
            return cleaned
        for window in self.existing:
            if window.weekday == weekday and window.starts < ends and starts < window.ends:
                raise ValidationError(
                    _("This overlaps your %(weekday)s window %(window)s. Change or remove that one first."),
                    code="overlap",
                    params={"weekday": Weekday(weekday).label, "window": _window(window.starts, window.ends)},
                )
        return cleaned


class TimeOffForm(forms.Form):
    """Whole days off in the teacher's zone: from the first day's midnight to the day after the last."""

    first_day = forms.DateField(label=_("First day off"), widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day off"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, today, **kwargs):
        super().__init__(*args, auto_id="id_off_%s", **kwargs)
        self.zone, self.today = zone, today

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first is None or last is None:
            return cleaned
        if last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        elif last < self.today:
            self.add_error("last_day", _("These days are over: days off in the past change nothing."))
        else:
            # Midnight exists in every zone we know of on every day except a few historical ones; the
            # conversion goes through `datetime.combine` so that such a day still gets an instant.
            cleaned["starts_at"] = datetime.combine(first, time(0), tzinfo=self.zone)
            cleaned["ends_at"] = datetime.combine(last + timedelta(days=1), time(0), tzinfo=self.zone)
        return cleaned


class ExtraHoursForm(forms.Form):
    """One-off extra time on one day, in the teacher's zone."""

    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    starts = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    ends = forms.TimeField(label=_("Until"), widget=TIME_INPUT)

    def __init__(self, *args, zone: zoneinfo.ZoneInfo, today, **kwargs):
        super().__init__(*args, auto_id="id_extra_%s", **kwargs)
        self.zone, self.today = zone, today

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day is None or starts is None or ends is None:
            return cleaned
        if ends <= starts:
            self.add_error("ends", END_AFTER_START)
            return cleaned
        if day < self.today:
            self.add_error("day", _("This day is over."))
            return cleaned
        starts_at, ends_at = local_instant(day, starts, self.zone), local_instant(day, ends, self.zone)
        if starts_at is None or ends_at is None:
            raise ValidationError(
                _("On that day the clocks go forward in %(zone)s: this time does not exist. Choose another."),
                code="dst_gap", params={"zone": self.zone.key},
            )
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned


# Weekly plan ----------------------------------------------------------------------------------
class PlanSlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "—"), *Weekday.choices], coerce=int, empty_value=None, required=False
    )
    starts = forms.TimeField(label=_("Time"), widget=TIME_INPUT, required=False)

    def clean(self):
        cleaned = super().clean()
        weekday, starts = cleaned.get("weekday"), cleaned.get("starts")
        if (weekday is None) != (starts is None) and not self.has_error("starts"):
            raise ValidationError(_("Give both the weekday and the time, or leave both empty."), code="half_slot")
        return cleaned


PlanSlotFormSet = forms.formset_factory(PlanSlotForm, extra=2, max_num=14, absolute_max=14, validate_max=True)


class WeeklyPlanForm(forms.Form):
    """The plan's zone and lesson length, with its weekly times in `self.slots` (a formset).

    Validated together: two weekly times of one plan must not overlap at the plan's lesson length.
    """

    time_zone = forms.ChoiceField(
        label=_("Time zone of the plan"), choices=TIME_ZONE_CHOICES,
        help_text=_("The weekly times are wall-clock times here; they stay the same when its clocks change."),
    )
    lesson_minutes = forms.IntegerField(label=_("Lesson length, minutes"), min_value=15, max_value=240)
    book_now = forms.BooleanField(label=_("Book now into the current pass"), required=False)

    def __init__(self, data=None, *, slots_initial=(), **kwargs):
        super().__init__(data, **kwargs)
        # Initial times only on an unbound form: bound, a row equal to its initial would count as
        # unchanged and, being an extra row when the browser sent no INITIAL_FORMS, be skipped.
        self.slots = PlanSlotFormSet(data, initial=None if data is not None else list(slots_initial), prefix="slots")

    def clean(self):
        cleaned = super().clean()
        if not self.slots.is_valid():
            raise ValidationError(_("Check the weekly times below."), code="slots")
        chosen = sorted({
            (form.cleaned_data["weekday"], form.cleaned_data["starts"])
            for form in self.slots.forms
            if form.cleaned_data.get("weekday") is not None  # an emptied row is a removed time
        })
        if not chosen:
            raise ValidationError(_("Add at least one weekly time."), code="no_slots")
        minutes = cleaned.get("lesson_minutes")
        if minutes is not None:
            self._refuse_overlaps(chosen, minutes)
        cleaned["slot_list"] = chosen
        return cleaned

    @staticmethod
    def _refuse_overlaps(chosen, minutes):
        # Minutes from Monday 00:00, wrapping the week: Sunday 23:30 + 60 min reaches Monday 00:30.
        week = 7 * 24 * 60
        starts = [weekday * 24 * 60 + at.hour * 60 + at.minute for weekday, at in chosen]
        for i, first in enumerate(starts):
            for second in starts[i + 1:]:
                if min((second - first) % week, (first - second) % week) < minutes:
                    raise ValidationError(
                        _("Two weekly times are closer together than one lesson (%(minutes)s min)."),
                        code="slot_overlap", params={"minutes": minutes},
                    )
