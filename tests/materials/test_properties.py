"""Properties of the upload sniffer and the text sanitiser, and two teachers' tabs adding at once."""

import re
import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.materials.files import sniff
from tenant_apps.materials.sanitize import clean_text

FAMILIES = {"image", "pdf", "audio", "video", "media", "zip", "ole", "document"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_are_either_recognised_or_refused_never_an_error(head):
    found = sniff(head)

    assert found is None or (found[0] in FAMILIES and "/" in found[1] and found[2].isalnum())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "<p onclick='x()'>p</p>", "<iframe src=//evil>", "<style>body{}</style>", "<b>bold</b>", "plain & text",
    "<svg onload=alert(1)>", '<a href="https://example.com">ok</a>', "<", ">", "\n\n", "<!-- c -->",
]), max_size=8))
def test_the_sanitiser_never_lets_script_through(parts):
    html = clean_text("".join(parts)).lower()
    tags = re.findall(r"<[^>]*>", html)  # real markup; what was escaped is shown as text

    assert not [tag for tag in tags if re.match(r"</?(script|iframe|svg|style|img)\b", tag)]
    assert not [tag for tag in tags if re.search(r"\son\w+\s*=|javascript:", tag)]


@pytest.mark.committed
def test_two_tabs_adding_items_at_once_get_the_next_positions(committed_cast, private_media):
    from tenant_apps.materials.models import PlanItem
    from tenant_apps.materials.services import item_add, plan_create
    from tests.materials.conftest import make_lesson

    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        lesson = make_lesson(alpha)
        plan = plan_create(owner=alpha.teacher, lesson=lesson, title="Race")
    connection.set_schema_to_public()
    start, errors = threading.Barrier(4), []

    def add(index):
        try:
            with schema_context(alpha.school.schema_name):
                start.wait()
                item_add(plan=plan, by=alpha.teacher, kind="text", title=f"Tab {index}", text="x")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with schema_context(alpha.school.schema_name):
        positions = sorted(PlanItem.objects.filter(plan=plan).values_list("position", flat=True))
        lesson.delete()
        lesson.enrollment.delete()
    connection.set_schema_to_public()

    assert errors == []
    assert positions == [1, 2, 3, 4]
