"""WebSockets through the real ASGI application: host → school, the school's own sessions and rows.

The consumers read the database from worker threads, so these tests use committed data
(`committed_cast`) and delete the sessions they create. pytest-asyncio is not installed: each
test runs its async body with `async_to_sync`, which keeps the consumers' database calls in
the test's thread.
"""

import uuid
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from config.asgi import application
from shared_apps.tenants.services import school_reactivate, school_suspend
from shared_apps.tenants.ws import schema_group

pytestmark = pytest.mark.committed

TIMEOUT = 3


@pytest.fixture
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def login(committed_login):
    """`login(school_cast, user)` → the key of a committed session (tests/conftest.py `committed_login`)."""
    return committed_login


def socket(host: str, session_key: str | None = None, origin: str | None = None) -> WebsocketCommunicator:
    headers = [(b"host", host.encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(application, "/ws/ping/", headers=headers)


async def open_socket(host, session_key, **kwargs) -> WebsocketCommunicator:
    """A connected socket, past its own "online" announcement."""
    communicator = socket(host, session_key, **kwargs)
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert connected, code
    own = await communicator.receive_json_from(timeout=TIMEOUT)
    assert own["type"] == "presence" and own["state"] == "online"
    return communicator


async def ping(communicator) -> dict:
    await communicator.send_json_to({"action": "ping"})
    return await communicator.receive_json_from(timeout=TIMEOUT)


async def refusal_code(communicator) -> int:
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    await communicator.disconnect()
    return code


def test_a_user_of_school_a_connects_and_ping_reads_their_email_from_school_a(in_memory_layer, login, committed_cast):
    a = committed_cast.a
    session_key = login(a, a.teacher)

    async def body():
        communicator = await open_socket(a.host, session_key)
        reply = await ping(communicator)
        await communicator.disconnect()
        return reply

    assert async_to_sync(body)() == {
        "type": "pong", "user_id": a.teacher.pk, "school": a.school.schema_name, "email": "teacher@alpha.test",
    }


def test_the_port_and_case_of_the_host_do_not_matter(in_memory_layer, login, committed_cast):
    a = committed_cast.a
    session_key = login(a, a.student)

    async def body():
        communicator = await open_socket(f"{a.host.upper()}:8000", session_key)
        reply = await ping(communicator)
        await communicator.disconnect()
        return reply

    assert async_to_sync(body)()["email"] == "student@alpha.test"


def test_a_session_of_school_a_is_anonymous_on_school_b_and_refused(in_memory_layer, login, committed_cast):
    session_key = login(committed_cast.a, committed_cast.a.manager)

    assert async_to_sync(refusal_code)(socket(committed_cast.b.host, session_key)) == 4401


def test_an_anonymous_visitor_is_refused(in_memory_layer, committed_cast):
    assert async_to_sync(refusal_code)(socket(committed_cast.a.host)) == 4401


def test_an_unknown_host_is_refused(in_memory_layer, committed_cast):
    assert async_to_sync(refusal_code)(socket("nowhere.localhost")) == 4404


def test_the_platform_domain_serves_no_sockets(in_memory_layer, committed_cast):
    assert async_to_sync(refusal_code)(socket(django_settings.PLATFORM_DOMAIN)) == 4404


def test_a_page_of_another_site_cannot_open_a_socket_with_the_schools_cookie(
    in_memory_layer, login, committed_cast
):
    a = committed_cast.a
    session_key = login(a, a.teacher)

    async def body():
        foreign = await refusal_code(socket(a.host, session_key, origin="http://evil.example"))
        own = await open_socket(a.host, session_key, origin=f"http://{a.host}:8000")
        await own.disconnect()
        return foreign

    assert async_to_sync(body)() == 4403


def test_a_suspended_school_is_refused(in_memory_layer, login, committed_cast):
    a = committed_cast.a
    session_key = login(a, a.manager)
    school_suspend(school=a.school, reason="unpaid")
    try:
        assert async_to_sync(refusal_code)(socket(a.host, session_key)) == 4403
    finally:
        school_reactivate(school=a.school)

    async def body():
        communicator = await open_socket(a.host, session_key)
        await communicator.disconnect()

    async_to_sync(body)()  # served again at once: the cached school was dropped on save


def test_with_colliding_ids_each_school_reads_its_own_row(in_memory_layer, login, committed_cast):
    a, b = committed_cast.a, committed_cast.b
    assert a.manager.pk == b.manager.pk == 1
    alpha_key, beta_key = login(a, a.manager), login(b, b.manager)

    async def body():
        on_b = await open_socket(b.host, beta_key)
        on_a = await open_socket(a.host, alpha_key)
        replies = await ping(on_b), await ping(on_a)
        await on_a.disconnect()
        await on_b.disconnect()
        return replies

    from_b, from_a = async_to_sync(body)()
    assert (from_b["user_id"], from_b["school"], from_b["email"]) == (1, b.school.schema_name, "manager@beta.test")
    assert (from_a["user_id"], from_a["school"], from_a["email"]) == (1, a.school.schema_name, "manager@alpha.test")


def test_a_bad_message_gets_an_error_and_the_socket_stays_open(in_memory_layer, login, committed_cast):
    a = committed_cast.a
    session_key = login(a, a.student)

    async def body():
        communicator = await open_socket(a.host, session_key)
        errors = []
        for text in ["x" * 5000, "{not json", "[1, 2]", '{"action": "launch"}']:
            await communicator.send_to(text_data=text)
            errors.append(await communicator.receive_json_from(timeout=TIMEOUT))
        await communicator.send_to(bytes_data=b"\x00\x01")
        errors.append(await communicator.receive_json_from(timeout=TIMEOUT))
        reply = await ping(communicator)
        await communicator.disconnect()
        return errors, reply

    errors, reply = async_to_sync(body)()
    assert [(error["type"], error["code"]) for error in errors] == [
        ("error", "too_large"),
        ("error", "invalid_json"),
        ("error", "invalid_message"),
        ("error", "unknown_action"),
        ("error", "binary_not_supported"),
    ]
    assert all(error["message"] for error in errors)
    assert reply["type"] == "pong" and reply["email"] == "student@alpha.test"


def test_group_names_carry_the_schema():
    scope = {"tenant": SimpleNamespace(schema_name="alpha")}

    assert schema_group(scope, "presence") == "alpha.presence"
    assert schema_group(scope, "lesson", 7) == "alpha.lesson.7"
    with pytest.raises(ValueError):
        schema_group(scope)


def test_each_schools_connections_join_their_own_schools_group(in_memory_layer, login, committed_cast):
    a, b = committed_cast.a, committed_cast.b
    alpha_key, beta_key = login(a, a.teacher), login(b, b.teacher)

    async def body():
        on_a = await open_socket(a.host, alpha_key)
        on_b = await open_socket(b.host, beta_key)
        groups = set(get_channel_layer().groups)
        await on_a.disconnect()
        await on_b.disconnect()
        return groups

    assert async_to_sync(body)() == {f"{a.school.schema_name}.presence", f"{b.school.schema_name}.presence"}


@pytest.fixture
def redis_layer(settings):
    """The production layer (Redis pub/sub) with a prefix of its own.

    Redis pub/sub channels ignore the database number in REDIS_URL, so a unique prefix keeps
    other suites running against the same server out of these groups.
    """
    assert django_settings.REDIS_URL, "REDIS_URL must be set for this test"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [django_settings.REDIS_URL], "prefix": f"test{uuid.uuid4().hex}"},
        }
    }


def test_presence_over_redis_reaches_the_same_school_only(redis_layer, login, committed_cast):
    a, b = committed_cast.a, committed_cast.b
    teacher_key, student_key, beta_key = login(a, a.teacher), login(a, a.student), login(b, b.teacher)

    async def body():
        teacher = await open_socket(a.host, teacher_key)
        beta_teacher = await open_socket(b.host, beta_key)
        student = await open_socket(a.host, student_key)
        student_online = await teacher.receive_json_from(timeout=TIMEOUT)
        await student.disconnect()
        student_offline = await teacher.receive_json_from(timeout=TIMEOUT)
        beta_heard_nothing = await beta_teacher.receive_nothing(timeout=0.5)
        await teacher.disconnect()
        await beta_teacher.disconnect()
        return student_online, student_offline, beta_heard_nothing

    student_online, student_offline, beta_heard_nothing = async_to_sync(body)()
    assert student_online == {
        "type": "presence", "user_id": a.student.pk, "name": "Sam Student", "state": "online",
    }
    assert student_offline == {**student_online, "state": "offline"}
    assert beta_heard_nothing
