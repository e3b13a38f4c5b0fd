"""Classroom: time from both sides opening the lesson room to the first decoded video frame on both.

Two Chromium contexts (the teacher's and the student's) with Chromium's fake camera and microphone
open one lesson's room on a real Daphne (production-like settings, static files from WhiteNoise,
Redis pub/sub channel layer). They come back to a room they had joined (as after a reload), so no
click is in the way: the page opens the devices, connects the room's socket, learns that the other
side is in the call and negotiates. Timed from just before the first of the two navigations until
both pages' newest RTCPeerConnection reports `framesDecoded >= 1` for video (`getStats()`, polled
every 10 ms); "connected" (both `connectionState == "connected"`) is reported too. One untimed
warm-up, then RUNS timed runs, each with two fresh browser contexts.

All media stays on loopback: the browser runs in a network namespace with only `lo`
(tests/classroom/netns.py) and drops every non-127.0.0.1 ICE candidate.

Self-contained: it makes its own database (panda_bench_classroom) and drops it at the end, and uses
Redis db 4 (must be empty at the start; flushed at the end). Run from the project root:

    .venv/bin/python -m bench.classroom_first_frame

Prints markdown table rows on stdout; progress goes to stderr.
"""

import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from bench import harness
from tests.classroom.netns import loopback_chromium
from tests.classroom.webrtc import CALL_STATS, LOOPBACK_ONLY, MEDIA_ARGS
from tests.e2e.conftest import CHROMIUM_ARGS, _free_port, _wait_for_port

BENCH_DB = "panda_bench_classroom"
REDIS_URL = "redis://127.0.0.1:6379/4"
RUNS = 10
TIMEOUT = 30

harness.configure(database=BENCH_DB, redis_url=REDIS_URL)
log, row, ms = harness.log, harness.row, harness.ms


def make_lesson():
    """A school, its teacher and student, and a lesson that started 5 minutes ago; their session keys."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.tenants.services import school_create
    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.models import Language
    from tenant_apps.learning.services import enrollment_create
    from tenant_apps.scheduling.models import Lesson

    new = school_create(name="Room bench", subdomain="roombench", time_zone="Europe/Moscow", currency="RUB",
                        owner_name="Bench Manager", owner_email="manager@roombench.test",
                        owner_password="bench-password-1", default_language="en")
    school = new.school
    with schema_context(school.schema_name):
        teacher = user_create(email="teacher@roombench.test", password=None, full_name="Tess Teacher", is_teacher=True)
        student = user_create(email="student@roombench.test", password=None, full_name="Stan Student", is_student=True)
        enrollment = enrollment_create(student=student, language=Language.objects.get(code="en"), teacher=teacher,
                                       by=None)
        now = timezone.now()
        lesson = Lesson.objects.create(enrollment=enrollment, teacher=teacher, student=student,
                                       starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=55))
        keys = []
        for user in (teacher, student):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            keys.append(session.session_key)
    return school.domains.get().domain, lesson.pk, keys


# Milestones of the page opened second (the student's), in ms from its navigation start: the page's
# own marks (static/src/js/classroom/room.js) and the navigation's timing.
MILESTONES = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const out = {"html received": nav.responseEnd, "DOMContentLoaded": nav.domContentLoadedEventEnd};
  for (const m of performance.getEntriesByType("mark")) if (m.name.startsWith("room:")) out[m.name] = m.startTime;
  return out;
}
"""
MILESTONE_RUNS: list[dict] = []
DIAGNOSIS = """
() => ({
  pcs: window.__pcs.map((pc) => [pc.connectionState, pc.iceConnectionState, pc.signalingState]),
  state: document.querySelector("[data-call-state]").dataset.callState,
  presence: document.querySelector("[data-presence-text]").textContent,
  marks: performance.getEntriesByType("mark").map((m) => `${m.name} ${Math.round(m.startTime)}`),
})
"""


def one_run(browser, base: str, lesson_id: int, keys: list[str]) -> tuple[float, float]:
    rejoin = f'sessionStorage.setItem("panda.room.{lesson_id}", JSON.stringify({{joined: true}}));'
    contexts, pages = [], []
    for key in keys:
        context = browser.new_context(locale="en-US")
        context.add_cookies([{"name": "sessionid", "value": key, "url": base + "/"}])
        context.add_init_script(LOOPBACK_ONLY)
        context.add_init_script(rejoin)
        contexts.append(context)
        pages.append(context.new_page())
    try:
        started = time.perf_counter()
        for page in pages:
            page.goto(f"{base}/lessons/{lesson_id}/room/", wait_until="commit")
        connected_at = framed_at = None
        diagnosed = False
        while framed_at is None:
            if time.perf_counter() - started > TIMEOUT:
                raise RuntimeError(f"no frame in time: {[page.evaluate(DIAGNOSIS) for page in pages]}")
            if not diagnosed and time.perf_counter() - started > 6:
                diagnosed = True  # a slow run: say what each page's connections were doing
                log(f"slow run, at 6 s: {[page.evaluate(DIAGNOSIS) for page in pages]}")
            stats = [page.evaluate(CALL_STATS) for page in pages]
            if connected_at is None and all(s and s["state"] == "connected" for s in stats):
                connected_at = time.perf_counter()
            if all(s and s["frames"] >= 1 for s in stats):
                framed_at = time.perf_counter()
                connected_at = connected_at or framed_at
            time.sleep(0.01)
        milestones = pages[-1].evaluate(MILESTONES)
        milestones["first frame (polled)"] = pages[-1].evaluate("performance.now()")
        MILESTONE_RUNS.append(milestones)
        return framed_at - started, connected_at - started
    finally:
        for context in contexts:
            context.close()
        time.sleep(0.5)  # the server sees both leave before the next pair arrives


def main() -> None:
    from playwright.sync_api import sync_playwright

    harness.redis_check_empty()
    harness.database_recreate()
    daphne = None
    try:
        harness.django_setup()
        host, lesson_id, keys = make_lesson()
        port = _free_port()
        env = {**harness.bench_env(), "DJANGO_SETTINGS_MODULE": "bench.classroom_settings"}
        daphne = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=harness.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(port, daphne)
        base = f"http://{host}:{port}"
        frames, connects = [], []
        with loopback_chromium(port) as launcher, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=launcher, args=CHROMIUM_ARGS + MEDIA_ARGS)
            one_run(browser, base, lesson_id, keys)  # warm-up: caches, the first import of everything
            MILESTONE_RUNS.clear()
            for run in range(RUNS):
                frame, connect = one_run(browser, base, lesson_id, keys)
                log(f"run {run + 1}: connected {ms(connect)}, first frame on both {ms(frame)}")
                frames.append(frame)
                connects.append(connect)
            browser.close()
        row("room opened by both → both connected", f"median {ms(statistics.median(connects))} "
            f"(min {ms(min(connects))}, max {ms(max(connects))}, n={RUNS})")
        row("room opened by both → first decoded frame on both", f"median {ms(statistics.median(frames))} "
            f"(min {ms(min(frames))}, max {ms(max(frames))}, n={RUNS})")
        names = sorted(MILESTONE_RUNS[0], key=lambda name: statistics.median(r.get(name, 0) for r in MILESTONE_RUNS))
        steps = ", ".join(
            f"{name.removeprefix('room:')} {statistics.median(r[name] for r in MILESTONE_RUNS if name in r):.0f}"
            for name in names
        )
        row("… the second page's milestones (median ms from its navigation start)", steps)
        log("load average at the end (1, 5, 15 min): " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
        print("\n".join(harness.ROWS), flush=True)
    finally:
        if daphne is not None:
            daphne.terminate()
            daphne.wait(timeout=10)
        harness.database_drop()


if __name__ == "__main__":
    main()
