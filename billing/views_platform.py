"""The platform's webhook endpoints (platform domain, public schema): they route each event to its school."""

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.connect import stripe_event_route, yookassa_notification_route
from billing.providers.base import InvalidWebhook

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe signs the request instead
@require_POST
def stripe_platform_webhook(request):
    try:
        outcome = stripe_event_route(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except InvalidWebhook:
        return HttpResponseBadRequest("invalid signature or not an event")
    return HttpResponse(outcome)


@csrf_exempt  # YooKassa does not sign: the payment is fetched again from its API instead
@require_POST
def yookassa_webhook(request):
    try:
        outcome = yookassa_notification_route(payload=request.body)
    except InvalidWebhook as error:
        logger.warning("YooKassa notification refused: %s", error)
        return HttpResponseBadRequest("not confirmed by the API")
    return HttpResponse(outcome)
