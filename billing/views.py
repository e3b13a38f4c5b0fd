import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.forms import CheckoutForm, ProductForm
from billing.models import Payment, Product
from billing.payments import payment_setup_missing, payment_start, payment_sync, webhook_handle
from billing.permissions import get_pass_for_user, get_payment_for_student
from billing.providers.base import InvalidWebhook, ProviderError
from billing.selectors import (
    extension_offer_for,
    free_lesson_grants_for,
    ledger_for_pass,
    pass_remaining,
    passes_for_student,
    payments_for_student,
    products_on_sale,
)
from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.learning.selectors import enrollments_for_student

logger = logging.getLogger(__name__)


@role_required(Role.STUDENT, section="payments")
def student_payments(request):
    now = timezone.now()
    enrollments = list(enrollments_for_student(request.user))
    passes = list(passes_for_student(request.user, now=now))
    for lesson_pass in passes:
        lesson_pass.remaining = pass_remaining(lesson_pass, now)
        lesson_pass.expired = lesson_pass.is_expired(now)
        lesson_pass.days = lesson_pass.days_left(now)
    on_sale = list(products_on_sale())  # one query, whatever the number of languages
    for enrollment in enrollments:
        enrollment.offer = extension_offer_for(enrollment, now=now)
        enrollment.products = [p for p in on_sale if p.language_id in (None, enrollment.language_id)]
    context = {
        "enrollments": enrollments,
        "passes": passes,
        "payments": payments_for_student(request.user)[:20],
        "not_connected": payment_setup_missing(request.tenant),
        "payments_demo": settings.PAYMENTS_DEMO,
    }
    return render(request, "billing/student_payments.html", context)


@role_required(Role.STUDENT, section="payments")
@require_POST
def checkout(request):
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    enrollment = get_object_or_404(
        request.user.enrollments.select_related("language"), pk=form.cleaned_data["enrollment"], is_active=True
    )
    product = get_object_or_404(Product, pk=form.cleaned_data["product"], is_active=True)

    def return_url(kind, payment):
        return request.build_absolute_uri(reverse(f"billing:checkout_{kind}", args=[payment.pk]))

    try:
        url = payment_start(student=request.user, enrollment=enrollment, product=product, return_url_builder=return_url)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("billing:student_payments")
    except ProviderError:
        logger.exception("Checkout could not start")
        messages.error(
            request, _("The payment page is not available right now. Nothing was charged; please try again.")
        )
        return redirect("billing:student_payments")
    return redirect(url)


@role_required(Role.STUDENT, section="payments")
def checkout_success(request, pk):
    payment = _synced(get_payment_for_student(request.user, pk))
    if payment.status == Payment.Status.PAID:
        lesson_pass = payment.pass_bought
        valid_until = formats.date_format(timezone.localtime(lesson_pass.valid_until), "DATETIME_FORMAT")
        paid = ngettext(
            "Paid! %(lessons)s lesson, valid until %(date)s.", "Paid! %(lessons)s lessons, valid until %(date)s.",
            lesson_pass.lessons,
        )
        messages.success(request, paid % {"lessons": lesson_pass.lessons, "date": valid_until})
    elif payment.status == Payment.Status.PENDING:
        messages.info(
            request, _("We are waiting for the payment to be confirmed. The pass appears here as soon as it is.")
        )
    else:
        _tell_failure(request, payment)
    return redirect("billing:student_payments")


@role_required(Role.STUDENT, section="payments")
def checkout_cancel(request, pk):
    payment = _synced(get_payment_for_student(request.user, pk))
    if payment.status == Payment.Status.PENDING:
        from billing.services import payment_mark_failed

        payment = payment_mark_failed(payment=payment, status=Payment.Status.CANCELLED)
    _tell_failure(request, payment)
    return redirect("billing:student_payments")


def _synced(payment: Payment) -> Payment:
    """The payment as the provider sees it now; as we last knew it if the provider is away."""
    try:
        return payment_sync(payment=payment)
    except ProviderError:
        logger.exception("Could not ask the provider about payment %s", payment.pk)
        return payment


def _tell_failure(request, payment):
    if payment.status == Payment.Status.FAILED:
        messages.error(request, _("Your card was declined. Nothing was charged; you can try another card."))
    elif payment.status == Payment.Status.CANCELLED:
        messages.info(request, _("The payment was cancelled. Nothing was charged."))


@role_required(Role.STUDENT, section="payments")
def pass_history(request, pk):
    lesson_pass = get_pass_for_user(request.user, pk)
    return render(
        request, "billing/pass_history.html", {"lesson_pass": lesson_pass, "entries": ledger_for_pass(lesson_pass)}
    )


@csrf_exempt  # the provider signs the request instead
@require_POST
def stripe_webhook(request):
    try:
        outcome = webhook_handle(
            provider_name="stripe", payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook:
        return HttpResponseBadRequest("invalid signature or not an event")
    # 2xx for every verified event, applied or refused (see webhook_apply): a retry would change nothing.
    return HttpResponse(outcome)


# Manager: lesson packages ---------------------------------------------------------------
@role_required(Role.MANAGER, section="products")
def manager_products(request):
    products = Product.objects.filter(is_gift=False).select_related("language").order_by("position", "lessons", "pk")
    return render(request, "billing/manager_products.html", {"products": products})


@role_required(Role.MANAGER, section="products")
def manager_product_edit(request, pk=None):
    product = get_object_or_404(Product, pk=pk, is_gift=False) if pk else Product(currency=request.tenant.currency,
                                                                       validity_days=request.tenant.pass_validity_days)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.currency = request.tenant.currency  # prices are in the school's currency
        saved.save()
        messages.success(request, _("Package saved."))
        return redirect("billing:manager_products")
    status = 422 if request.method == "POST" else 200
    return render(request, "billing/manager_product_form.html", {"form": form, "product": product}, status=status)




# Student: free lessons --------------------------------------------------------------------------
@role_required(Role.STUDENT, section="free-lessons")
def student_free_lessons(request):
    from billing.forms import RedeemForm
    from billing.free_lessons import RedeemRefused, promo_code_redeem, referral_link_for

    form = RedeemForm(request.POST or None, student=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            grant = promo_code_redeem(student=request.user, code=form.cleaned_data["code"],
                                      enrollment=form.cleaned_data.get("enrollment"))
        except RedeemRefused as refusal:
            form.add_error("code", refusal.messages[0])
        else:
            messages.success(request, _free_lessons_message(grant))
            return redirect("billing:student_free_lessons")
    link = referral_link_for(request.user)
    context = {
        "form": form,
        "grants": free_lesson_grants_for(request.user),
        "enrollments": list(enrollments_for_student(request.user)),
        "referral_url": request.build_absolute_uri(reverse("billing:referral_join", args=[link.code])),
        "newcomer_lessons": request.tenant.referral_newcomer_lessons,
        "referrer_lessons": request.tenant.referral_referrer_lessons,
    }
    return render(request, "billing/student_free_lessons.html", context, status=422 if form.errors else 200)


def _free_lessons_message(grant) -> str:
    if grant.lesson_pass_id:
        text = ngettext("%(count)s free lesson added to your pass.", "%(count)s free lessons added to your pass.",
                        grant.lessons)
    else:
        text = ngettext(
            "%(count)s free lesson is yours. It goes on a pass as soon as you study a language with us.",
            "%(count)s free lessons are yours. They go on a pass as soon as you study a language with us.",
            grant.lessons,
        )
    return text % {"count": grant.lessons}


@role_required(Role.STUDENT, section="free-lessons")
@require_POST
def student_grant_place(request, pk):
    from billing.forms import PlaceGrantForm
    from billing.free_lessons import grant_place
    from billing.models import FreeLessonGrant

    grant = get_object_or_404(FreeLessonGrant, pk=pk, student=request.user)
    form = PlaceGrantForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    enrollment = get_object_or_404(request.user.enrollments, pk=form.cleaned_data["enrollment"], is_active=True)
    grant_place(grant=grant, enrollment=enrollment, by=request.user)
    grant.refresh_from_db()
    messages.success(request, _free_lessons_message(grant))
    return redirect("billing:student_free_lessons")


def referral_join(request, code):
    """A friend's link: remember it for the signup that follows (allauth's "signed up" reads it)."""
    from billing.free_lessons import REFERRAL_SESSION_KEY
    from billing.models import ReferralLink

    link = ReferralLink.objects.filter(code=code).first()
    if request.user.is_authenticated:
        messages.info(request, _("You already have an account here: invitations are for people new to the "
                                 "school."))
        return redirect("areas:me")
    if link is None:
        messages.error(request, _("This invitation link is not valid. You can still sign up."))
        return redirect("account_signup")
    request.session[REFERRAL_SESSION_KEY] = code
    lessons = request.tenant.referral_newcomer_lessons
    if lessons:
        waiting = ngettext("Sign up: %(count)s free lesson is waiting for you.",
                           "Sign up: %(count)s free lessons are waiting for you.", lessons)
        messages.info(request, waiting % {"count": lessons})
    return redirect("account_signup")
