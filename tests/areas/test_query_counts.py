"""List pages keep a small, constant number of queries as the school grows."""

import pytest
from django_tenants.utils import schema_context

from tenant_apps.accounts.services import user_create
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create


def add_students(school_cast, count, teacher):
    with schema_context(school_cast.school.schema_name):
        english = Language.objects.get(code="en")
        for index in range(count):
            student = user_create(email=f"bulk{index}@alpha.test", password=None, full_name=f"Bulk {index}",
                                  is_student=True)
            enrollment_create(student=student, language=english, teacher=teacher, by=school_cast.manager)


@pytest.mark.parametrize(("who", "url"), [("teacher", "/teacher/students/"), ("teacher", "/teacher/"),
                                          ("manager", "/manager/students/"), ("manager", "/manager/"),
                                          ("manager", "/manager/staff/")])
def test_list_pages_cost_the_same_with_3_or_30_students(client_for, cast, django_assert_max_num_queries, who, url):
    client = client_for(cast.a, getattr(cast.a, who))
    add_students(cast.a, 3, cast.a.teacher)
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)

    add_students_more = 27
    with schema_context(cast.a.school.schema_name):
        english = Language.objects.get(code="en")
        for index in range(add_students_more):
            student = user_create(email=f"more{index}@alpha.test", password=None, is_student=True)
            enrollment_create(student=student, language=english, teacher=cast.a.teacher, by=cast.a.manager)
    with django_assert_max_num_queries(8) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
