from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.scheduling.ical import feed_token
from tenant_apps.scheduling.models import (
    CalendarFeed,
    ExtraHours,
    Freeze,
    Lesson,
    PlanSlot,
    RescheduleProposal,
    TimeOff,
    WeeklyPlan,
    WorkingHours,
)
from tenant_apps.scheduling.reschedule import lesson_move


@admin.register(WorkingHours, site=school_admin_site)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["teacher", "weekday", "starts", "ends", "time_zone"]
    list_filter = ["weekday", "time_zone"]
    search_fields = ["teacher__email", "teacher__full_name"]
    raw_id_fields = ["teacher"]


@admin.register(TimeOff, site=school_admin_site)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["teacher", "starts_at", "ends_at", "reason"]
    search_fields = ["teacher__email", "teacher__full_name", "reason"]
    raw_id_fields = ["teacher"]


@admin.register(ExtraHours, site=school_admin_site)
class ExtraHoursAdmin(admin.ModelAdmin):
    list_display = ["teacher", "starts_at", "ends_at"]
    search_fields = ["teacher__email", "teacher__full_name"]
    raw_id_fields = ["teacher"]


class PlanSlotInline(admin.TabularInline):
    model = PlanSlot
    extra = 1


@admin.register(WeeklyPlan, site=school_admin_site)
class WeeklyPlanAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "time_zone", "lesson_minutes", "is_active"]
    list_filter = ["is_active", "time_zone"]
    search_fields = ["enrollment__student__email", "enrollment__student__full_name", "enrollment__teacher__email"]
    raw_id_fields = ["enrollment", "agreed_by"]
    inlines = [PlanSlotInline]


@admin.register(PlanSlot, site=school_admin_site)
class PlanSlotAdmin(admin.ModelAdmin):
    list_display = ["plan", "weekday", "starts"]
    list_filter = ["weekday"]
    search_fields = ["plan__enrollment__student__email"]
    raw_id_fields = ["plan"]


class LessonMoveForm(forms.ModelForm):
    """Only the time changes here, through `lesson_move`: the calendar's rules, both sides told."""

    class Meta:
        model = Lesson
        fields = ["starts_at"]
        labels = {"starts_at": _("Move to")}

    def clean(self):
        cleaned = super().clean()
        starts_at, lesson = cleaned.get("starts_at"), self.instance
        self.move_to = None
        # The form shows whole seconds: a time within a second of the current one is no move.
        if starts_at is None or abs(starts_at - Lesson.objects.get(pk=lesson.pk).starts_at) < timedelta(seconds=1):
            return cleaned
        # The service's checks, as a dry run: the real move happens in save_model, under its locks.
        try:
            with transaction.atomic():
                lesson_move(lesson=lesson, starts_at=starts_at, by=self.moved_by)
                raise _DryRun
        except _DryRun:  # the move would succeed
            self.move_to = starts_at
        except ValidationError as error:
            self.add_error("starts_at", error)
        return cleaned


class _DryRun(Exception):
    pass


@admin.register(Lesson, site=school_admin_site)
class LessonAdmin(admin.ModelAdmin):
    """Lessons are booked, cancelled and marked on the school's pages (credits move with them). Here a
    lesson not started yet can be moved, through the same service as the calendar."""

    list_display = ["starts_at", "student", "teacher", "status", "needs_attention"]
    list_filter = ["status", "enrollment__language"]
    search_fields = ["student__email", "student__full_name", "teacher__email", "teacher__full_name", "note"]
    list_select_related = ["student", "teacher"]
    raw_id_fields = ["enrollment", "teacher", "student", "lesson_pass", "plan", "marked_by", "cancelled_by"]
    date_hierarchy = "starts_at"
    form = LessonMoveForm

    def has_add_permission(self, request):
        return False  # a lesson takes a credit: book it through the schedule so the ledger follows

    def _movable(self, obj) -> bool:
        return obj is not None and obj.status == Lesson.Status.SCHEDULED and obj.starts_at > timezone.now()

    def get_readonly_fields(self, request, obj=None):
        names = [field.name for field in Lesson._meta.fields if field.name != "id"]
        return [name for name in names if not (name == "starts_at" and self._movable(obj))]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.moved_by = request.user
        return form

    def save_model(self, request, obj, form, change):
        if getattr(form, "move_to", None) is not None:
            lesson_move(lesson=Lesson.objects.get(pk=obj.pk), starts_at=form.move_to, by=request.user)

    def save_related(self, request, form, formsets, change):
        pass  # nothing else of a lesson is edited here


@admin.register(Freeze, site=school_admin_site)
class FreezeAdmin(admin.ModelAdmin):
    list_display = ["lesson_pass", "starts_at", "ends_at", "created_by"]
    search_fields = ["lesson_pass__enrollment__student__email"]
    raw_id_fields = ["lesson_pass", "created_by"]

    def has_add_permission(self, request):
        return False  # freezing cancels lessons and moves the pass end: the student's page does it


@admin.register(RescheduleProposal, site=school_admin_site)
class RescheduleProposalAdmin(admin.ModelAdmin):
    """Proposals are answered on the lessons pages (the lesson and its credit move together); here they are read."""

    list_display = ["lesson", "starts_at", "status", "proposed_by", "expires_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["lesson__student__email", "lesson__student__full_name", "lesson__teacher__email",
                     "lesson__teacher__full_name", "message"]
    list_select_related = ["lesson__student", "lesson__teacher", "proposed_by", "decided_by"]
    raw_id_fields = ["lesson", "proposed_by", "decided_by", "booked_lesson"]
    date_hierarchy = "starts_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed, site=school_admin_site)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Deleting a feed revokes it; a new one gets a fresh secret token (never typed by hand)."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    exclude = ["token"]

    def save_model(self, request, obj, form, change):
        if not obj.token:
            obj.token = feed_token()
        super().save_model(request, obj, form, change)
