"""A small Telegram Bot API on 127.0.0.1: getMe, setWebhook, deleteWebhook, sendMessage.

Real HTTP in a thread, so the code under test runs its own client unchanged; point
`settings.TELEGRAM_API_BASE_URL` at `base_url`. Every call is recorded; a method can be told to
fail the next N times with a 500, and an unknown token gets Telegram's 401 "Unauthorized".
"""

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


@dataclass(frozen=True)
class Call:
    token: str
    method: str
    payload: dict


class FakeBotApi:
    def __init__(self):
        self.bots: dict[str, dict] = {}  # token → what getMe returns
        self.webhooks: dict[str, dict] = {}  # token → setWebhook's payload
        self.calls: list[Call] = []
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # Set-up and inspection ------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_bot(self, token: str, username: str) -> str:
        self.bots[token] = {"id": int(token.partition(":")[0]), "is_bot": True, "first_name": username,
                            "username": username}
        return token

    def fail(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` get a 500, as when Telegram has a bad moment."""
        with self._lock:
            self._failures[method] = times

    def calls_to(self, method: str) -> list[dict]:
        with self._lock:
            return [call.payload for call in self.calls if call.method == method]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # The API ---------------------------------------------------------------------------
    def _answer(self, token: str, method: str, payload: dict) -> tuple[int, dict]:
        with self._lock:
            self.calls.append(Call(token, method, payload))
            if self._failures.get(method, 0) > 0:
                self._failures[method] -= 1
                return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if token not in self.bots:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            return 200, {"ok": True, "result": self.bots[token]}
        if method == "setWebhook":
            if not str(payload.get("url", "")).startswith("https://"):
                description = "Bad Request: bad webhook: HTTPS url must be provided for webhook"
                return 400, {"ok": False, "error_code": 400, "description": description}
            self.webhooks[token] = payload
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "deleteWebhook":
            self.webhooks.pop(token, None)
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        if method == "sendMessage":
            if not isinstance(payload.get("chat_id"), int) or not payload.get("text"):
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat_id and text needed"}
            message = {"message_id": len(self.calls), "chat": {"id": payload["chat_id"]}, "text": payload["text"]}
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                match = _PATH.match(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    payload = None
                if match is None or not isinstance(payload, dict):
                    status, body = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
                else:
                    status, body = api._answer(match["token"], match["method"], payload)
                encoded = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format, *args):  # noqa: A002 - quiet in test output
                pass

        return Handler
