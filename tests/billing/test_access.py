"""Who may open which billing page: every view against the wrong role, nobody, and another school."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment, Product
from billing.services import payment_mark_paid
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create


@dataclass
class Bought:
    payment: Payment
    lesson_pass: Pass
    product: Product
    enrollment: object


def buy(alpha, student, product, enrollment) -> Bought:
    payment = Payment.objects.create(student=student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency)
    return Bought(payment, payment_mark_paid(payment=payment), product, enrollment)


@pytest.fixture
def bought(alpha, enrollment, package) -> Bought:
    """alpha's student has paid for the 8-lesson package."""
    return buy(alpha, alpha.student, package, enrollment)


# (method, path template) — {payment}, {pass}, {product} are filled from `bought`.
STUDENT_PAGES = [
    ("get", "/student/payments/"),
    ("post", "/billing/checkout/"),
    ("get", "/billing/checkout/{payment}/success/"),
    ("get", "/billing/checkout/{payment}/cancel/"),
    ("get", "/billing/passes/{pass}/"),
]
MANAGER_PAGES = [
    ("get", "/manager/products/"),
    ("get", "/manager/products/new/"),
    ("post", "/manager/products/new/"),
    ("get", "/manager/products/{product}/"),
    ("post", "/manager/products/{product}/"),
]
PRODUCT_FORM = {"name": "Cheap", "lessons": 100, "lesson_minutes": 60, "price": 1, "validity_days": 365,
                "position": 0, "is_active": "on"}


def request(client, method, template, bought, **extra):
    path = template.format(payment=bought.payment.pk, **{"pass": bought.lesson_pass.pk}, product=bought.product.pk)
    if method == "get":
        return client.get(path, **extra)
    data = {"product": bought.product.pk, "enrollment": bought.enrollment.pk} if "checkout" in path else PRODUCT_FORM
    return client.post(path, data, **extra)


def snapshot(alpha):
    """What a refused request must leave exactly as it was."""
    with schema_context(alpha.school.schema_name):
        return (
            list(Payment.objects.order_by("pk").values_list("pk", "status")),
            list(Product.objects.order_by("pk").values_list("pk", "name", "price", "lessons")),
            Pass.objects.count(),
            LedgerEntry.objects.count(),
        )


@pytest.mark.access(
    "billing:student_payments",
    "billing:checkout",
    "billing:checkout_success",
    "billing:checkout_cancel",
    "billing:pass_history",
    who="wrong_role",
)
@pytest.mark.parametrize("method, template", STUDENT_PAGES)
@pytest.mark.parametrize("role", ["teacher", "manager", "methodologist"])
def test_staff_cannot_open_student_billing_pages(alpha, bought, client_for, role, method, template):
    before = snapshot(alpha)

    response = request(client_for(alpha, getattr(alpha, role)), method, template, bought)

    assert response.status_code == 403
    assert snapshot(alpha) == before  # e.g. the cancel page did not cancel, checkout did not start


@pytest.mark.access(
    "billing:manager_products",
    "billing:manager_product_new",
    "billing:manager_product_edit",
    who="wrong_role",
)
@pytest.mark.parametrize("method, template", MANAGER_PAGES)
@pytest.mark.parametrize("role", ["student", "teacher", "methodologist"])
def test_only_managers_open_the_packages_pages(alpha, bought, client_for, role, method, template):
    before = snapshot(alpha)

    response = request(client_for(alpha, getattr(alpha, role)), method, template, bought)

    assert response.status_code == 403
    assert snapshot(alpha) == before


@pytest.mark.parametrize("method, template", STUDENT_PAGES + MANAGER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(alpha, bought, client_for, method, template):
    before = snapshot(alpha)

    response = request(client_for(alpha), method, template, bought)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(alpha) == before


@pytest.mark.parametrize("method, template", STUDENT_PAGES + MANAGER_PAGES)
@pytest.mark.parametrize("role", ["student", "manager"])
def test_another_schools_session_is_not_a_login_here(cast, alpha, bought, client_for, role, method, template):
    """beta's session cookie, sent to alpha's host: alpha has no such session."""
    beta_user = getattr(cast.b, role)
    client = client_for(cast.b, beta_user)
    before = snapshot(alpha)

    response = request(client, method, template, bought, HTTP_HOST=alpha.host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(alpha) == before


def test_the_webhook_endpoint_takes_only_signed_posts(alpha, client_for):
    client = client_for(alpha)

    assert client.get("/billing/webhooks/stripe/").status_code == 405
    assert client.post("/billing/webhooks/stripe/", data=b"{}", content_type="application/json").status_code == 400


# A student sees only their own ---------------------------------------------------------------
@pytest.fixture
def other_students_purchase(alpha) -> Bought:
    """student2 has a pass of their own, from a package with its own name, no longer on sale."""
    english = Language.objects.get(code="en")
    enrollment = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher, by=alpha.manager)
    product = Product.objects.create(name="Sue's 4 lessons", lessons=4, price=1_000_00, currency="RUB")
    purchase = buy(alpha, alpha.student2, product, enrollment)
    Product.objects.filter(pk=product.pk).update(is_active=False)
    return purchase


@pytest.mark.access("billing:student_payments", who="allowed")
def test_a_student_sees_only_their_own_passes(alpha, bought, other_students_purchase, client_for):
    page = client_for(alpha, alpha.student).get("/student/payments/").content.decode()

    assert "8 lessons" in page and '<span class="stat-value">8</span>' in page
    assert "Sue&#x27;s 4 lessons" not in page and "Sue's 4 lessons" not in page
    assert f"/billing/passes/{bought.lesson_pass.pk}/" in page
    assert f"/billing/passes/{other_students_purchase.lesson_pass.pk}/" not in page


@pytest.mark.parametrize(
    "template",
    ["/billing/passes/{pass}/", "/billing/checkout/{payment}/success/", "/billing/checkout/{payment}/cancel/"],
)
def test_another_students_pass_and_payment_are_not_found(alpha, bought, client_for, template):
    before = snapshot(alpha)

    response = request(client_for(alpha, alpha.student2), "get", template, bought)

    assert response.status_code == 404
    assert snapshot(alpha) == before


def test_a_student_cannot_buy_on_another_students_enrollment(alpha, bought, other_students_purchase, client_for):
    before = snapshot(alpha)

    response = client_for(alpha, alpha.student).post(
        "/billing/checkout/", {"product": bought.product.pk, "enrollment": other_students_purchase.enrollment.pk}
    )

    assert response.status_code == 404
    assert snapshot(alpha) == before


def test_another_schools_student_sees_nothing_of_this_school(cast, alpha, bought, client_for):
    beta = cast.b

    page = client_for(beta, beta.student).get("/student/payments/")

    assert page.status_code == 200
    assert "No passes yet" in page.content.decode() and "8 lessons" not in page.content.decode()
    connection.set_schema_to_public()
    with schema_context(beta.school.schema_name):
        assert not Pass.objects.exists() and not Payment.objects.exists()


def test_the_payments_page_query_count_does_not_grow_with_passes(alpha, bought, client_for):
    client = client_for(alpha, alpha.student)
    client.get("/student/payments/")  # warm caches (the school, the session)
    with CaptureQueriesContext(connection) as one_pass:
        client.get("/student/payments/")
    for _ in range(3):
        buy(alpha, alpha.student, bought.product, bought.enrollment)
    with CaptureQueriesContext(connection) as four_passes:
        page = client.get("/student/payments/")

    assert page.content.decode().count('class="card pass') == 4
    assert len(four_passes) == len(one_pass)
