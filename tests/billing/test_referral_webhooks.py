"""The referrer's reward through real payment traffic: the return page, the webhook and its replays."""

from billing.free_lessons import referral_link_for, referral_register
from billing.models import FreeLessonGrant, Payment
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api)
from tests.billing.test_checkout import deliver, local, session_id_of, start_checkout


def test_the_referrer_is_rewarded_once_however_often_the_payment_is_reported(
    alpha, enrollment, package, client_for, stripe_api
):
    alpha.school.referral_referrer_lessons = 2
    alpha.school.save(update_fields=["referral_referrer_lessons"])
    referral_register(newcomer=alpha.student2, code=referral_link_for(alpha.student).code)
    newcomer_enrollment = enrollment_create(student=alpha.student2, language=Language.objects.get(code="en"),
                                            teacher=alpha.teacher, by=alpha.manager)
    newcomer = client_for(alpha, alpha.student2)
    hosted = start_checkout(newcomer, newcomer_enrollment, package)
    paid = stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of("checkout.session.completed")
    endpoint = client_for(alpha)

    newcomer.get(local(paid.location))  # the return page
    deliver(endpoint, stripe_api, event)  # the webhook
    deliver(endpoint, stripe_api, event)  # Stripe's retry
    deliver(endpoint, stripe_api, stripe_api.event("checkout.session.async_payment_succeeded", session_id_of(hosted)))

    assert Payment.objects.get().status == "paid"
    (reward,) = FreeLessonGrant.objects.filter(student=alpha.student)
    assert (reward.lessons, reward.source) == (2, "referral_referrer")
    # The referrer studies one language: the reward went straight onto a pass of it.
    assert reward.lesson_pass.enrollment == enrollment
    assert reward.lesson_pass.ledger.filter(kind="free_granted").count() == 1
