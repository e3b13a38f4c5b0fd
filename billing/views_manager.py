"""The manager's money pages: promo codes, payments and refunds, a pass's credits, the report, the account."""

import logging
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.forms import AdjustForm, PromoCodeForm, ProviderForm, ReferralSettingsForm, RefundForm
from billing.models import LedgerEntry, Pass, Payment, PromoCode, Reservation
from billing.payments import payment_setup_missing
from billing.providers.base import ProviderError
from billing.providers.stripe_provider import application_fee
from billing.selectors import ledger_for_pass
from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required

logger = logging.getLogger(__name__)
PAGE = 50


# Promo codes and referral settings ---------------------------------------------------------------
@role_required(Role.MANAGER, section="free-lessons")
def manager_promo_codes(request):
    from billing.free_lessons import promo_code_create

    form = PromoCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["valid_until"]
        # "Valid until 31 May" means through that day in the school's zone.
        expires_at = datetime.combine(until + timedelta(days=1), time(), tzinfo=request.tenant.zone) if until else None
        try:
            promo_code_create(code=form.cleaned_data["code"], lessons=form.cleaned_data["lessons"],
                              max_uses=form.cleaned_data["max_uses"], expires_at=expires_at, by=request.user)
        except ValidationError as error:
            form.add_error("code", error.messages[0])
        else:
            messages.success(request, _("Promo code created."))
            return redirect("billing:manager_promo_codes")
    codes = PromoCode.objects.select_related("created_by").order_by("-created_at", "-pk")[:PAGE]
    context = {"form": form, "codes": codes, "now": timezone.now(),
               "referral_form": ReferralSettingsForm(instance=request.tenant)}
    return render(request, "billing/manager_promo_codes.html", context, status=422 if form.errors else 200)


@role_required(Role.MANAGER, section="free-lessons")
@require_POST
def manager_promo_code_toggle(request, pk):
    """Sets the state the button showed (not a flip): two tabs switching off leave the code off."""
    code = get_object_or_404(PromoCode, pk=pk)
    code.is_active = request.POST.get("active") == "1"
    code.save(update_fields=["is_active"])
    messages.success(request, _("Promo code switched on.") if code.is_active else _("Promo code switched off."))
    return redirect("billing:manager_promo_codes")


@role_required(Role.MANAGER, section="free-lessons")
@require_POST
def manager_referral_settings(request):
    form = ReferralSettingsForm(request.POST, instance=request.tenant)
    if form.is_valid():
        form.instance.save(update_fields=list(form.fields))
        messages.success(request, _("Referral settings saved."))
    else:
        messages.error(request, _("Enter numbers from 0 to 50."))
    return redirect("billing:manager_promo_codes")


# Payments, refunds, a pass's credits --------------------------------------------------------------
@role_required(Role.MANAGER, section="payments")
def manager_payments(request):
    payments = Payment.objects.exclude(status=Payment.Status.PENDING).select_related(
        "student", "product", "pass_bought"
    ).order_by("-created_at", "-pk")
    query = request.GET.get("q", "").strip()
    if query:
        payments = payments.filter(Q(student__email__icontains=query) | Q(student__full_name__icontains=query))
    return render(request, "billing/manager_payments.html", {"payments": payments[:PAGE], "query": query})


@role_required(Role.MANAGER, section="payments")
def manager_payment(request, pk):
    from billing.refunds import payment_refund

    payment = get_object_or_404(Payment.objects.select_related("student", "product", "enrollment__language"), pk=pk)
    form = RefundForm(request.POST or None, initial={"amount": f"{payment.refundable_amount / 100:.2f}"})
    if request.method == "POST" and form.is_valid():
        try:
            payment_refund(payment=payment, amount=form.amount_minor(payment.currency),
                           lessons_removed=form.cleaned_data["lessons_removed"], by=request.user,
                           reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("The money is on its way back to the student."))
            return redirect("billing:manager_payment", pk=payment.pk)
    lesson_pass = Pass.objects.filter(payment=payment).first()
    context = {"payment": payment, "form": form, "refunds": payment.refunds.select_related("by"),
               "lesson_pass": lesson_pass}
    return render(request, "billing/manager_payment.html", context, status=422 if form.errors else 200)


@role_required(Role.MANAGER, section="payments")
def manager_pass(request, pk):
    from billing.services import credit_adjust

    lesson_pass = get_object_or_404(Pass.objects.select_related("enrollment__student", "enrollment__language",
                                                                "product", "payment"), pk=pk)
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credit_adjust(lesson_pass=lesson_pass, change=form.cleaned_data["change"], by=request.user,
                          reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("change", error.messages[0])
        else:
            messages.success(request, _("Credits adjusted."))
            return redirect("billing:manager_pass", pk=lesson_pass.pk)
    context = {"lesson_pass": lesson_pass, "entries": ledger_for_pass(lesson_pass), "form": form}
    return render(request, "billing/manager_pass.html", context, status=422 if form.errors else 200)


@role_required(Role.MANAGER, section="payments")
def manager_passes(request):
    last_balance = LedgerEntry.objects.filter(lesson_pass=OuterRef("pk")).order_by("-seq").values("balance_after")[:1]
    passes = (
        Pass.objects.select_related("enrollment__student", "enrollment__language", "product")
        .annotate(free=Subquery(last_balance),
                  reserved=Count("reservations", filter=Q(reservations__status=Reservation.Status.OPEN), distinct=True))
        .order_by("-starts_at", "-pk")
    )
    query = request.GET.get("q", "").strip()
    if query:
        passes = passes.filter(Q(enrollment__student__email__icontains=query)
                               | Q(enrollment__student__full_name__icontains=query))
    return render(request, "billing/manager_passes.html", {"passes": passes[:PAGE], "query": query,
                                                           "now": timezone.now()})


# The report -----------------------------------------------------------------------------------------
@role_required(Role.MANAGER, section="report")
def manager_report(request):
    from billing.reports import school_report

    report = school_report(school=request.tenant)
    return render(request, "billing/manager_report.html", {"report": report, "now": timezone.now()})


@role_required(Role.MANAGER, section="report")
def manager_report_csv(request):
    from billing.reports import report_csv, school_report

    report = school_report(school=request.tenant)
    money = []
    for currency in report.currencies:
        money += [_("Revenue, %(currency)s") % {"currency": currency},
                  _("Refunded, %(currency)s") % {"currency": currency},
                  _("Net, %(currency)s") % {"currency": currency}]
    headers = [_("Month"), *money, _("Lessons held"), _("Late cancellations"), _("No-shows"),
               _("Burned at the end of a pass")]
    response = HttpResponse(report_csv(report, headers), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.tenant.schema_name}-report.csv"'
    return response


# The payment account ----------------------------------------------------------------------------------
@role_required(Role.MANAGER, section="payment-account")
def manager_payment_account(request):
    from django.conf import settings

    form = ProviderForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        form.instance.save(update_fields=["payment_provider"])
        messages.success(request, _("Payment provider saved."))
        return redirect("billing:manager_payment_account")
    school = request.tenant
    context = {
        "form": form, "school": school, "connect": settings.STRIPE_CONNECT,
        "not_connected": payment_setup_missing(school),
        "fee_example": application_fee(1_000_00, school),
    }
    return render(request, "billing/manager_payment_account.html", context, status=422 if form.errors else 200)


@role_required(Role.MANAGER, section="payment-account")
@require_POST
def manager_connect_start(request):
    from billing.connect import connect_onboarding_start

    try:
        url = connect_onboarding_start(
            school=request.tenant, email=request.user.email,
            refresh_url=request.build_absolute_uri(reverse("billing:manager_payment_account")),
            return_url=request.build_absolute_uri(reverse("billing:manager_connect_return")),
        )
    except ProviderError:
        logger.exception("Stripe onboarding could not start")
        messages.error(request, _("Stripe is not available right now. Please try again in a minute."))
        return redirect("billing:manager_payment_account")
    return redirect(url)


@role_required(Role.MANAGER, section="payment-account")
def manager_connect_return(request):
    from billing.connect import connect_status_refresh

    try:
        ready = connect_status_refresh(school=request.tenant)
    except ProviderError:
        logger.exception("Could not ask Stripe about the account")
        ready = False
    if ready:
        messages.success(request, _("Your Stripe account is connected: students can pay now."))
    else:
        messages.info(request, _("Stripe has not finished checking your account yet. "
                                 "Continue the setup, or come back later."))
    return redirect("billing:manager_payment_account")
