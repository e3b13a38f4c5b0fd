"""Every URL has access tests: the role it is for, a role it is not for, and another school.

THE CONVENTION (follow it for every URL you add):

Mark each access test with the URL names it proves and what it proves:

    @pytest.mark.access("library:shelf", "library:book", who="allowed")
    def test_a_student_opens_the_library(...): ...            # the right role gets the page

    @pytest.mark.access("library:shelf", "library:book", who="wrong_role")
    def test_a_teacher_is_refused_the_students_library(...): ...   # another role (or nobody) gets 403/404

`who` is one of, or a tuple of:
- "allowed": a user of the role the URL is for gets it (and it works);
- "wrong_role": a signed-in user of another role of the same school is refused (403/404, nothing changes);
- "other_school": another school's user gets nothing of this school (`test_url_sweep.py` proves it for
  every route by sending another school's session to each one; a test of your own may add to it);
- "public": the page is open to any visitor on purpose (list it in `test_url_sweep.PUBLIC` too, with why).

URL names are the namespaced names (`"whiteboard:image"`); fnmatch patterns are allowed
(`"school_admin:*"`); the platform site's names carry the prefix "platform/" (`"platform/signup"`).
The marks may sit on a test function, on a test class, or in a module's `pytestmark`. This module
imports every test module and reads the marks, so running it alone checks the whole suite's marks.

A URL nobody can test this way (none so far beyond the list below) goes in EXEMPT with its reason.
"""

import fnmatch
import importlib
import inspect
import pkgutil
from collections import defaultdict

import pytest

import tests
from tests.security.url_patterns import platform_routes, tenant_routes

ASPECTS = ("allowed", "wrong_role", "other_school")

# Routes without an access test of their own, each with the reason none is needed.
EXEMPT = {
    "billing:stripe_webhook": "Stripe's webhook: no user, no role; signature checks in tests/billing",
    "platform/stripe_platform_webhook": "Stripe's webhook: no user, no role; signature checks in tests/billing",
    "platform/yookassa_webhook": "YooKassa's webhook: no user, no role; tests/billing/test_yookassa.py",
    "notifications:telegram_webhook": "Telegram's webhook: the bot's secret, no user; tests/notifications",
}

# URLs that existed before this convention and still lack a marked test for the aspects named.
# This list only shrinks: cover a URL, then delete its entry. Never add to it.
NOT_YET_COVERED: dict[str, set[str]] = {}


def _test_modules():
    for module in pkgutil.walk_packages(tests.__path__, prefix="tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            yield importlib.import_module(module.name)


def _marks_of(obj):
    marks = getattr(obj, "pytestmark", [])
    return marks if isinstance(marks, list) else [marks]


def declared_coverage() -> dict[str, set[str]]:
    """{url name pattern: {aspects}} from every `access` mark of the suite."""
    covered = defaultdict(set)
    for module in _test_modules():
        holders = [module]
        for _, member in inspect.getmembers(module):
            if inspect.isfunction(member) and member.__name__.startswith("test"):
                holders.append(member)
            elif inspect.isclass(member) and member.__name__.startswith("Test"):
                holders.append(member)
                methods = inspect.getmembers(member, inspect.isfunction)
                holders += [method for name, method in methods if name.startswith("test")]
        for holder in holders:
            for mark in _marks_of(holder):
                if mark.name != "access":
                    continue
                who = mark.kwargs["who"]
                aspects = set(ASPECTS) if who == "public" else {who} if isinstance(who, str) else set(who)
                unknown = aspects - set(ASPECTS)
                assert not unknown, f"{module.__name__}: unknown `who` {unknown}"
                for pattern in mark.args:
                    covered[pattern] |= aspects
    return covered


def missing_aspects() -> dict[str, set[str]]:
    covered = declared_coverage()
    names = {route.name for route in tenant_routes() + platform_routes() if route.name}
    missing = {}
    for name in sorted(names - EXEMPT.keys()):
        have = set().union(*(aspects for pattern, aspects in covered.items() if fnmatch.fnmatchcase(name, pattern)))
        lacking = set(ASPECTS) - have - NOT_YET_COVERED.get(name, set())
        if lacking:
            missing[name] = lacking
    return missing


def test_every_url_has_an_allowed_a_wrong_role_and_an_other_school_test():
    missing = missing_aspects()

    assert not missing, "URLs without access tests (see the convention at the top of this module):\n" + "\n".join(
        f"  {name}: {', '.join(sorted(aspects))}" for name, aspects in missing.items()
    )


def test_the_not_yet_covered_list_names_only_gaps_that_still_exist():
    """Covering a URL must shrink the list: an entry for a covered (or removed) URL fails here."""
    covered = declared_coverage()
    names = {route.name for route in tenant_routes() + platform_routes() if route.name}
    stale = {}
    for name, aspects in NOT_YET_COVERED.items():
        have = set().union(*(a for pattern, a in covered.items() if fnmatch.fnmatchcase(name, pattern)))
        if name not in names or aspects & have:
            stale[name] = aspects & have or "no such URL"
    assert not stale, f"remove these from NOT_YET_COVERED: {stale}"


@pytest.mark.parametrize("name", sorted(EXEMPT))
def test_an_exempt_url_exists(name):
    assert name in {route.name for route in tenant_routes() + platform_routes()}
