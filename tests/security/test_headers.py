"""Security headers: a strict Content-Security-Policy everywhere, the camera and microphone for the lesson
room only, HSTS and `check --deploy` clean in production, and no inline script left in any template."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs
from django.test import Client

from tests.whiteboard.conftest import make_lesson

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize(
    ("host", "path", "who"),
    [("alpha", "/", None), ("alpha", "/accounts/login/", None), ("alpha", "/student/", "student"),
     ("alpha", "/admin/", "manager"), ("alpha", "/nowhere/", None), ("localhost", "/", None),
     ("localhost", "/admin/login/", None)],
)
def test_every_page_forbids_inline_and_foreign_scripts(cast, client_for, host, path, who):
    client = client_for(cast.a, getattr(cast.a, who) if who else None) if host == "alpha" else Client(HTTP_HOST=host)

    policy = directives(client.get(path))

    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_camera_and_microphone_only_in_the_open_lesson_room(alpha, client_for):
    lesson = make_lesson(alpha)
    student = client_for(alpha, alpha.student)

    room = student.get(f"/lessons/{lesson.pk}/room/")
    elsewhere = student.get("/student/")

    assert room.status_code == 200
    assert "camera=(self)" in room["Permissions-Policy"] and "microphone=(self)" in room["Permissions-Policy"]
    assert "camera=()" in elsewhere["Permissions-Policy"] and "microphone=()" in elsewhere["Permissions-Policy"]
    assert "camera=()" in Client(HTTP_HOST="localhost").get("/")["Permissions-Policy"]


def _production(*args: str) -> subprocess.CompletedProcess:
    """Run python with the production settings (and without the suite's DJANGO_ALLOW_ASYNC_UNSAFE)."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": secrets.token_urlsafe(50)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_with_production_settings_is_clean():
    done = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload():
    done = _production("-c", "import django; django.setup(); from django.conf import settings as s; print("
                       "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
                       "s.SECURE_SSL_REDIRECT)")

    assert done.stdout.split() == ["31536000", "True", "True", "True"], done.stderr


# Templates: no inline <script> (a data block from json_script is fine), no on*= handler, no javascript: URL.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)


def _our_templates():
    dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dirs += [Path(d) for d in get_app_template_dirs("templates") if str(ROOT) in str(d) and ".venv" not in str(d)]
    for folder in dirs:
        yield from folder.rglob("*.html")


def test_no_template_has_an_inline_script_an_event_handler_or_a_javascript_url():
    found = []
    for template in _our_templates():
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            found += [f"{template.relative_to(ROOT)}: {match.group(0)[:60]}" for match in pattern.finditer(text)]

    assert not found, "\n".join(found)


def test_the_template_check_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/dist/app.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="x" type="application/json">{}</script>')
    assert HANDLER.search('<button type="button" onclick="go()">')
    assert JS_URL.search('<a href="javascript:void(0)">')
