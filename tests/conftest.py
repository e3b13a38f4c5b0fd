"""The fixed cast and the plumbing every test shares.

Schools are created once per test session (committed), so each test's transaction can
roll back freely around them: school A ("alpha") with a manager, a methodologist, two
teachers and two students; school B ("beta") with a teacher and a student.
"""

import copy
import os
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

# Playwright's sync API runs an event loop in the test thread; Django must still allow
# the test's own synchronous database calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


def pytest_configure(config):
    from tests.security import media_roots

    media_roots.start_recording()


def pytest_collection_modifyitems(items):
    """Tests marked `after_all` run last: they check what the whole suite left behind (e.g. files)."""
    items.sort(key=lambda item: item.get_closest_marker("after_all") is not None)


@dataclass
class SchoolCast:
    school: object
    host: str
    users: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


@dataclass
class Cast:
    a: SchoolCast
    b: SchoolCast


def _make_school(subdomain: str, name: str, people: dict) -> SchoolCast:
    from shared_apps.tenants.services import school_create
    from tenant_apps.accounts.models import User
    from tenant_apps.accounts.services import user_create

    new = school_create(
        name=name,
        subdomain=subdomain,
        time_zone="Europe/Moscow",
        currency="RUB",
        owner_name=f"{name} Manager",
        owner_email=f"manager@{subdomain}.test",
        owner_password=PASSWORD,
        default_language="en",  # tests read English messages; Russian has tests of its own
    )
    cast = SchoolCast(school=new.school, host=new.school.domains.get().domain)
    with schema_context(new.school.schema_name):
        cast.users["manager"] = User.objects.get(pk=new.owner_id)
        for key, (full_name, roles) in people.items():
            cast.users[key] = user_create(
                email=f"{key}@{subdomain}.test", password=PASSWORD, full_name=full_name, **roles
            )
    return cast


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_modify_db_settings, django_db_blocker):
    """The test database, migrated, with the two schools of the cast committed once.

    pytest-django's own fixture creates only the databases that `db`-marked tests ask for;
    browser and worker tests use committed data without that mark, so the database is
    always created here.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        cache.clear()
        cast = Cast(
            a=_make_school(
                "alpha",
                "Alpha School",
                {
                    "methodologist": ("Olga Method", {"is_methodologist": True}),
                    "teacher": ("Tom Teacher", {"is_teacher": True}),
                    "teacher2": ("Tina Teacher", {"is_teacher": True}),
                    "student": ("Sam Student", {"is_student": True}),
                    "student2": ("Sue Student", {"is_student": True}),
                },
            ),
            b=_make_school(
                "beta",
                "Beta School",
                {
                    "teacher": ("Bob Teacher", {"is_teacher": True}),
                    "student": ("Bella Student", {"is_student": True}),
                },
            ),
        )
        connection.set_schema_to_public()
    django_db_setup_cast.value = cast
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        # A server or worker process that just exited may still hold a connection.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_cfg, verbosity=0)


class django_db_setup_cast:  # noqa: N801 - a holder shared between session fixtures
    value: Cast | None = None


@pytest.fixture
def cast(db) -> Cast:
    """The cast, inside the test's rolled-back transaction.

    A deep copy: a test that changes a user in memory must not leak it into the next test
    (the database side is rolled back anyway).
    """
    return copy.deepcopy(django_db_setup_cast.value)


@pytest.fixture
def alpha(cast) -> SchoolCast:
    """School A's cast with its schema active for the whole test."""
    with schema_context(cast.a.school.schema_name):
        yield cast.a


@pytest.fixture
def enrollment(alpha):
    """The student of school A learning English with the first teacher."""
    from tenant_apps.learning.models import Language
    from tenant_apps.learning.services import enrollment_create

    english = Language.objects.get(code="en")
    return enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher, by=alpha.manager)


@pytest.fixture
def committed_cast(committed_db) -> Cast:
    """The cast, for tests whose writes are committed (a real server, a worker, races)."""
    return copy.deepcopy(django_db_setup_cast.value)


@pytest.fixture(autouse=True)
def _clean_slate_between_tests():
    """Each test starts in the public schema with an empty cache (cached schools included)."""
    yield
    connection.set_schema_to_public()
    cache.clear()


@pytest.fixture
def client_for(db):
    """`client_for(school_cast, user=None)`: a test client on that school's host, logged in."""

    def make(school_cast, user=None) -> Client:
        client = Client(HTTP_HOST=school_cast.host)
        if user is not None:
            with schema_context(school_cast.school.schema_name):
                client.force_login(user)
        return client

    return make


@pytest.fixture
def platform_client(db) -> Client:
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access without a wrapping transaction: for a real server, a worker or races.

    What the test commits, it removes.
    """
    with django_db_blocker.unblock():
        before = _committed_rows()
        yield
        connection.set_schema_to_public()
        after = _committed_rows()
    # A row left behind breaks every later test that books the same people (one active
    # enrollment per language, no overlapping lessons): name the test that left it.
    left = {table: after[table] - before[table] for table in before if after[table] > before[table]}
    assert not left, f"this test left committed rows behind: {left}"


# The rows a committed test most often creates for the cast, per school schema.
_COMMITTED_TABLES = ("learning_enrollment", "scheduling_lesson", "billing_pass", "billing_payment")


def _committed_rows() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for schema in ("alpha", "beta"):
            for table in _COMMITTED_TABLES:
                cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
                counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def committed_login(committed_cast):
    """`committed_login(school_cast, user)` → the key of a committed session in that school's schema.

    For sockets and browsers driven against committed data; written directly rather than with
    `Client.force_login`, which would also commit a new `last_login` onto the shared cast. The
    sessions are deleted afterwards.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    made = []

    def make(school_cast, user) -> str:
        with schema_context(school_cast.school.schema_name):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
        made.append((school_cast.school.schema_name, session.session_key))
        return session.session_key

    yield make
    for schema_name, session_key in made:
        with schema_context(schema_name):
            Session.objects.filter(session_key=session_key).delete()
    connection.set_schema_to_public()
