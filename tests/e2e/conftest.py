"""Browser tests: a real Daphne serving the test database, driven by Debian's Chromium.

The server runs in its own process, so it sees only committed data: the session's cast,
and what the browser itself creates (tests remove what they add).
"""

import io
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Every browser test fails on a Content-Security-Policy violation: each page of every context reports
# the browser's `securitypolicyviolation` events to Python (the init script and the binding go in through
# the DevTools protocol, which the page's policy does not govern).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__pandaCspViolation(`${event.effectiveDirective} refused ${event.blockedURI || "an inline script/style"}`
    + ` on ${event.documentURI} (${event.sourceFile || "?"}:${event.lineNumber})`);
});
"""
csp_violations: list[str] = []


def watch_csp(context):
    """Record every CSP violation any page of this context reports (the autouse fixture asserts none)."""
    context.expose_binding("__pandaCspViolation", lambda _source, text: csp_violations.append(text))
    context.add_init_script(script=_CSP_LISTENER)
    return context


@pytest.fixture(scope="session", autouse=True)
def _every_browser_context_watches_csp():
    """Wrap Browser.new_context / new_page for the whole session, whoever launches the browser."""
    from playwright.sync_api._generated import Browser

    original_context, original_page = Browser.new_context, Browser.new_page

    def new_context(self, *args, **kwargs):
        return watch_csp(original_context(self, *args, **kwargs))

    def new_page(self, *args, **kwargs):
        page = original_page(self, *args, **kwargs)
        watch_csp(page.context)
        return page

    Browser.new_context, Browser.new_page = new_context, new_page
    yield
    Browser.new_context, Browser.new_page = original_context, original_page


@pytest.fixture(autouse=True)
def _no_csp_violation():
    csp_violations.clear()
    yield
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("The test server exited early; see its output above.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"The test server did not answer on port {port}.")


@contextmanager
def running_server(django_db_blocker, **extra_env):
    """Daphne on a free port, on the test database, with `extra_env` in its environment."""
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**settings_dict),
        "SCHOOL_URL_TEMPLATE": f"http://{{host}}:{port}",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
        **extra_env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "--websocket-max-message-size", "16777216", "config.asgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for_port(port, process)
        yield _Server(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """The shared Daphne; `server.url(host, path)` builds URLs."""
    with running_server(django_db_blocker) as started:
        yield started


class _Server:
    def __init__(self, port: int):
        self.port = port

    def url(self, host: str = "localhost", path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def demo_school(django_db_setup, django_db_blocker):
    """The demo school as `make run` seeds it (committed, so removed again after the module)."""
    from shared_apps.platform.management.commands.seed_demo import OPERATOR_EMAIL
    from shared_apps.tenants.models import School
    from tenant_apps.accounts.models import User

    try:
        with django_db_blocker.unblock():
            call_command("seed_demo", stdout=io.StringIO())
        yield
    finally:  # also after a failed seed: later modules must not find a half-made demo school
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            for school in School.objects.filter(schema_name="panda"):
                school.delete(force_drop=True)
            # A plain delete would cascade into school-only tables the public schema lacks.
            User.objects.filter(email=OPERATOR_EMAIL)._raw_delete(using="default")


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    """WCAG A/AA violations axe-core finds on the page (axe comes from npm, injected here)."""
    page.evaluate(AXE_SCRIPT.read_text())  # evaluated through DevTools: the page's CSP forbids inline scripts
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags))
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


def wait_until(page, expression: str, *, timeout: float = 30000, polling: float = 100):
    """Poll `expression` in the page until it is truthy. Playwright's wait_for_function compiles its
    predicate with eval inside the page, which the page's Content-Security-Policy refuses; page.evaluate
    goes through DevTools, which the policy does not govern."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout / 1000:g} s: {expression}")
        page.wait_for_timeout(polling)


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def log_in(page, url: str, email: str, password: str):
    """Fill the school's login form at `url` and wait for the page it lands on."""
    page.goto(url)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    return page
