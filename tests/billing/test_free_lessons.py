"""Free lessons: promo codes a manager creates and a student redeems, referral links, where grants go."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.free_lessons import (
    RedeemRefused,
    grant_place,
    promo_code_create,
    promo_code_redeem,
    referral_link_for,
)
from billing.models import FreeLessonGrant, LedgerEntry, Pass, Payment, PromoCode, Referral, ReferralLink
from billing.services import payment_mark_paid
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tests.billing.test_concurrency import all_at_once

PAGE = "/student/free-lessons/"


def messages_on(response) -> list[str]:
    found = re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode())
    return [html.unescape(text) for text in found]


def errors_on(response) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'<p class="error" role="alert">(.*?)</p>',
                                                        response.content.decode())]


def make_code(alpha, code="WELCOME", lessons=2, max_uses=10, expires_at=None):
    return promo_code_create(code=code, lessons=lessons, max_uses=max_uses, expires_at=expires_at, by=alpha.manager)


def buy(student, enrollment, product, now=None):
    payment = Payment.objects.create(student=student, enrollment=enrollment, product=product, amount=product.price,
                                     currency=product.currency)
    return payment_mark_paid(payment=payment, now=now)


@pytest.fixture
def student(client_for, alpha):
    return client_for(alpha, alpha.student)


# Redeeming a code -----------------------------------------------------------------------------------
def test_a_code_without_a_pass_gives_a_pass_of_free_lessons_on_the_students_language(alpha, enrollment, student):
    make_code(alpha, "welcome-2", lessons=2)

    page = student.post(PAGE, {"code": " Welcome-2 "}, follow=True)

    assert messages_on(page) == ["2 free lessons added to your pass."]
    (lesson_pass,) = Pass.objects.filter(enrollment=enrollment)
    assert lesson_pass.payment is None and lesson_pass.product.is_gift and not lesson_pass.product.is_active
    assert lesson_pass.valid_until - lesson_pass.starts_at == timedelta(days=alpha.school.pass_validity_days)
    assert list(lesson_pass.ledger.values_list("kind", "change", "balance_after", "reason", "actor")) == [
        ("free_granted", 2, 2, "promo code WELCOME-2", alpha.student.pk)
    ]
    assert PromoCode.objects.get().uses == 1
    payments_page = student.get("/student/payments/").content.decode()
    assert '<span class="stat-value">2</span> lessons left' in payments_page


def test_a_code_with_a_running_pass_adds_to_that_pass(alpha, enrollment, package, student):
    lesson_pass = buy(alpha.student, enrollment, package)
    make_code(alpha, lessons=3)

    student.post(PAGE, {"code": "welcome"})

    assert Pass.objects.count() == 1
    assert list(lesson_pass.ledger.values_list("kind", "change", "balance_after")) == [
        ("purchase", 8, 8), ("free_granted", 3, 11)
    ]


def test_the_gift_package_is_not_on_sale_nor_in_the_managers_list(alpha, enrollment, package, student, client_for):
    make_code(alpha)
    student.post(PAGE, {"code": "WELCOME"})

    payments = student.get("/student/payments/").content.decode()
    products = client_for(alpha, alpha.manager).get("/manager/products/").content.decode()

    assert "Free lessons</h4>" not in payments and "8 lessons" in products
    assert "Free lessons</a></td>" not in products


@pytest.mark.parametrize(
    "setup, typed, message",
    [
        (lambda alpha: make_code(alpha, expires_at=timezone.now() - timedelta(minutes=1)), "WELCOME",
         "This code has expired."),
        (lambda alpha: _used_up(alpha), "WELCOME", "This code has been used up."),
        (lambda alpha: make_code(alpha), "WELCOM", "There is no such code. Check the spelling."),
        (lambda alpha: _switched_off(alpha), "WELCOME", "There is no such code. Check the spelling."),
    ],
    ids=["expired", "used up", "misspelt", "switched off"],
)
def test_a_code_that_cannot_be_used_says_why_and_grants_nothing(alpha, enrollment, student, setup, typed, message):
    setup(alpha)
    uses_before = list(PromoCode.objects.values_list("uses", flat=True))

    page = student.post(PAGE, {"code": typed})

    assert page.status_code == 422
    assert errors_on(page) == [message]
    assert not FreeLessonGrant.objects.filter(student=alpha.student).exists()
    assert not Pass.objects.exists() and not LedgerEntry.objects.exists()
    assert list(PromoCode.objects.values_list("uses", flat=True)) == uses_before


def _used_up(alpha):
    code = make_code(alpha, max_uses=1)
    promo_code_redeem(student=alpha.student2, code=code.code)


def _switched_off(alpha):
    code = make_code(alpha)
    code.is_active = False
    code.save(update_fields=["is_active"])


def test_redeeming_twice_says_so_and_grants_once(alpha, enrollment, student):
    make_code(alpha, max_uses=5)
    student.post(PAGE, {"code": "WELCOME"})

    again = student.post(PAGE, {"code": "welcome"})

    assert errors_on(again) == ["You have already used this code."]
    assert FreeLessonGrant.objects.filter(student=alpha.student).count() == 1
    assert LedgerEntry.objects.filter(kind="free_granted").count() == 1
    assert PromoCode.objects.get().uses == 1


def test_the_expiry_date_is_the_last_valid_day_in_the_schools_zone(alpha, client_for):
    manager = client_for(alpha, alpha.manager)

    page = manager.post("/manager/free-lessons/", {"code": "spring", "lessons": 2, "max_uses": 3,
                                                    "valid_until": "2026-05-31"}, follow=True)

    assert messages_on(page) == ["Promo code created."]
    code = PromoCode.objects.get()
    assert (code.code, code.lessons, code.max_uses, code.created_by) == ("SPRING", 2, 3, alpha.manager)
    # Moscow is UTC+3: the code works until midnight after 31 May there.
    assert code.expires_at.isoformat() == "2026-05-31T21:00:00+00:00"
    assert "<code>SPRING</code>" in page.content.decode()


@pytest.mark.parametrize("bad, message", [
    ({"code": "x!", "lessons": 1, "max_uses": 1}, "A code is 3 to 32 letters, digits, - or _."),
    ({"code": "WELCOME", "lessons": 1, "max_uses": 1}, "This code exists already."),
    ({"code": "OTHER", "lessons": 0, "max_uses": 1}, "Ensure this value is greater than or equal to 1."),
])
def test_a_bad_promo_code_form_is_refused_with_a_message(alpha, client_for, bad, message):
    make_code(alpha)
    page = client_for(alpha, alpha.manager).post("/manager/free-lessons/", bad)

    assert page.status_code == 422 and message in errors_on(page)
    assert PromoCode.objects.count() == 1


def test_a_student_with_two_languages_chooses_where_the_lessons_go(alpha, enrollment, student):
    chinese = enrollment_create(student=alpha.student, language=Language.objects.get(code="zh"),
                                teacher=alpha.teacher2, by=alpha.manager)
    make_code(alpha)

    student.post(PAGE, {"code": "WELCOME", "enrollment": chinese.pk})

    (lesson_pass,) = Pass.objects.all()
    assert lesson_pass.enrollment == chinese


def test_without_a_language_the_lessons_wait_then_join_the_first_paid_pass(alpha, package, student):
    make_code(alpha, lessons=2)

    page = student.post(PAGE, {"code": "WELCOME"}, follow=True)

    assert messages_on(page) == [
        "2 free lessons are yours. They go on a pass as soon as you study a language with us."
    ]
    assert "Waiting: they go on a pass as soon as you study a language with us" in page.content.decode()
    enrollment = enrollment_create(student=alpha.student, language=Language.objects.get(code="en"),
                                   teacher=alpha.teacher, by=alpha.manager)
    lesson_pass = buy(alpha.student, enrollment, package)

    assert list(lesson_pass.ledger.values_list("kind", "change", "balance_after")) == [
        ("purchase", 8, 8), ("free_granted", 2, 10)
    ]
    assert FreeLessonGrant.objects.get().lesson_pass == lesson_pass


@pytest.mark.access("billing:student_grant_place", who="allowed")
def test_a_waiting_grant_is_placed_on_the_language_the_student_picks_once(alpha, student):
    make_code(alpha, lessons=2)
    student.post(PAGE, {"code": "WELCOME"})
    grant = FreeLessonGrant.objects.get()
    enrollment = enrollment_create(student=alpha.student, language=Language.objects.get(code="en"),
                                   teacher=alpha.teacher, by=alpha.manager)

    student.post(f"/student/free-lessons/{grant.pk}/place/", {"enrollment": enrollment.pk})
    student.post(f"/student/free-lessons/{grant.pk}/place/", {"enrollment": enrollment.pk})  # double click

    (lesson_pass,) = Pass.objects.all()
    assert lesson_pass.ledger.count() == 1 and lesson_pass.ledger.get().change == 2


@pytest.mark.access("billing:student_grant_place", who="wrong_role")
def test_a_student_cannot_place_another_students_grant(alpha, client_for):
    code = make_code(alpha)
    grant = promo_code_redeem(student=alpha.student2, code=code.code)
    enrollment = enrollment_create(student=alpha.student, language=Language.objects.get(code="en"),
                                   teacher=alpha.teacher, by=alpha.manager)

    response = client_for(alpha, alpha.student).post(f"/student/free-lessons/{grant.pk}/place/",
                                                     {"enrollment": enrollment.pk})

    assert response.status_code == 404
    assert not Pass.objects.exists()
    with pytest.raises(Exception, match="another student"):
        grant_place(grant=grant, enrollment=enrollment)


# Referral links -----------------------------------------------------------------------------------
def signup(client, email="newcomer@alpha.test"):
    password = "a-long-pass-phrase-42"
    return client.post("/accounts/signup/", {"full_name": "Nora Newcomer", "email": email, "password1": password,
                                             "password2": password})


def test_a_friend_who_signs_up_through_the_link_gets_the_schools_free_lessons(alpha, client_for, student):
    alpha.school.referral_newcomer_lessons = 2
    alpha.school.save(update_fields=["referral_newcomer_lessons"])
    page = student.get(PAGE).content.decode()
    link = ReferralLink.objects.get(student=alpha.student)
    assert f"http://{alpha.host}/join/{link.code}/" in page

    visitor = client_for(alpha)
    landing = visitor.get(f"/join/{link.code}/", follow=True)
    assert messages_on(landing) == ["Sign up: 2 free lessons are waiting for you."]
    response = signup(visitor)

    assert response.status_code == 302
    referral = Referral.objects.select_related("newcomer").get()
    assert referral.referrer == alpha.student and referral.newcomer.email == "newcomer@alpha.test"
    grant = FreeLessonGrant.objects.get(student=referral.newcomer)
    assert (grant.lessons, grant.source, grant.lesson_pass) == (2, "referral_newcomer", None)
    # The code is used up with the signup: a second account from the same browser gets nothing.
    visitor.logout()
    signup(visitor, "second@alpha.test")
    assert Referral.objects.count() == 1


def test_an_invalid_or_own_link_gives_nothing(alpha, client_for, student):
    visitor = client_for(alpha)
    page = visitor.get("/join/nope/", follow=True)
    assert messages_on(page) == ["This invitation link is not valid. You can still sign up."]

    own = student.get(f"/join/{referral_link_for(alpha.student).code}/", follow=True)
    assert messages_on(own) == ["You already have an account here: invitations are for people new to the school."]
    assert not Referral.objects.exists() and not FreeLessonGrant.objects.exists()


def test_the_referrer_is_rewarded_once_after_the_newcomers_first_payment(alpha, enrollment, package):
    from billing.free_lessons import referral_register

    alpha.school.referral_referrer_lessons = 1
    alpha.school.save(update_fields=["referral_referrer_lessons"])
    referrer_pass = buy(alpha.student, enrollment, package)
    referral_register(newcomer=alpha.student2, code=referral_link_for(alpha.student).code)
    english = Language.objects.get(code="en")
    newcomer_enrollment = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher,
                                            by=alpha.manager)
    assert not FreeLessonGrant.objects.filter(student=alpha.student).exists()  # not for signing up

    first = Payment.objects.create(student=alpha.student2, enrollment=newcomer_enrollment, product=package,
                                   amount=package.price, currency="RUB")
    payment_mark_paid(payment=first)
    payment_mark_paid(payment=first)  # the webhook, replayed
    buy(alpha.student2, newcomer_enrollment, package)  # a second payment

    (reward,) = FreeLessonGrant.objects.filter(student=alpha.student)
    assert (reward.source, reward.lessons, reward.lesson_pass) == ("referral_referrer", 1, referrer_pass)
    assert referrer_pass.ledger.filter(kind="free_granted").count() == 1
    assert Referral.objects.get().rewarded_at is not None
    # The newcomer's own waiting lesson (1 by default) joined their first pass.
    assert FreeLessonGrant.objects.get(student=alpha.student2).lesson_pass.payment == first


def test_without_a_referrer_reward_setting_the_first_payment_rewards_nobody(alpha, enrollment, package):
    from billing.free_lessons import referral_register

    referral_register(newcomer=alpha.student, code=referral_link_for(alpha.student2).code)
    buy(alpha.student, enrollment, package)

    assert not FreeLessonGrant.objects.filter(student=alpha.student2).exists()
    assert Referral.objects.get().rewarded_at is not None


# Races --------------------------------------------------------------------------------------------
@pytest.fixture
def committed_students(committed_cast):
    """Eight committed students of alpha racing for one code; removed afterwards with what they got."""
    from tenant_apps.accounts.services import user_create

    alpha = committed_cast.a
    schema = alpha.school.schema_name
    with schema_context(schema):
        students = [user_create(email=f"racer{i}@alpha.test", password="x-long-pass-42", full_name=f"Racer {i}",
                                is_student=True) for i in range(8)]
    connection.set_schema_to_public()
    yield alpha, students
    with schema_context(schema):
        FreeLessonGrant.objects.all().delete()
        PromoCode.objects.all().delete()
        for user in students:
            user.delete()
    connection.set_schema_to_public()


def redeem_at_once(schema: str, code: str, students: list) -> list[str]:
    """Each student of the list redeems `code` on a thread of their own, all released together."""

    def redeem(index):
        with schema_context(schema):
            try:
                promo_code_redeem(student=students[index], code=code)
                return "granted"
            except RedeemRefused as refusal:
                return refusal.code

    return all_at_once(len(students), redeem)


@pytest.mark.committed  # real threads on committed rows (the transaction=True of this suite)
def test_concurrent_redemptions_of_a_one_use_code_grant_exactly_once(committed_students):
    alpha, students = committed_students
    schema = alpha.school.schema_name
    with schema_context(schema):
        promo_code_create(code="ONLYONE", lessons=1, max_uses=1, expires_at=None, by=None)

    outcomes = redeem_at_once(schema, "onlyone", students)

    assert sorted(outcomes) == ["granted"] + ["used_up"] * (len(students) - 1)
    with schema_context(schema):
        assert FreeLessonGrant.objects.count() == 1
        assert PromoCode.objects.get().uses == 1


@pytest.mark.committed  # real threads on committed rows (the transaction=True of this suite)
def test_one_student_redeeming_in_many_tabs_at_once_gets_one_grant(committed_students):
    alpha, students = committed_students
    schema = alpha.school.schema_name
    with schema_context(schema):
        promo_code_create(code="TABS", lessons=1, max_uses=100, expires_at=None, by=None)

    outcomes = redeem_at_once(schema, "TABS", [students[0]] * 6)

    assert sorted(outcomes) == ["granted"] + ["twice"] * 5
    with schema_context(schema):
        assert FreeLessonGrant.objects.count() == 1 and PromoCode.objects.get().uses == 1


@pytest.mark.access("billing:manager_promo_code_toggle", who=("allowed", "wrong_role"))
def test_the_manager_switches_a_code_off_and_on_and_sets_the_referral_rewards(alpha, client_for, student):
    code = make_code(alpha)
    manager = client_for(alpha, alpha.manager)

    off = manager.post(f"/manager/free-lessons/{code.pk}/toggle/", {"active": "0"}, follow=True)
    manager.post(f"/manager/free-lessons/{code.pk}/toggle/", {"active": "0"})  # a second tab, same button
    refused = student.post(PAGE, {"code": "WELCOME"})
    on_page = manager.get("/manager/free-lessons/")
    manager.post(f"/manager/free-lessons/{code.pk}/toggle/", {"active": "1"}, follow=True)
    saved = manager.post("/manager/free-lessons/referrals/", {"referral_newcomer_lessons": 3,
                                                              "referral_referrer_lessons": 2}, follow=True)
    bad = manager.post("/manager/free-lessons/referrals/", {"referral_newcomer_lessons": 51,
                                                            "referral_referrer_lessons": -1}, follow=True)

    assert messages_on(off) == ["Promo code switched off."] and errors_on(refused)
    assert 'name="active" value="1"' in on_page.content.decode()  # the button offers "Switch on"
    assert PromoCode.objects.get().is_active
    assert messages_on(saved) == ["Referral settings saved."]
    assert messages_on(bad) == ["Enter numbers from 0 to 50."]
    school = type(alpha.school).objects.get(pk=alpha.school.pk)
    assert (school.referral_newcomer_lessons, school.referral_referrer_lessons) == (3, 2)
    assert client_for(alpha, alpha.student).post(f"/manager/free-lessons/{code.pk}/toggle/").status_code == 403
