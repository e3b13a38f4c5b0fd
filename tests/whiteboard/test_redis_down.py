"""Redis (the relay between consumers) goes away and comes back: nothing drawn is lost.

A private redis-server on a free port, so the shared one is never stopped.
"""

import shutil
import socket
import subprocess
import time

import pytest
from asgiref.sync import async_to_sync

from tests.whiteboard.test_consumer import TIMEOUT, Client, draw, stored_elements
from tests.whiteboard.test_consumer import socket as board_socket

pytestmark = pytest.mark.committed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.kill()
        self.process.wait(5)


@pytest.fixture
def private_redis(settings):
    redis = PrivateRedis()
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{redis.port}/0"]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield redis
    if redis.process.poll() is None:
        redis.stop()
    channel_layers.backends.clear()


def test_with_redis_down_the_board_refuses_then_recovers_with_nothing_lost(
    committed_cast, lessons, login, private_redis
):
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)

    async def body():
        teacher = await Client(board_socket(a.host, lesson, teacher_key)).open()
        student = await Client(board_socket(a.host, lesson, student_key)).open()
        await teacher.change(draw("before"))
        student.apply_message(await student.ws.receive_from(timeout=TIMEOUT))

        private_redis.stop()
        await teacher.change(draw("during"))  # persisted, then the relay fails: the room closes
        closes = [await teacher.closed_with(), await student.closed_with()]
        # While Redis is down a new socket is refused as designed (4503, the page shows "reconnecting"),
        # not failed with an error (which Daphne answered with HTTP 500).
        refused = board_socket(a.host, lesson, student_key)
        connected = await refused.connect(timeout=TIMEOUT)

        private_redis.start()
        from channels.layers import channel_layers

        channel_layers.backends.clear()  # a fresh pool, as a new connection attempt would make
        back = await Client(board_socket(a.host, lesson, student_key)).open()
        seen = back.elements.to_py()
        await back.ws.disconnect()
        return closes, connected, seen

    closes, connected_while_down, seen = async_to_sync(body)()
    assert closes == [4503, 4503]
    assert connected_while_down == (False, 4503)
    assert set(seen) == {"before", "during"}
    assert set(stored_elements(a, lesson)) == {"before", "during"}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/teacher/"])
def test_with_redis_down_pages_are_still_served(cast, client_for, settings, path):
    dead = PrivateRedis()  # a free port nobody listens on
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead.port}/0",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
    from django.core.cache import cache

    assert cache.get("anything", "missing") == "missing"
    assert cache.add("key", 1) is False and cache.set("key", 1) is None
    response = client_for(cast.a, cast.a.teacher).get(path, follow=True)
    assert response.status_code == 200 and b"Log out" in response.content  # the school, the session, the user


SOCKETS = ["/ws/ping/", "/ws/notifications/", "/ws/lessons/{lesson}/room/", "/ws/lessons/{lesson}/stage/",
           "/ws/lessons/{lesson}/board/"]


@pytest.mark.parametrize("path", SOCKETS)
def test_with_redis_unreachable_every_new_socket_gets_the_designed_refusal(
    committed_cast, lessons, login, settings, path
):
    """Pointed at a port nobody listens on: the handshake is refused with 4503, never an error (HTTP 500)."""
    from channels.layers import channel_layers
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    dead = PrivateRedis()  # a free port, never started
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                                           "CONFIG": {"hosts": [f"redis://127.0.0.1:{dead.port}/0"]}}}
    channel_layers.backends.clear()
    a = committed_cast.a
    lesson = lessons()
    headers = [(b"host", a.host.encode()), (b"cookie", f"sessionid={login(a, a.teacher)}".encode())]

    async def body():
        communicator = WebsocketCommunicator(application, path.format(lesson=lesson.pk), headers=headers)
        answer = await communicator.connect(timeout=TIMEOUT)
        await communicator.wait(timeout=TIMEOUT)  # the consumer ended cleanly: no exception re-raised here
        return answer

    try:
        assert async_to_sync(body)() == (False, 4503)
    finally:
        channel_layers.backends.clear()
