"""Free lessons: promo codes, referral links, and where granted lessons are held.

How free lessons without a paid pass are held: the ledger belongs to passes, so a grant is a
`FreeLessonGrant` row first, and lands in the ledger when it is placed on a pass of the student's
enrollment: the enrollment's running pass if there is one ("free lessons granted" row on it), else
a new pass of free lessons (a `Pass` with no payment, of the school's hidden "free lessons"
package, whose first ledger row is that grant). Scheduling books the weekly plan into that pass as
into a paid one (billing's "pass activated" hook). A student who studies nothing yet (a newcomer
who signed up through a referral link) keeps the grant waiting: it is placed when they choose a
language on their Free lessons page, or joins their first paid pass.
"""

import re
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing import hooks
from billing.models import FreeLessonGrant, LedgerEntry, Pass, Product, PromoCode, Referral, ReferralLink
from billing.services import _ledger_append, _lock, _school, locked

Source = FreeLessonGrant.Source
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
REFERRAL_SESSION_KEY = "billing.referral_code"


def promo_code_normalise(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


class RedeemRefused(ValidationError):
    pass


# Placing grants on passes ------------------------------------------------------------------
def _gift_product() -> Product:
    """The hidden package passes of free lessons belong to (lesson length and name for the pages)."""
    product = Product.objects.filter(is_gift=True).order_by("pk").first()
    if product is not None:
        return product
    school = _school()
    with translation.override(school.default_language):
        name = gettext("Free lessons")
    return Product.objects.create(
        name=name, lessons=1, price=0, currency=school.currency, validity_days=school.pass_validity_days,
        is_active=False, is_gift=True, position=999,
    )


def _running_pass(enrollment, now: datetime) -> Pass | None:
    return (
        Pass.objects.filter(enrollment=enrollment, starts_at__lte=now, valid_until__gt=now)
        .order_by("-valid_until", "-pk")
        .first()
    )


def _grant_reason(grant: FreeLessonGrant) -> str:
    if grant.promo_code_id:
        return gettext("promo code %(code)s") % {"code": grant.promo_code.code}
    return str(grant.get_source_display())


@transaction.atomic
def grant_place(*, grant: FreeLessonGrant, enrollment, by=None, now: datetime | None = None) -> Pass:
    """Put a waiting grant's lessons on `enrollment`: its running pass, else a new pass of free lessons.

    Placing twice places once (the grant row is locked and remembers its pass).
    """
    now = now or timezone.now()
    # The lock order puts passes before grants (a paid pass places its waiting grants under its own
    # lock), so the running pass is locked first and the grant after it.
    lesson_pass = _running_pass(enrollment, now)
    if lesson_pass is not None:
        lesson_pass = _lock(lesson_pass)
    grant = locked(FreeLessonGrant.objects.select_related("promo_code")).get(pk=grant.pk)
    if grant.lesson_pass_id is not None:
        return grant.lesson_pass
    if enrollment.student_id != grant.student_id:
        raise ValidationError(_("These free lessons belong to another student."), code="not_theirs")
    created = lesson_pass is None
    if created:
        school = _school()
        lesson_pass = Pass.objects.create(
            enrollment=enrollment, product=_gift_product(), payment=None, lessons=grant.lessons,
            starts_at=now, valid_until=now + school.pass_validity,
        )  # a new row: no one else can hold it
    _ledger_append(lesson_pass=lesson_pass, change=grant.lessons, kind=LedgerEntry.Kind.FREE_GRANTED,
                   actor=by or grant.student, reason=_grant_reason(grant))
    grant.lesson_pass = lesson_pass
    grant.placed_at = now
    grant.save(update_fields=["lesson_pass", "placed_at"])
    if created:
        hooks.pass_activated(lesson_pass.pk)
    else:
        hooks.credits_added(lesson_pass.pk)
    return lesson_pass


def _place_if_obvious(grant: FreeLessonGrant, *, enrollment=None, now: datetime) -> None:
    """Placed now when it is clear where: the chosen enrollment, or the student's only one."""
    if enrollment is None:
        active = list(grant.student.enrollments.filter(is_active=True)[:2])
        enrollment = active[0] if len(active) == 1 else None
    if enrollment is not None:
        grant.lesson_pass = grant_place(grant=grant, enrollment=enrollment, now=now)


def grants_place_on_paid_pass(*, lesson_pass: Pass, now: datetime) -> None:
    """Waiting grants of the pass's student join their first paid pass. Call inside its transaction."""
    waiting = FreeLessonGrant.objects.filter(student_id=lesson_pass.enrollment.student_id, lesson_pass__isnull=True)
    for grant in waiting.order_by("pk"):
        grant_place(grant=grant, enrollment=lesson_pass.enrollment, now=now)


# Promo codes --------------------------------------------------------------------------------
@transaction.atomic
def promo_code_create(*, code: str, lessons: int, max_uses: int, expires_at: datetime | None, by) -> PromoCode:
    code = promo_code_normalise(code)
    if not CODE_PATTERN.match(code):
        raise ValidationError(_("A code is 3 to 32 letters, digits, - or _."), code="bad_code")
    if PromoCode.objects.filter(code=code).exists():
        raise ValidationError(_("This code exists already."), code="duplicate")
    return PromoCode.objects.create(code=code, lessons=lessons, max_uses=max_uses, expires_at=expires_at,
                                    created_by=by)


def promo_code_redeem(*, student, code: str, enrollment=None, now: datetime | None = None) -> FreeLessonGrant:
    """The student types a code: one grant per student per code, never more than its uses.

    Raises `RedeemRefused` with the reason the student reads; nothing is granted then.
    """
    now = now or timezone.now()
    if enrollment is not None and enrollment.student_id != student.pk:
        raise RedeemRefused(_("Choose one of your languages."), code="not_theirs")
    try:
        with transaction.atomic():
            grant = _redeem(student=student, code=promo_code_normalise(code), now=now)
            _place_if_obvious(grant, enrollment=enrollment, now=now)
    except IntegrityError:
        # Two tabs of one student passed the check together: the unique (code, student) decided.
        raise RedeemRefused(_("You have already used this code."), code="twice") from None
    return grant


def _redeem(*, student, code: str, now: datetime) -> FreeLessonGrant:
    # Locking the code's row serialises redemptions: of two students racing for the last use,
    # the second reads the first one's count after it commits.
    promo = locked(PromoCode.objects.filter(code=code)).first() if code else None
    if promo is None or not promo.is_active:
        raise RedeemRefused(_("There is no such code. Check the spelling."), code="unknown")
    if promo.is_expired(now):
        raise RedeemRefused(_("This code has expired."), code="expired")
    if FreeLessonGrant.objects.filter(promo_code=promo, student=student).exists():
        raise RedeemRefused(_("You have already used this code."), code="twice")
    if promo.uses >= promo.max_uses:
        raise RedeemRefused(_("This code has been used up."), code="used_up")
    promo.uses += 1
    promo.save(update_fields=["uses"])
    return FreeLessonGrant.objects.create(student=student, lessons=promo.lessons, source=Source.PROMO, promo_code=promo)


# Referrals ------------------------------------------------------------------------------------
def referral_link_for(student) -> ReferralLink:
    link = ReferralLink.objects.filter(student=student).first()
    while link is None:
        try:
            with transaction.atomic():
                link = ReferralLink.objects.create(student=student, code=secrets.token_urlsafe(6))
        except IntegrityError:  # the same code drawn twice, or the student's other tab made it
            link = ReferralLink.objects.filter(student=student).first()
    return link


@transaction.atomic
def referral_register(*, newcomer, code: str, now: datetime | None = None) -> Referral | None:
    """A newcomer signed up through a link: record who invited them and give the school's free lessons.

    Once per newcomer (the referral is one-to-one with them); one's own link gives nothing.
    """
    link = ReferralLink.objects.select_related("student").filter(code=code).first() if code else None
    if link is None or link.student_id == newcomer.pk or Referral.objects.filter(newcomer=newcomer).exists():
        return None
    referral = Referral.objects.create(referrer=link.student, newcomer=newcomer)
    lessons = _school().referral_newcomer_lessons
    if lessons:
        FreeLessonGrant.objects.create(student=newcomer, lessons=lessons, source=Source.REFERRAL_NEWCOMER,
                                       referral=referral)
    return referral


def referral_reward_after_payment(*, newcomer, now: datetime) -> FreeLessonGrant | None:
    """The newcomer's first payment: the student who invited them gets the school's reward, once.

    Call inside the transaction that marks the payment paid (which runs once per payment).
    """
    referral = locked(Referral.objects.filter(newcomer=newcomer, rewarded_at__isnull=True)).first()
    if referral is None:
        return None
    referral.rewarded_at = now
    referral.save(update_fields=["rewarded_at"])
    lessons = _school().referral_referrer_lessons
    if not lessons:
        return None
    grant = FreeLessonGrant.objects.create(student_id=referral.referrer_id, lessons=lessons,
                                           source=Source.REFERRAL_REFERRER, referral=referral)
    _place_if_obvious(grant, now=now)
    return grant


def on_user_signed_up(sender, request, user, **kwargs) -> None:
    """allauth's "signed up" event: a newcomer who arrived through a referral link is registered."""
    code = request.session.pop(REFERRAL_SESSION_KEY, "") if request is not None else ""
    if code:
        referral_register(newcomer=user, code=code)
