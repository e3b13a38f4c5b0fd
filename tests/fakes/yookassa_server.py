"""A local YooKassa for tests: the slice of its API v3 Panda uses, its confirmation page, notifications.

The code under test keeps the official `yookassa` SDK: point `settings.YOOKASSA_API_BASE` at
`FakeYooKassa.api_url`. Shapes follow YooKassa's documentation (JSON bodies, money as decimal strings,
errors as {"type": "error", "code": ..., "description": ..., "parameter": ...}):

- POST /v3/payments             Basic auth (shop id : secret key) or 401; Idempotence-Key required (400
                                without it); the same key with the same body gives the same payment
                                back. Answers status "pending" with confirmation.confirmation_url.
- GET  /v3/payments/{id}        404 for an unknown id.
- POST /v3/refunds              Idempotence-Key required; only a "succeeded" payment; never more than
                                what is left of it (400); the payment's refunded_amount grows.
- GET  /v3/refunds/{id}
- GET  /confirm/{id}            the confirmation page: card number and "Pay", "Back to the shop".
- POST /confirm/{id}/pay        5555 5555 5555 4477 (or any card but the decline one) pays: status
                                "succeeded", notification "payment.succeeded", 303 → return_url.
                                4000 0000 0000 0002: "canceled" (insufficient_funds) + "payment.canceled".

For tests: `register_notifications(url)`, `hold_notifications`, `notification(payment_id, event)` (the
body YooKassa would send), `set_status(...)`, `payments`, `refunds`, `notifications_sent`.
"""

import base64
import html
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakes import loopback

PAYING_CARD = "5555555555554477"
DECLINED_CARD = "4000000000000002"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(UTC).microsecond // 1000:03d}Z"


class _ApiError(Exception):
    def __init__(self, status: int, code: str, description: str, parameter: str | None = None):
        super().__init__(description)
        self.status = status
        self.body = {"type": "error", "id": str(uuid.uuid4()), "code": code, "description": description}
        if parameter:
            self.body["parameter"] = parameter


class FakeYooKassa:
    def __init__(self, *, shop_id: str = "123456", secret_key: str = "test_secret_panda"):
        self.shop_id = shop_id
        self.secret_key = secret_key
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.notification_url = ""
        self.hold_notifications = False
        self.notifications_sent: list[tuple[str, int]] = []  # (event, our answer's status)
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, headers) of API calls
        self._idempotency: dict[tuple[str, str], tuple[str, str]] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # Running ---------------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"{self.url}/v3"

    def start(self) -> "FakeYooKassa":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                fake._dispatch(self, "GET")

            def do_POST(self):  # noqa: N802
                fake._dispatch(self, "POST")

            def log_message(self, format, *args):  # noqa: A002 - quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="fake-yookassa", daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeYooKassa":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.payments.clear()
            self.refunds.clear()
            self._idempotency.clear()
            self.notifications_sent.clear()
            self.requests.clear()
            self.notification_url = ""
            self.hold_notifications = False

    # For tests ---------------------------------------------------------------------------------
    def register_notifications(self, url: str) -> None:
        self.notification_url = url

    def notification(self, payment_id: str, event: str = "payment.succeeded", **changes) -> bytes:
        """The body YooKassa POSTs for `event`, with the payment as it is now (plus `changes`)."""
        with self._lock:
            obj = dict(self.payments[payment_id]) if payment_id in self.payments else {"id": payment_id}
        obj.update(changes)
        return json.dumps({"type": "notification", "event": event, "object": obj}).encode()

    def pay(self, payment_id: str, card: str = PAYING_CARD) -> tuple[int, str]:
        """Submit the confirmation page's form; returns (status, Location) without following it."""
        body = urllib.parse.urlencode({"card_number": card}).encode()
        request = urllib.request.Request(f"{self.url}/confirm/{payment_id}/pay", data=body, method="POST")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def deliver(self, payment_id: str, event: str = "payment.succeeded") -> int:
        return self._notify(self.notification(payment_id, event), event)

    # HTTP --------------------------------------------------------------------------------------
    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urllib.parse.urlsplit(handler.path).path
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            if path.startswith("/confirm/"):
                self._confirmation(handler, method, path, raw)
                return
            if not path.startswith("/v3/"):
                raise _ApiError(404, "not_found", "Not found")
            self.requests.append((method, path, dict(handler.headers)))
            self._authorise(handler.headers.get("Authorization", ""))
            status, body = self._api(method, path[len("/v3"):], raw, handler.headers)
        except _ApiError as error:
            status, body = error.status, error.body
        self._send(handler, status, json.dumps(body).encode(), "application/json")

    @staticmethod
    def _send(handler, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def _authorise(self, header: str) -> None:
        expected = "Basic " + base64.b64encode(f"{self.shop_id}:{self.secret_key}".encode()).decode()
        if header != expected:
            raise _ApiError(401, "invalid_credentials", "Login or password is incorrect")

    def _api(self, method: str, path: str, raw: bytes, headers) -> tuple[int, dict]:
        with self._lock:
            if method == "POST" and path in ("/payments", "/refunds"):
                key = headers.get("Idempotence-Key")
                if not key:
                    raise _ApiError(400, "invalid_request", "Idempotence key isn't specified", "Idempotence-Key")
                try:
                    data = json.loads(raw or b"{}")
                except ValueError:
                    raise _ApiError(400, "invalid_request", "Request body is not JSON") from None
                fingerprint = json.dumps(data, sort_keys=True)
                if (path, key) in self._idempotency:
                    first, object_id = self._idempotency[(path, key)]
                    if first != fingerprint:
                        raise _ApiError(400, "invalid_request", "Idempotence key duplicated with another request",
                                        "Idempotence-Key")
                    return 200, (self.payments if path == "/payments" else self.refunds)[object_id]
                created = self._create_payment(data) if path == "/payments" else self._create_refund(data)
                self._idempotency[(path, key)] = (fingerprint, created["id"])
                return 200, created
            match = re.fullmatch(r"/(payments|refunds)/([\w-]+)", path)
            if method == "GET" and match:
                store = self.payments if match[1] == "payments" else self.refunds
                if match[2] not in store:
                    raise _ApiError(404, "not_found", f"Incorrect {match[1][:-1]} id")
                return 200, store[match[2]]
        raise _ApiError(404, "not_found", "Not found")

    @staticmethod
    def _amount(data, parameter: str) -> dict:
        amount = data.get("amount") if isinstance(data, dict) else None
        try:
            value = Decimal(str(amount["value"]))
            currency = str(amount["currency"])
        except (TypeError, KeyError, ArithmeticError, ValueError):
            raise _ApiError(400, "invalid_request", "Amount is not specified or wrong", parameter) from None
        if value <= 0 or value.as_tuple().exponent < -2:
            raise _ApiError(400, "invalid_request", "Wrong amount value", parameter)
        return {"value": f"{value:.2f}", "currency": currency}

    def _create_payment(self, data: dict) -> dict:
        amount = self._amount(data, "amount")
        confirmation = data.get("confirmation") or {}
        if confirmation.get("type") != "redirect" or not confirmation.get("return_url"):
            raise _ApiError(400, "invalid_request", "This fake supports redirect confirmation with a return_url",
                            "confirmation")
        payment_id = str(uuid.uuid4())
        payment = {
            "id": payment_id, "status": "pending", "paid": False, "amount": amount,
            "confirmation": {"type": "redirect", "return_url": confirmation["return_url"],
                             "confirmation_url": f"{self.url}/confirm/{payment_id}"},
            "created_at": _now(), "description": data.get("description", ""),
            "metadata": {str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
            "recipient": {"account_id": self.shop_id, "gateway_id": "100500"},
            "refundable": False, "test": True, "refunded_amount": {"value": "0.00", "currency": amount["currency"]},
        }
        self.payments[payment_id] = payment
        return payment

    def _create_refund(self, data: dict) -> dict:
        payment = self.payments.get(str(data.get("payment_id")))
        if payment is None:
            raise _ApiError(400, "invalid_request", "Payment doesn't exist", "payment_id")
        amount = self._amount(data, "amount")
        if payment["status"] != "succeeded":
            raise _ApiError(400, "invalid_request", "Payment is not succeeded", "payment_id")
        refunded = Decimal(payment["refunded_amount"]["value"])
        if Decimal(amount["value"]) + refunded > Decimal(payment["amount"]["value"]):
            raise _ApiError(400, "invalid_request", "Refund amount exceeds the amount available", "amount.value")
        refund = {"id": str(uuid.uuid4()), "payment_id": payment["id"], "status": "succeeded", "amount": amount,
                  "created_at": _now()}
        self.refunds[refund["id"]] = refund
        payment["refunded_amount"] = {"value": f"{refunded + Decimal(amount['value']):.2f}",
                                      "currency": amount["currency"]}
        if payment["refunded_amount"]["value"] == payment["amount"]["value"]:
            payment["refundable"] = False
        return refund

    # The confirmation page ----------------------------------------------------------------------
    def _confirmation(self, handler, method: str, path: str, raw: bytes) -> None:
        match = re.fullmatch(r"/confirm/([\w-]+)(/pay)?", path)
        payment = self.payments.get(match[1]) if match else None
        if payment is None:
            self._send(handler, 404, b"No such payment.", "text/plain")
            return
        if method == "GET":
            self._send(handler, 200, self._page(payment).encode(), "text/html; charset=utf-8")
            return
        card = re.sub(r"\D", "", urllib.parse.parse_qs(raw.decode()).get("card_number", [""])[0])
        if payment["status"] != "pending":
            self._send(handler, 303, b"", "text/plain", {"Location": payment["confirmation"]["return_url"]})
            return
        if len(card) != 16:
            self._send(handler, 400, self._page(payment, "Check the card number.").encode(), "text/html; charset=utf-8")
            return
        with self._lock:
            if card == DECLINED_CARD:
                payment.update(status="canceled", cancellation_details={"party": "payment_network",
                                                                        "reason": "insufficient_funds"})
                event = "payment.canceled"
            else:
                payment.update(status="succeeded", paid=True, refundable=True, captured_at=_now(),
                               payment_method={"type": "bank_card", "id": payment["id"], "saved": False,
                                               "card": {"last4": card[-4:], "card_type": "MasterCard"}})
                event = "payment.succeeded"
        if not self.hold_notifications:
            self._notify(self.notification(payment["id"], event), event)
        self._send(handler, 303, b"", "text/plain", {"Location": payment["confirmation"]["return_url"]})

    def _notify(self, body: bytes, event: str) -> int:
        if not self.notification_url:
            return 0
        target, headers = loopback(self.notification_url)
        request = urllib.request.Request(target, data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except urllib.error.URLError:
            status = 0
        self.notifications_sent.append((event, status))
        return status

    def _page(self, payment: dict, error: str = "") -> str:
        amount = f"{payment['amount']['value']} {payment['amount']['currency']}"
        alert = f'<p id="pay-error" role="alert" class="error">{html.escape(error)}</p>' if error else ""
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay {html.escape(amount)} · YooKassa test</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
input{{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}} button{{font:inherit;padding:.5rem 1.5rem}}
.error{{color:#a30000;font-weight:600}} a{{color:#0645ad}}</style></head>
<body><main><h1>Pay {html.escape(amount)}</h1>
<p>{html.escape(payment.get("description", ""))} · test mode</p>{alert}
<form method="post" action="/confirm/{payment['id']}/pay">
  <p><label for="card-number">Card number</label><br>
    <input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" required></p>
  <p><button type="submit">Pay</button></p>
</form>
<p><a href="{html.escape(payment['confirmation']['return_url'])}">Back to the shop</a></p>
</main></body></html>"""
