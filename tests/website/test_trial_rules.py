"""The trial rules underneath the pages: free times across a clock change, races, uploads per school."""

import threading
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import teacher_profile_update
from tenant_apps.scheduling.models import Lesson, WorkingHours
from tenant_apps.scheduling.trials import TRIAL_NOTICE, methodologist_free_slots
from tenant_apps.website.models import TrialBooking
from tenant_apps.website.services import trial_book

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_free_times_keep_the_methodologists_wall_clock_across_the_spring_change(alpha):
    WorkingHours.objects.create(teacher=alpha.methodologist, weekday=0, starts=time(9), ends=time(10),
                                time_zone="Europe/London")
    # Friday 27 March 2026; the clocks go forward on Sunday the 29th.
    now = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)

    free = list(methodologist_free_slots(now=now, days=10))

    assert [instant.astimezone(LONDON).strftime("%a %d %H:%M") for instant in free] == [
        "Mon 30 09:00", "Mon 30 09:30", "Mon 06 09:00", "Mon 06 09:30"]
    assert free[0] == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST


def test_free_times_leave_out_lessons_days_off_and_the_notice(alpha, methodologist_hours):
    now = datetime(2026, 1, 12, 6, 30, tzinfo=UTC)  # Monday 09:30 in Moscow
    free = methodologist_free_slots(now=now, days=1)

    assert min(free) >= now + TRIAL_NOTICE
    assert free[datetime(2026, 1, 12, 9, 0, tzinfo=UTC)] == [alpha.methodologist.pk]


def test_two_visitors_racing_for_one_slot_get_one_booking(committed_cast):
    """Two requests commit at once: the exclusion constraint lets exactly one trial through."""
    alpha = committed_cast.a
    schema = alpha.school.schema_name
    with schema_context(schema):
        hours = [WorkingHours.objects.create(teacher=alpha.methodologist, weekday=day, starts=time(9), ends=time(18),
                                             time_zone="Europe/Moscow") for day in range(7)]
        slot = next(s for s in methodologist_free_slots() if s > datetime.now(UTC) + timedelta(days=2))
        english = Language.objects.get(code="en")
    barrier = threading.Barrier(2)
    outcomes = []

    def book(n):
        try:
            with schema_context(schema):
                barrier.wait()
                trial_book(language=english, starts_at=slot, goal="g", preferred_times=[], time_zone="UTC",
                           email=f"racer{n}@example.com", full_name=f"Racer {n}")
                outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.code if hasattr(error, "code") else "error")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with schema_context(schema):
            assert sorted(outcomes) == ["booked", "taken"]
            assert Lesson.objects.filter(kind="trial", starts_at=slot).count() == 1
            assert User.objects.filter(email__startswith="racer").count() == 1  # the loser left no account
    finally:
        from tenant_apps.learning.models import Enrollment
        from tenant_apps.notifications.models import Notification

        with schema_context(schema):
            racers = User.objects.filter(email__startswith="racer")
            Notification.objects.filter(recipient__in=[*racers, alpha.methodologist]).delete()
            TrialBooking.objects.filter(student__in=racers).delete()
            Lesson.objects.filter(student__in=racers).delete()
            Enrollment.objects.filter(student__in=racers).delete()
            racers.delete()
            WorkingHours.objects.filter(pk__in=[h.pk for h in hours]).delete()
        connection.set_schema_to_public()


def test_an_uploaded_intro_video_is_stored_under_the_school_and_played_on_the_home_page(alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    english = Language.objects.get(code="en")
    video = SimpleUploadedFile("hello.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    profile = teacher_profile_update(teacher=alpha.teacher, languages=[english], intro_video=video)

    page = Client(HTTP_HOST=alpha.host).get("/").content.decode()

    assert (tmp_path / "alpha" / profile.intro_video.name).exists()
    assert f'<video class="site-video" controls preload="none" src="/media/{profile.intro_video.name}"' in page
    served = Client(HTTP_HOST=alpha.host).get(f"/media/{profile.intro_video.name}")
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"


def test_the_booking_page_reads_a_fixed_number_of_queries(alpha, methodologist_hours, django_assert_max_num_queries):
    from tenant_apps.accounts.services import user_create

    for n in range(4):
        other = user_create(email=f"m{n}@alpha.test", password=None, full_name=f"M{n}", is_methodologist=True)
        for day in range(7):
            WorkingHours.objects.create(teacher=other, weekday=day, starts=time(9), ends=time(18),
                                        time_zone="Asia/Shanghai")
    client = Client(HTTP_HOST=alpha.host)

    with django_assert_max_num_queries(10):
        response = client.get("/trial/")

    assert response.status_code == 200
