"""Forms of the lesson pages: cancel, mark, book another time, freeze, the manager's choice of person."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.models import User
from tenant_apps.scheduling.services import BY_TEACHER, IN_TIME, LATE


class CancelForm(forms.Form):
    """What the confirmation page said would happen; the view refuses if it no longer holds."""

    expected = forms.ChoiceField(choices=[(IN_TIME, IN_TIME), (LATE, LATE), (BY_TEACHER, BY_TEACHER)],
                                 widget=forms.HiddenInput)


class MarkForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            ("held", _("Held")),
            ("no_show", _("The student did not come")),
            ("cancelled_by_teacher", _("I cancelled it")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What you covered, or why the lesson did not take place."))


class BookForm(forms.Form):
    """One of the offered start times (the service checks it again: hours, credit, overlaps)."""

    starts_at = forms.DateTimeField(label=_("Time"), error_messages={"required": _("Choose a time.")})


class FreezeForm(forms.Form):
    lesson_pass = forms.ModelChoiceField(label=_("Pass"), queryset=None, empty_label=None)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("The week off starts at midnight of this day, in your time zone."))

    def __init__(self, *args, passes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson_pass"].queryset = passes
        self.fields["lesson_pass"].label_from_instance = lambda p: f"{p.enrollment.language.display_name} · {p.product}"
        if not self.is_bound:
            self.fields["starts_on"].initial = timezone.localdate() + timedelta(days=1)

    def clean(self):
        cleaned = super().clean()
        lesson_pass, starts_on = cleaned.get("lesson_pass"), cleaned.get("starts_on")
        if starts_on is None:
            return cleaned
        if starts_on < timezone.localdate():
            self.add_error("starts_on", _("Choose today or a later day."))
        elif lesson_pass is not None and _local_midnight(starts_on) >= lesson_pass.valid_until:
            ends = formats.date_format(timezone.localtime(lesson_pass.valid_until), "DATETIME_FORMAT")
            self.add_error("starts_on", _("Your pass ends on %(date)s: a freeze starts before that.") % {"date": ends})
        return cleaned

    def starts_at(self, now: datetime) -> datetime:
        """Local midnight of the chosen day; today means from now."""
        return max(_local_midnight(self.cleaned_data["starts_on"]), now)


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class PersonLessonsForm(forms.Form):
    """The manager picks a teacher or a student (GET)."""

    teacher = forms.ModelChoiceField(label=_("Teacher"), queryset=None, required=False,
                                     empty_label=_("— choose a teacher —"))
    student = forms.ModelChoiceField(label=_("Student"), queryset=None, required=False,
                                     empty_label=_("— choose a student —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = User.objects.filter(is_teacher=True).order_by("full_name", "email")
        self.fields["student"].queryset = User.objects.filter(is_student=True).order_by("full_name", "email")
