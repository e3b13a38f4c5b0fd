"""A local Stripe for `make run` and the tests: localstripe's API plus Checkout Sessions, their hosted
page and webhooks.

localstripe (an aiohttp fake of Stripe: payment methods, payment intents, charges, refunds, events) has
no Checkout. This harness serves localstripe's own routes beside the ones it adds, on 127.0.0.1 in a
background thread, so the code under test keeps its real `stripe` client: point
`settings.STRIPE_API_BASE` at `FakeStripe.url`. Nothing in site-packages is changed.

`make run` starts it on its own (`python -m devtools.fake_stripe --port 8420 --webhook URL`, see `main`):
the hosted page says it is a demo payment, the demo card pays and the decline card declines.

Added, in Stripe's shapes (form-encoded requests, JSON answers, Stripe's error bodies):
- POST /v1/checkout/sessions               the same Idempotency-Key gives the same session back
- GET  /v1/checkout/sessions/{id}          status open/complete/expired, payment_status unpaid/paid,
                                           payment_intent, and `last_payment_error` after a decline
                                           (Stripe keeps that on the payment intent; the fake copies it
                                           onto the session, where the provider reads it)
- POST /v1/checkout/sessions/{id}/expire   as Stripe's: open sessions only; sends checkout.session.expired
- GET  /checkout/{id}                      the hosted page: card number, expiry, CVC, Pay; Back → cancel_url
- POST /checkout/{id}/pay                  4242 4242 4242 4242 pays through localstripe (a payment intent
                                           and its charge), completes the session, POSTs a signed
                                           `checkout.session.completed` to every webhook endpoint, then
                                           303 → success_url. Stripe's decline cards (4000 0000 0000 0002…)
                                           re-render the page with "Your card was declined.": the session
                                           stays open, no event.
- POST /_config/webhooks/{id}, DELETE /_config/data: localstripe's configuration contract (url, secret).

Stripe Connect (billing 2/2), which localstripe lacks too:
- the `Stripe-Account` header: a Checkout Session created with it belongs to that connected account;
  reading it without the header (or with another account's) is a 404, as at Stripe; its events carry
  the top-level `account` field, as Connect webhooks do; `payment_intent_data[application_fee_amount]`
  is kept on the session (`application_fee_amount` of `session_details()`).
- POST /v1/accounts, GET /v1/accounts/{id}   an Express account: charges_enabled false until onboarding
- POST /v1/account_links                     type=account_onboarding → a hosted onboarding page
- GET/POST /connect/onboarding/{id}          "Agree and submit": the account can take charges, an
                                             `account.updated` event (with `account`) goes out, 303 →
                                             return_url (`complete_onboarding(account_id)` does the same)
- POST /v1/refunds                           as Stripe's: by payment_intent (on the account that holds
                                             it), `amount` optional (the rest), never more than what is
                                             left unrefunded (400 amount_too_large), idempotent by key.

For tests: `pay()` does not follow the redirect, which is also a student who closed the tab after
paying; `hold_webhooks` keeps events back for `deliver(event)` later, twice, or in any order;
`event(type, session_id, **changes)` makes an event Stripe would send at another moment (e.g. an
"expired" snapshot to arrive after "completed"); `signed(event)` / `signed_event(...)` give the body
and the `Stripe-Signature` header to post through Django's test client.
"""

import asyncio
import hashlib
import hmac
import html
import json
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from localstripe import resources as localstripe
from localstripe.errors import UserError

from devtools import loopback

with warnings.catch_warnings():
    # localstripe registers plain functions as handlers, which aiohttp 3.x deprecates.
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import server as localstripe_server

PAYING_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
DECLINE_MESSAGE = "Your card was declined."
SESSION_LIFETIME = 24 * 3600  # Stripe's default expires_at
_SESSION_PARAMS = {
    "mode", "line_items", "success_url", "cancel_url", "client_reference_id", "customer_email", "metadata",
    "expires_at", "locale", "payment_method_types", "payment_intent_data",
}


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """Stripe's scheme: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed by the secret>`."""
    signed = str(timestamp).encode() + b"." + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


class CheckoutSession(localstripe.StripeObject):
    """A Checkout Session kept in localstripe's store, exported like its other objects.

    Public attributes are the JSON Stripe returns; private ones (leading underscore) are the fake's.
    """

    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(self, *, base_url: str, line_items: list[dict], currency: str, success_url: str,
                 cancel_url: str | None, client_reference_id: str | None, customer_email: str | None,
                 metadata: dict, expires_at: int | None):
        # Validation is done by the caller: localstripe stores an object as soon as it is constructed.
        super().__init__()
        total = sum(item["unit_amount"] * item["quantity"] for item in line_items)
        self.mode = "payment"
        self.amount_subtotal = total
        self.amount_total = total
        self.currency = currency
        self.status = "open"
        self.payment_status = "unpaid"
        self.payment_intent = None
        self.last_payment_error = None
        self.url = f"{base_url}/checkout/{self.id}"
        self.success_url = success_url
        self.cancel_url = cancel_url
        self.client_reference_id = client_reference_id
        self.customer_email = customer_email
        self.metadata = metadata
        self.expires_at = expires_at or self.created + SESSION_LIFETIME
        self._line_items = line_items
        self._account = ""  # Connect: the connected account it was created on
        self._application_fee = None


class ConnectedAccount(localstripe.StripeObject):
    """An Express connected account (Stripe Connect), kept in localstripe's store."""

    object = "account"
    _id_prefix = "acct_"

    def __init__(self, *, email: str | None, country: str | None, metadata: dict, account_type: str):
        super().__init__()
        self.type = account_type
        self.email = email
        self.country = country or "US"
        self.metadata = metadata
        self.charges_enabled = False
        self.payouts_enabled = False
        self.details_submitted = False


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str
    events: tuple[str, ...] | None


@dataclass(frozen=True)
class Delivery:
    event_id: str
    event_type: str
    url: str
    status: int  # 0: could not connect
    body: str


@dataclass(frozen=True)
class PayResult:
    status: int
    location: str  # where the browser would go next (success_url); "" when the page re-rendered
    html: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _awaitable(handler):
    if asyncio.iscoroutinefunction(handler):
        return handler

    async def call(request):
        return handler(request)

    return call


def _invalid(message: str, param: str | None = None, status: int = 400) -> UserError:
    return UserError(status, message, {"param": param} if param else None)


def _to_int(value, param: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _invalid(f"Invalid integer: {value}", param) from None
    if number < minimum:
        raise _invalid(f"This value must be greater than or equal to {minimum}.", param)
    return number


def _line_items(raw) -> tuple[list[dict], str]:
    if not isinstance(raw, list) or not raw:
        raise _invalid("Missing required param: line_items.", "line_items")
    items, currencies = [], set()
    for index, item in enumerate(raw):
        param = f"line_items[{index}]"
        price_data = item.get("price_data") if isinstance(item, dict) else None
        if not isinstance(price_data, dict):
            raise _invalid("This fake supports line items with price_data only.", f"{param}[price_data]")
        name = (price_data.get("product_data") or {}).get("name")
        if not price_data.get("currency") or not name:
            raise _invalid("Missing required param: currency and product_data[name].", f"{param}[price_data]")
        currencies.add(str(price_data["currency"]).lower())
        items.append({
            "name": name,
            "currency": str(price_data["currency"]).lower(),
            "unit_amount": _to_int(price_data.get("unit_amount"), f"{param}[price_data][unit_amount]"),
            "quantity": _to_int(item.get("quantity", 1), f"{param}[quantity]", minimum=1),
        })
    if len(currencies) > 1:
        raise _invalid("All line items must be in one currency.", "line_items")
    return items, currencies.pop()


def _expiry(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", text or "")
    if not match:
        return None
    month, year = int(match[1]), int(match[2])
    year = year + 2000 if year < 100 else year
    return (month, year) if 1 <= month <= 12 else None


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency.upper()}"


class FakeStripe:
    """Start with `with FakeStripe(webhook_secret=...) as fake:` (or start()/stop())."""

    def __init__(self, *, webhook_secret: str):
        self.webhook_secret = webhook_secret  # for `signed()` when no endpoint is registered
        self.hold_webhooks = False
        self.events: list = []  # localstripe Event objects, in the order they happened
        self.deliveries: list[Delivery] = []
        self._endpoints: dict[str, Endpoint] = {}
        self._idempotency: dict[tuple[str, str], tuple[str, str]] = {}
        self._intent_account: dict[str, str] = {}  # payment intent id -> connected account ("" direct)
        self._onboarding: dict[str, tuple[str, str, str]] = {}  # link id -> (account, refresh, return url)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Running ----------------------------------------------------------------------------
    def start(self, *, port: int = 0) -> "FakeStripe":
        # localstripe pickles its whole store to /tmp/localstripe.pickle on every write, a file
        # shared with anything else on the machine; this fake keeps its data in memory only.
        localstripe.store.dump_to_disk = lambda: None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-stripe", daemon=True)
        self._thread.start()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._runner = web.AppRunner(self._app(), access_log=None)
        self._run(self._runner.setup())
        self._run(web.SockSite(self._runner, sock).start())
        return self

    def stop(self) -> None:
        async def shutdown():
            await self._runner.cleanup()
            # localstripe schedules its own (undeliverable here) events a second after a payment.
            pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        self._run(shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> "FakeStripe":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    def _call(self, function, *args, **kwargs):
        """Run on the fake's own thread: its state is only ever touched there."""

        async def call():
            return function(*args, **kwargs)

        return self._run(call())

    def _app(self) -> web.Application:
        @web.middleware
        async def auth(request, handler):
            if request.path.startswith(("/checkout/", "/connect/")):  # a browser, no API key
                return await handler(request)
            return await localstripe_server.auth_middleware(request, handler)

        app = web.Application(middlewares=[localstripe_server.error_middleware, auth])
        router = app.router
        router.add_post("/v1/checkout/sessions", self._create_session)
        router.add_get("/v1/checkout/sessions/{id}", self._retrieve_session)
        router.add_post("/v1/checkout/sessions/{id}/expire", self._expire_session)
        router.add_get("/checkout/{id}", self._hosted_page)
        router.add_post("/checkout/{id}/pay", self._pay)
        router.add_post("/v1/accounts", self._create_account)
        router.add_get("/v1/accounts/{id}", self._retrieve_account)
        router.add_post("/v1/account_links", self._create_account_link)
        router.add_get("/connect/onboarding/{id}", self._onboarding_page)
        router.add_post("/connect/onboarding/{id}", self._onboarding_submit)
        router.add_post("/v1/refunds", self._create_refund)
        router.add_post("/_config/webhooks/{id}", self._register_webhook)
        router.add_delete("/_config/data", self._flush)
        ours = {(route.method, route.resource.canonical) for route in router.routes()}
        for route in localstripe_server.app.router.routes():
            key = (route.method, route.resource.canonical)
            if route.method != "HEAD" and key not in ours:
                router.add_route(route.method, route.resource.canonical, _awaitable(route.handler))
        return app

    # For tests ------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget sessions, payments and events (webhook endpoints stay), as DELETE /_config/data."""
        self._http("DELETE", "/_config/data")
        self.hold_webhooks = False

    def register_webhook(self, url: str, secret: str | None = None, endpoint_id: str = "panda") -> None:
        self._http("POST", f"/_config/webhooks/{endpoint_id}", {"url": url, "secret": secret or self.webhook_secret})

    def forget_webhooks(self) -> None:
        self._call(self._endpoints.clear)

    def session(self, session_id: str) -> dict:
        return self._call(lambda: CheckoutSession._api_retrieve(session_id)._export())

    def session_details(self, session_id: str) -> dict:
        """What only the fake knows about a session: its connected account and application fee."""

        def details():
            session = CheckoutSession._api_retrieve(session_id)
            return {"account": session._account, "application_fee_amount": session._application_fee}

        return self._call(details)

    def account(self, account_id: str) -> dict:
        return self._call(lambda: ConnectedAccount._api_retrieve(account_id)._export())

    def complete_onboarding(self, account_id: str):
        """The school's owner finished Stripe's onboarding: the account can take charges."""
        return self._run(self._finish_onboarding(account_id))

    def refunds_of(self, payment_intent: str) -> list[dict]:
        def refunds():
            found = [obj for key, obj in list(localstripe.store.items()) if key.startswith("refund:")]
            return [refund._export() for refund in found if refund.payment_intent == payment_intent]

        return self._call(refunds)

    def sessions(self) -> list[dict]:
        return self._call(lambda: [session._export() for session in self._all_sessions()])

    def pay(self, session_id: str, card: str = PAYING_CARD, *, expiry: str = "12 / 34", cvc: str = "123") -> PayResult:
        """Submit the hosted page's form; the redirect is not followed (as if the tab was closed)."""
        body = urllib.parse.urlencode({"card_number": card, "expiry": expiry, "cvc": cvc}).encode()
        request = urllib.request.Request(f"{self.url}/checkout/{session_id}/pay", data=body, method="POST")
        try:
            with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
                return PayResult(response.status, "", response.read().decode())
        except urllib.error.HTTPError as error:
            return PayResult(error.code, error.headers.get("Location", ""), error.read().decode())

    def event(self, event_type: str, session_id: str, **changes):
        """A new event (new id) with the session as it is now, `changes` applied to that snapshot."""
        return self._call(lambda: self._event(event_type, CheckoutSession._api_retrieve(session_id), **changes))

    def events_of(self, event_type: str) -> list:
        return [event for event in list(self.events) if event.type == event_type]

    def payload(self, event) -> bytes:
        return json.dumps(event._export(), indent=2, sort_keys=True).encode()

    def signed(self, event, *, secret: str | None = None, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and `Stripe-Signature` header Stripe would send for `event`, signed now."""
        payload = self.payload(event)
        stamp = int(time.time()) if timestamp is None else timestamp
        return payload, signature_header(payload, secret or self.webhook_secret, stamp)

    def signed_event(self, event_type: str, session_id: str, **changes) -> tuple[bytes, str]:
        return self.signed(self.event(event_type, session_id, **changes))

    def deliver(self, event) -> list[Delivery]:
        """POST `event` to every registered endpoint now (again, if it was sent before)."""
        return self._run(self._send(event))

    # Internals (on the fake's thread) ------------------------------------------------------
    def _http(self, method: str, path: str, data: dict | None = None) -> None:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, method=method)
        with urllib.request.urlopen(request, timeout=60):
            pass

    @staticmethod
    def _all_sessions() -> list[CheckoutSession]:
        return [obj for key, obj in list(localstripe.store.items()) if key.startswith("checkout.session:")]

    def _event(self, event_type: str, session, **changes):
        event = localstripe.Event(event_type, session)
        event.data["object"].update(changes)
        account = session.id if isinstance(session, ConnectedAccount) else getattr(session, "_account", "")
        if account:  # Connect: events of a connected account name it
            event.account = account
        event.pending_webhooks = len(self._endpoints)
        event.request = {"id": None, "idempotency_key": None}
        self.events.append(event)
        return event

    async def _emit(self, event) -> None:
        if not self.hold_webhooks:
            await self._send(event)

    async def _send(self, event) -> list[Delivery]:
        payload = self.payload(event)
        sent = []
        for endpoint in list(self._endpoints.values()):
            if endpoint.events is not None and event.type not in endpoint.events:
                continue
            target, headers = loopback(endpoint.url)
            headers |= {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature_header(payload, endpoint.secret, int(time.time())),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            }
            try:
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
                    async with http.post(target, data=payload, headers=headers) as response:
                        status, body = response.status, await response.text()
            except aiohttp.ClientError as error:
                status, body = 0, str(error)
            delivery = Delivery(event.id, event.type, endpoint.url, status, body)
            self.deliveries.append(delivery)
            sent.append(delivery)
        return sent

    async def _register_webhook(self, request):
        data = await localstripe_server.get_post_data(request) or {}
        url, secret, events = data.get("url"), data.get("secret"), data.get("events")
        if not url or not secret or not str(url).startswith("http"):
            raise UserError(400, "Bad request")
        if events is not None and not isinstance(events, list):
            raise UserError(400, "Bad request")
        self._endpoints[request.match_info["id"]] = Endpoint(url, secret, tuple(events) if events else None)
        return web.Response()

    async def _flush(self, request):
        localstripe.store.clear()
        self._idempotency.clear()
        self._intent_account.clear()
        self._onboarding.clear()
        self.events.clear()
        self.deliveries.clear()
        return web.Response()

    async def _create_session(self, request):
        data = dict(await localstripe_server.get_post_data(request) or {})
        data.pop("expand", None)
        key = request.headers.get("Idempotency-Key")
        account = self._account_header(request)
        scope = (localstripe_server.get_api_key(request) or "", account + "/" + (key or ""))
        fingerprint = json.dumps(data, sort_keys=True, default=str)
        if key and scope in self._idempotency:
            first_fingerprint, session_id = self._idempotency[scope]
            if first_fingerprint != fingerprint:
                message = (
                    "Keys for idempotent requests can only be used with the same parameters they were first "
                    f"used with. Try using a key other than '{key}' if you meant to execute a different request."
                )
                return localstripe_server.json_response(
                    {"error": {"type": "idempotency_error", "message": message}}, status=400
                )
            session = CheckoutSession._api_retrieve(session_id)
            return localstripe_server.json_response(session._export(), headers={"Idempotent-Replayed": "true"})
        session = self._new_session(data)
        session._account = account
        if key:
            self._idempotency[scope] = (fingerprint, session.id)
        return localstripe_server.json_response(session._export())

    def _new_session(self, data: dict) -> CheckoutSession:
        unknown = sorted(set(data) - _SESSION_PARAMS)
        if unknown:
            raise _invalid(f"Received unknown parameter: {unknown[0]}", unknown[0])
        if data.get("mode") != "payment":
            raise _invalid("This fake supports mode=payment only.", "mode")
        if not data.get("success_url"):
            raise _invalid("Missing required param: success_url.", "success_url")
        items, currency = _line_items(data.get("line_items"))
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise _invalid("Invalid object", "metadata")
        intent_data = data.get("payment_intent_data") or {}
        if not isinstance(intent_data, dict) or set(intent_data) - {"application_fee_amount", "metadata"}:
            raise _invalid("This fake supports payment_intent_data[application_fee_amount] only.",
                           "payment_intent_data")
        fee = intent_data.get("application_fee_amount")
        fee = _to_int(fee, "payment_intent_data[application_fee_amount]") if fee is not None else None
        if fee is not None and fee > sum(item["unit_amount"] * item["quantity"] for item in items):
            raise _invalid("The application fee cannot be more than the amount.",
                           "payment_intent_data[application_fee_amount]")
        session = self._make_session(data, items, currency, metadata)
        session._application_fee = fee
        return session

    def _make_session(self, data: dict, items: list, currency: str, metadata: dict) -> CheckoutSession:
        return CheckoutSession(
            base_url=self.url, line_items=items, currency=currency, success_url=data["success_url"],
            cancel_url=data.get("cancel_url"), client_reference_id=data.get("client_reference_id"),
            customer_email=data.get("customer_email"), metadata={k: str(v) for k, v in metadata.items()},
            expires_at=_to_int(data["expires_at"], "expires_at") if data.get("expires_at") else None,
        )

    @staticmethod
    def _account_header(request) -> str:
        return request.headers.get("Stripe-Account", "")

    def _session_on(self, request) -> CheckoutSession:
        """The session, if it belongs to the account the request acts on (Stripe: 404 otherwise)."""
        session_id = request.match_info["id"]
        session = CheckoutSession._api_retrieve(session_id)
        if getattr(session, "_account", "") != self._account_header(request):
            raise UserError(404, f"No such checkout.session: '{session_id}'")
        return session

    async def _retrieve_session(self, request):
        return localstripe_server.json_response(self._session_on(request)._export())

    async def _expire_session(self, request):
        session = self._session_on(request)
        if session.status != "open":
            raise _invalid('Only Checkout Sessions with a status in ["open"] can be expired.')
        session.status = "expired"
        session.url = None
        await self._emit(self._event("checkout.session.expired", session))
        return localstripe_server.json_response(session._export())

    # Connect ----------------------------------------------------------------------------------
    async def _create_account(self, request):
        data = dict(await localstripe_server.get_post_data(request) or {})
        account_type = data.get("type", "express")
        if account_type not in ("express", "standard", "custom"):
            raise _invalid("Invalid type", "type")
        key = request.headers.get("Idempotency-Key")
        scope = ("account", key or "")
        if key and scope in self._idempotency:
            account = ConnectedAccount._api_retrieve(self._idempotency[scope][1])
            return localstripe_server.json_response(account._export())
        metadata = data.get("metadata") or {}
        account = ConnectedAccount(email=data.get("email"), country=data.get("country"), account_type=account_type,
                                   metadata={k: str(v) for k, v in metadata.items()})
        if key:
            self._idempotency[scope] = ("", account.id)
        return localstripe_server.json_response(account._export())

    async def _retrieve_account(self, request):
        return localstripe_server.json_response(ConnectedAccount._api_retrieve(request.match_info["id"])._export())

    async def _create_account_link(self, request):
        data = dict(await localstripe_server.get_post_data(request) or {})
        for param in ("account", "refresh_url", "return_url", "type"):
            if not data.get(param):
                raise _invalid(f"Missing required param: {param}.", param)
        if data["type"] != "account_onboarding":
            raise _invalid("This fake supports type=account_onboarding only.", "type")
        ConnectedAccount._api_retrieve(data["account"])  # 404 for an unknown account
        link_id = "al_" + secrets.token_hex(8)
        self._onboarding[link_id] = (data["account"], data["refresh_url"], data["return_url"])
        now = int(time.time())
        return localstripe_server.json_response(
            {"object": "account_link", "created": now, "expires_at": now + 300,
             "url": f"{self.url}/connect/onboarding/{link_id}"}
        )

    def _link_or_404(self, request) -> tuple[str, str, str]:
        found = self._onboarding.get(request.match_info["id"])
        if found is None:
            raise web.HTTPNotFound(text="This onboarding link has expired.")
        return found

    async def _onboarding_page(self, request):
        account, refresh_url, return_url = self._link_or_404(request)
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up payments · Test Connect</title></head>
<body><main><h1>Set up payments</h1><p>Test mode: account {html.escape(account)}.</p>
<form method="post"><button type="submit">Agree and submit</button></form>
<p><a href="{html.escape(refresh_url)}">Start again</a></p></main></body></html>"""
        return web.Response(text=page, content_type="text/html")

    async def _onboarding_submit(self, request):
        account, _refresh_url, return_url = self._link_or_404(request)
        del self._onboarding[request.match_info["id"]]  # a link is used once
        await self._finish_onboarding(account)
        raise web.HTTPSeeOther(return_url)

    async def _finish_onboarding(self, account_id: str):
        account = ConnectedAccount._api_retrieve(account_id)
        account.charges_enabled = account.payouts_enabled = account.details_submitted = True
        event = self._event("account.updated", account)
        await self._emit(event)
        return event

    async def _create_refund(self, request):
        data = dict(await localstripe_server.get_post_data(request) or {})
        intent_id = data.get("payment_intent")
        if not intent_id:
            raise _invalid("This fake refunds by payment_intent only.", "payment_intent")
        if self._intent_account.get(intent_id, "") != self._account_header(request):
            raise UserError(404, f"No such payment_intent: '{intent_id}'")
        key = request.headers.get("Idempotency-Key")
        scope = ("refund", self._account_header(request) + "/" + (key or ""))
        if key and scope in self._idempotency:
            refund = localstripe.Refund._api_retrieve(self._idempotency[scope][1])
            return localstripe_server.json_response(refund._export(), headers={"Idempotent-Replayed": "true"})
        intent = localstripe.PaymentIntent._api_retrieve(intent_id)
        already = sum(obj.amount for k, obj in list(localstripe.store.items())
                      if k.startswith("refund:") and obj.payment_intent == intent_id)
        left = intent.amount - already
        amount = _to_int(data["amount"], "amount", minimum=1) if data.get("amount") is not None else left
        if left <= 0:
            return localstripe_server.json_response({"error": {
                "type": "invalid_request_error", "code": "charge_already_refunded",
                "message": f"Charge {intent.latest_charge.id} has already been refunded."}}, status=400)
        if amount > left:
            return localstripe_server.json_response({"error": {
                "type": "invalid_request_error", "code": "amount_too_large", "param": "amount",
                "message": f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})."}},
                status=400)
        refund = localstripe.Refund(payment_intent=intent_id, amount=amount,
                                    metadata=data.get("metadata") or None)
        if key:
            self._idempotency[scope] = ("", refund.id)
        return localstripe_server.json_response(refund._export())

    def _session_or_404(self, session_id: str) -> CheckoutSession:
        try:
            return CheckoutSession._api_retrieve(session_id)
        except UserError:
            raise web.HTTPNotFound(text="No such checkout session.") from None

    async def _hosted_page(self, request):
        return self._page(self._session_or_404(request.match_info["id"]))

    async def _pay(self, request):
        session = self._session_or_404(request.match_info["id"])
        if session.status == "complete":  # a second click on Pay: already paid, go on
            raise web.HTTPSeeOther(self._success_location(session))
        if session.status != "open":
            return self._page(session, status=410)
        form = await request.post()
        number = re.sub(r"\D", "", form.get("card_number", ""))
        expiry = _expiry(form.get("expiry", ""))
        cvc = form.get("cvc", "").strip()
        if len(number) != 16:
            return self._page(session, error="Your card number is incomplete.", field="card-number", status=400)
        if expiry is None:
            return self._page(session, error="Your card's expiration date is incomplete.", field="card-expiry",
                              status=400)
        if (expiry[1], expiry[0]) < tuple(time.gmtime()[:2]):
            return self._page(session, error="Your card's expiration date is in the past.", field="card-expiry",
                              status=400)
        if not re.fullmatch(r"\d{3}", cvc):
            return self._page(session, error="Your card's security code is incomplete.", field="card-cvc", status=400)
        error = self._charge(session, number, expiry, cvc)
        if error is not None:
            session.last_payment_error = error
            return self._page(session, error=error["message"], field="card-number", status=402)
        session.status = "complete"
        session.payment_status = "paid"
        session.last_payment_error = None
        session.url = None
        await self._emit(self._event("checkout.session.completed", session))
        raise web.HTTPSeeOther(self._success_location(session))

    def _charge(self, session: CheckoutSession, number: str, expiry: tuple[int, int], cvc: str) -> dict | None:
        """Pay through localstripe: a card payment method, a payment intent, its confirmation (a charge)."""
        month, year = expiry
        method = localstripe.PaymentMethod(
            type="card", card={"number": number, "exp_month": month, "exp_year": year, "cvc": cvc}
        )
        if method._attaching_is_declined() or method._charging_is_declined():
            return {"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                    "message": DECLINE_MESSAGE, "payment_method": {"id": method.id, "type": "card"}}
        if method._requires_authentication():
            return {"type": "card_error", "code": "authentication_required",
                    "message": "This fake does not do 3-D Secure; use 4242 4242 4242 4242."}
        intent = localstripe.PaymentIntent(
            amount=session.amount_total, currency=session.currency, payment_method=method.id,
            metadata=dict(session.metadata),
        )
        intent._confirm(on_failure_now=intent._report_failure)
        session.payment_intent = intent.id
        self._intent_account[intent.id] = getattr(session, "_account", "")
        if intent.status != "succeeded":
            return {"type": "card_error", "code": "card_declined", "message": DECLINE_MESSAGE}
        return None

    @staticmethod
    def _success_location(session: CheckoutSession) -> str:
        return session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)

    def _page(self, session: CheckoutSession, *, error: str = "", field: str = "", status: int = 200):
        amount = _money(session.amount_total, session.currency)
        names = ", ".join(item["name"] for item in session._line_items)
        back = (
            f'<p><a href="{html.escape(session.cancel_url)}">Back</a></p>' if session.cancel_url else ""
        )
        if session.status == "complete":
            title, body = "Paid", (
                f'<p>This checkout is complete.</p><p><a href="{html.escape(self._success_location(session))}">'
                "Continue</a></p>"
            )
        elif session.status == "expired":
            title, body = "Checkout expired", f"<p>This checkout has expired. Nothing was charged.</p>{back}"
        else:
            title = f"Pay {amount}"

            def described(field_id: str) -> str:
                return ' aria-invalid="true" aria-describedby="pay-error"' if field == field_id else ""

            alert = f'<p id="pay-error" role="alert" class="error">{html.escape(error)}</p>' if error else ""
            body = f"""{alert}
<form method="post" action="/checkout/{session.id}/pay">
  <p><label for="card-number">Card number</label><br>
    <input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" required
      placeholder="1234 1234 1234 1234"{described("card-number")}></p>
  <p><label for="card-expiry">Expiry (MM / YY)</label><br>
    <input id="card-expiry" name="expiry" autocomplete="cc-exp" required
      placeholder="MM / YY"{described("card-expiry")}></p>
  <p><label for="card-cvc">CVC</label><br>
    <input id="card-cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required
      placeholder="123"{described("card-cvc")}></p>
  <p><button type="submit">Pay</button></p>
</form>
{back}"""
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Test checkout</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
input{{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}} button{{font:inherit;padding:.5rem 1.5rem}}
.error{{color:#a30000;font-weight:600}}
.demo{{background:#fff4ce;padding:.5rem .75rem;border-radius:.25rem}} a{{color:#0645ad}}</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
<p>{html.escape(names)} · test mode</p>
<p class="demo" role="note"><strong>Demo payment: no money is taken.</strong> Pay with the card
  4242 4242 4242 4242, any future expiry date and any CVC; 4000 0000 0000 0002 is declined.</p>
{body}
</main></body></html>"""
        return web.Response(text=page, content_type="text/html", status=status)


def main(argv: list[str] | None = None) -> None:
    """`make run`'s Stripe: serve on a fixed port until interrupted, delivering webhooks to `--webhook`."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(prog="python -m devtools.fake_stripe", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook", action="append", default=[], help="a URL to POST events to (repeatable)")
    parser.add_argument("--webhook-secret", default="whsec_panda_local")
    options = parser.parse_args(argv)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    fake = FakeStripe(webhook_secret=options.webhook_secret).start(port=options.port)
    for index, url in enumerate(options.webhook):
        fake.register_webhook(url, endpoint_id=f"dev{index}")
    print(f"Demo Stripe (no money moves) at {fake.url}; card 4242 4242 4242 4242 pays, "
          "4000 0000 0000 0002 is declined.", flush=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
