"""A real worker runs each task in the schema of the school that sent it."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shared_apps.tenants.services import school_reactivate, school_suspend
from shared_apps.tenants.tasks import fan_out
from tenant_apps.accounts.models import User
from tenant_apps.accounts.tasks import school_user_summary

pytestmark = pytest.mark.committed

RESULT_TIMEOUT = 20
SUMMARY_TASK = school_user_summary.name


def _summary_sent_from(schema: str, worker) -> dict:
    with schema_context(schema):
        result = school_user_summary.apply_async(queue=worker.queue)
    return result.get(timeout=RESULT_TIMEOUT)


def _emails_in(schema: str) -> list[str]:
    """What the test process itself reads in that schema (the truth to compare with)."""
    with schema_context(schema):
        return sorted(User.objects.values_list("email", flat=True))


def _cast_emails(school_cast) -> set[str]:
    return {user.email for user in school_cast.users.values()}


def test_task_sent_from_alpha_runs_in_alpha_and_sees_only_alphas_users(worker, committed_cast):
    summary = _summary_sent_from("alpha", worker)

    assert summary["schema"] == "alpha"
    assert summary["emails"] == _emails_in("alpha")
    assert _cast_emails(committed_cast.a) <= set(summary["emails"])
    assert all(email.endswith("@alpha.test") for email in summary["emails"]), summary["emails"]


def test_task_sent_from_beta_runs_in_beta_and_sees_only_betas_users(worker, committed_cast):
    summary = _summary_sent_from("beta", worker)

    assert summary["schema"] == "beta"
    assert summary["emails"] == _emails_in("beta")
    assert _cast_emails(committed_cast.b) <= set(summary["emails"])
    assert all(email.endswith("@beta.test") for email in summary["emails"]), summary["emails"]


def test_task_sent_from_the_public_schema_sees_the_platforms_users(worker, committed_cast):
    with schema_context("public"):
        operator = User.objects.create_user("operator@platform.test", "x", is_staff=True)
    try:
        summary = _summary_sent_from("public", worker)
        expected = _emails_in("public")
    finally:
        # Not operator.delete(): the collector would follow relations into school-only tables
        # (learning_teacherprofile), which the public schema does not have.
        with schema_context("public"), connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_user WHERE id = %s", [operator.pk])

    assert summary["schema"] == "public"
    assert summary["emails"] == expected
    assert "operator@platform.test" in summary["emails"]
    assert not any(email.endswith(("@alpha.test", "@beta.test")) for email in summary["emails"])


def test_the_worker_switches_schema_for_every_task(worker, committed_cast):
    sent = []
    for schema in ["alpha", "beta", "public", "alpha"]:
        with schema_context(schema):
            sent.append((schema, school_user_summary.apply_async(queue=worker.queue)))

    ran_in = [(schema, result.get(timeout=RESULT_TIMEOUT)["schema"]) for schema, result in sent]

    assert ran_in == [("alpha", "alpha"), ("beta", "beta"), ("public", "public"), ("alpha", "alpha")]


def _fan_out_and_collect(worker) -> tuple[list[dict], dict[str, dict]]:
    with schema_context("public"):
        parent = fan_out.apply_async(kwargs={"task_name": SUMMARY_TASK, "queue": worker.queue}, queue=worker.queue)
    sent = parent.get(timeout=RESULT_TIMEOUT)
    results = {item["schema"]: fan_out.AsyncResult(item["task_id"]).get(timeout=RESULT_TIMEOUT) for item in sent}
    return sent, results


def test_fan_out_runs_the_task_once_in_each_live_school(worker, committed_cast):
    sent, results = _fan_out_and_collect(worker)

    # One copy per school: not the public schema, not the template.
    assert sorted(item["schema"] for item in sent) == ["alpha", "beta"]
    assert {schema: summary["schema"] for schema, summary in results.items()} == {"alpha": "alpha", "beta": "beta"}
    assert results["alpha"]["emails"] == _emails_in("alpha")
    assert results["beta"]["emails"] == _emails_in("beta")


def test_fan_out_skips_suspended_schools(worker, committed_cast):
    school_suspend(school=committed_cast.b.school, reason="unpaid")
    try:
        sent, results = _fan_out_and_collect(worker)
    finally:
        school_reactivate(school=committed_cast.b.school)

    assert [item["schema"] for item in sent] == ["alpha"]
    assert results["alpha"]["schema"] == "alpha"


def test_fan_out_sent_from_inside_a_school_refuses_to_run(worker, committed_cast):
    with schema_context("alpha"):
        result = fan_out.apply_async(kwargs={"task_name": SUMMARY_TASK, "queue": worker.queue}, queue=worker.queue)

    with pytest.raises(RuntimeError, match="public schema"):
        result.get(timeout=RESULT_TIMEOUT)
