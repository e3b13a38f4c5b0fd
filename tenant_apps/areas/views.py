"""Each role's home and sections. Thin views: access helper → selector/service → template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.accounts.models import Role, User
from tenant_apps.areas.navigation import AREA_TITLES, find_section, navigation
from tenant_apps.areas.permissions import (
    manager_required,
    role_required,
    student_required,
    teacher_required,
)
from tenant_apps.learning.selectors import enrollments_for_student, enrollments_for_teacher

AREA_URLS = {
    Role.STUDENT: "areas:student",
    Role.TEACHER: "areas:teacher",
    Role.METHODOLOGIST: "areas:methodologist",
    Role.MANAGER: "areas:manager",
}


def _render(request, role, slug, template, context=None, status=200):
    context = {"area_role": role, "navigation": navigation(role), "current_section": slug, **(context or {})}
    context["area_title"] = AREA_TITLES[role]
    return render(request, template, context, status=status)


@login_required
def me(request):
    """Where a login lands: the area of the person's first role."""
    roles = request.user.roles
    if not roles:
        return render(request, "areas/no_role.html")
    # A student who is also staff lands where the work is: staff roles come first.
    return redirect(AREA_URLS[roles[0]])


def coming_soon(request, role, slug):
    section = find_section(role, slug)
    if section is None or section.ready:
        raise Http404
    return _render(request, role, slug, "areas/coming_soon.html", {"section": section})


# Student ---------------------------------------------------------------------------------
@student_required
def student_dashboard(request):
    from tenant_apps.areas.selectors import student_home
    from tenant_apps.website.selectors import next_steps_for_student

    now = timezone.now()
    context = {
        "home": student_home(request.user, now=now),
        "next_step": next_steps_for_student(request.user, now=now),
        "enrollments": list(enrollments_for_student(request.user)),
        "now": now,
    }
    return _render(request, Role.STUDENT, "dashboard", "areas/student_dashboard.html", context)


@student_required
def student_section(request, slug):
    return coming_soon(request, Role.STUDENT, slug)


# Teacher ---------------------------------------------------------------------------------
@teacher_required
def teacher_dashboard(request):
    from tenant_apps.areas.selectors import teacher_home

    context = {"home": teacher_home(request.user), "students": enrollments_for_teacher(request.user).count()}
    return _render(request, Role.TEACHER, "dashboard", "areas/teacher_dashboard.html", context)


@teacher_required
def teacher_students(request):
    from tenant_apps.scheduling.selectors import with_next_lesson_and_pass_balance

    enrollments = with_next_lesson_and_pass_balance(enrollments_for_teacher(request.user), now=timezone.now())
    return _render(request, Role.TEACHER, "students", "areas/teacher_students.html", {"enrollments": enrollments})


@teacher_required
def teacher_section(request, slug):
    return coming_soon(request, Role.TEACHER, slug)


# Manager ---------------------------------------------------------------------------------
@manager_required
def manager_overview(request):
    from tenant_apps.learning.models import Enrollment

    people = User.objects.filter(is_active=True).aggregate(
        students=Count("pk", filter=Q(is_student=True)),
        teachers=Count("pk", filter=Q(is_teacher=True)),
        methodologists=Count("pk", filter=Q(is_methodologist=True)),
        managers=Count("pk", filter=Q(is_manager=True)),
    )
    enrollments = Enrollment.objects.filter(is_active=True).aggregate(
        active=Count("pk"), without_teacher=Count("pk", filter=Q(teacher__isnull=True))
    )
    return _render(
        request, Role.MANAGER, "overview", "areas/manager_overview.html", {"people": people, "enrollments": enrollments}
    )


@manager_required
def manager_students(request):
    from tenant_apps.learning.models import Enrollment

    enrollments = Enrollment.objects.filter(is_active=True).select_related("language", "teacher", "level")
    students = (
        User.objects.filter(is_student=True)
        .prefetch_related(Prefetch("enrollments", queryset=enrollments))
        .order_by("full_name", "email")
    )
    return _render(request, Role.MANAGER, "students", "areas/manager_students.html", {"students": students})


@manager_required
def manager_settings(request):
    from tenant_apps.areas.forms import SchoolSettingsForm
    from tenant_apps.notifications import telegram

    form = SchoolSettingsForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        school = form.save(commit=False)
        try:
            with transaction.atomic():
                if "telegram_bot_token" in form.changed_data:
                    # Telegram is asked first: a token it refuses saves nothing at all.
                    telegram.school_bot_change(school=school, previous_token=form.initial["telegram_bot_token"])
                # Only this form's fields: the cached School may be older than the row.
                school.save(update_fields=list(form.fields))
        except telegram.BotTokenRefused as refusal:
            form.add_error("telegram_bot_token", str(refusal))
        else:
            messages.success(request, _("School settings saved."))
            return redirect("areas:manager_settings")
    status = 422 if request.method == "POST" else 200
    return _render(request, Role.MANAGER, "settings", "areas/manager_settings.html", {"form": form}, status=status)


__all__ = ["role_required"]


# Staff and invitations -------------------------------------------------------------------
@manager_required
def manager_staff(request):
    from tenant_apps.accounts.models import Invitation
    from tenant_apps.accounts.services import invitation_create
    from tenant_apps.areas.forms import InviteForm

    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation_create(
            email=data["email"], full_name=data["full_name"], by=request.user,
            as_teacher=data["as_teacher"], as_methodologist=data["as_methodologist"], as_manager=data["as_manager"],
            invite_url_builder=lambda token: request.build_absolute_uri(
                reverse("accounts:invitation", args=[token])
            ),
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
        return redirect("areas:manager_staff")
    staff = User.objects.filter(Q(is_teacher=True) | Q(is_methodologist=True) | Q(is_manager=True)).order_by(
        "full_name", "email"
    )
    pending = Invitation.objects.filter(accepted_at__isnull=True).select_related("invited_by")
    context = {"form": form, "staff": staff, "pending": pending}
    status = 422 if request.method == "POST" else 200
    return _render(request, Role.MANAGER, "staff", "areas/manager_staff.html", context, status=status)


# Profile ---------------------------------------------------------------------------------
@login_required
def profile(request):
    from tenant_apps.areas.forms import ProfileForm, TeacherProfileForm
    from tenant_apps.learning.models import TeacherProfile

    user = request.user
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ProfileForm(data, files, instance=user, prefix="profile")
    teacher_form = None
    if user.is_teacher:
        teacher_profile, _created = TeacherProfile.objects.get_or_create(user=user)
        teacher_form = TeacherProfileForm(data, files, instance=teacher_profile, prefix="teaching")
    if request.method == "POST" and form.is_valid() and (teacher_form is None or teacher_form.is_valid()):
        form.save()
        if teacher_form is not None:
            teacher_form.save()
        messages.success(request, _("Profile saved."))
        return redirect("areas:profile")
    status = 422 if request.method == "POST" else 200
    return render(request, "areas/profile.html", {"form": form, "teacher_form": teacher_form}, status=status)
