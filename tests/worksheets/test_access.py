"""Every worksheets URL: the role it is for gets it, other roles of the school are refused.

Another school's users are swept by tests/security/test_url_sweep.py and by test_pages.py's own
other-school tests. Writes refused to a wrong role change nothing (checked on the worksheet's items).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenant_apps.worksheets.models import Worksheet
from tenant_apps.worksheets.samplepdf import PRINTED_WORKSHEET, text_pdf
from tenant_apps.worksheets.services import attempt_start, attempt_submit, worksheet_file_add

TEACHER_URLS = {
    "worksheets:teacher": ("get", "/teacher/assignments/", {}),
    "worksheets:new": ("post", "/teacher/assignments/new/", {"title": "New one"}),
    "worksheets:gift_import": ("post", "/teacher/assignments/import/", {"title": "Q", "text": "Yes? {{T}}"}),
    "worksheets:background_new": ("post", "/teacher/assignments/from-pdf/", "pdf"),
    "worksheets:builder": ("get", "/teacher/assignments/{pk}/", {}),
    "worksheets:item_new": ("get", "/teacher/assignments/{pk}/items/new/?type=single", {}),
    "worksheets:item_edit": ("get", "/teacher/assignments/{pk}/items/{item}/", {}),
    "worksheets:item_delete": ("post", "/teacher/assignments/{pk}/items/{item}/delete/", {}),
    "worksheets:item_move": ("post", "/teacher/assignments/{pk}/items/{item}/move/", {"direction": "down"}),
    "worksheets:box_new": ("post", "/teacher/assignments/{pk}/boxes/", {"page": 1, "x": 1, "y": 1, "w": 5, "h": 2,
                                                                         "type": "gaps"}),
    "worksheets:share": ("post", "/teacher/assignments/{pk}/share/", {"student": "{student}"}),
    "worksheets:gift_export": ("get", "/teacher/assignments/{pk}/export.gift", {}),
    "worksheets:preview": ("get", "/teacher/assignments/{pk}/preview/", {}),
    "worksheets:attempts": ("get", "/teacher/assignments/{pk}/attempts/", {}),
    "worksheets:attempt": ("get", "/teacher/assignments/attempts/{done}/", {}),
}
STUDENT_URLS = {
    "worksheets:student": ("get", "/student/worksheets/", {}),
    "worksheets:run": ("get", "/student/worksheets/{pk}/", {}),
    "worksheets:save": ("post", "/student/worksheets/attempts/{open}/save/", {}),
    "worksheets:submit": ("post", "/student/worksheets/attempts/{open}/submit/", {}),
    "worksheets:result": ("get", "/student/worksheets/attempts/{done}/", {}),
}
FILE_URLS = {
    "worksheets:file": "/worksheets/files/{file}/",
    "worksheets:file_page": "/worksheets/files/{file}/pages/1.jpg",
}


@pytest.fixture
def places(alpha, worksheet, enrollment):
    worksheet.background = worksheet_file_add(worksheet=worksheet, kind="pdf", upload=SimpleUploadedFile(
        "p.pdf", text_pdf(PRINTED_WORKSHEET), content_type="application/pdf"))
    worksheet.save(update_fields=["background"])
    done = attempt_submit(attempt=attempt_start(worksheet=worksheet, student=alpha.student), answers={})
    still_open = attempt_start(worksheet=worksheet, student=alpha.student)
    return {"pk": worksheet.pk, "item": worksheet.items[2]["id"], "done": done.pk, "open": still_open.pk,
            "file": worksheet.background.pk, "student": alpha.student.pk}


def _request(client, method, path, data, places):
    path = path.format(**places)
    if data == "pdf":
        data = {"title": "Printed", "file": SimpleUploadedFile("p.pdf", text_pdf(["1. I ____ here."]))}
    else:
        data = {key: str(value).format(**places) for key, value in data.items()}
    return getattr(client, method)(path, data)


@pytest.mark.access(*TEACHER_URLS, who="allowed")
@pytest.mark.parametrize("name", TEACHER_URLS)
def test_the_worksheets_teacher_gets_every_teacher_url(client_for, alpha, places, name):
    method, path, data = TEACHER_URLS[name]
    response = _request(client_for(alpha, alpha.teacher), method, path, data, places)

    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.access(*TEACHER_URLS, who="wrong_role")
@pytest.mark.parametrize("name", TEACHER_URLS)
@pytest.mark.parametrize("who", ["student", "teacher2"])
def test_a_student_or_another_teacher_is_refused_the_teachers_urls(client_for, alpha, places, name, who):
    method, path, data = TEACHER_URLS[name]
    if who == "teacher2" and "{" not in path:
        return  # their own list and their own new worksheets: not another's
    before = list(Worksheet.objects.values_list("pk", "items"))
    response = _request(client_for(alpha, getattr(alpha, who)), method, path, data, places)

    assert response.status_code in (403, 404)
    assert list(Worksheet.objects.values_list("pk", "items")) == before


@pytest.mark.access(*STUDENT_URLS, *FILE_URLS, who="allowed")
@pytest.mark.parametrize("name", [*STUDENT_URLS, *FILE_URLS])
def test_the_student_it_was_given_to_gets_every_student_url(client_for, alpha, places, name):
    method, path, data = STUDENT_URLS.get(name) or ("get", FILE_URLS[name], {})
    response = _request(client_for(alpha, alpha.student), method, path, data, places)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.access(*STUDENT_URLS, *FILE_URLS, who="wrong_role")
@pytest.mark.parametrize("name", [*STUDENT_URLS, *FILE_URLS])
@pytest.mark.parametrize("who", ["teacher", "student2", "manager"])
def test_others_are_refused_the_students_urls(client_for, alpha, places, name, who):
    method, path, data = STUDENT_URLS.get(name) or ("get", FILE_URLS[name], {})
    if name in FILE_URLS and who in ("teacher", "manager"):
        return  # the author and the school's overseers see the worksheet's files (test_pages covers them)
    if name == "worksheets:student" and who == "student2":
        return  # their own (empty) list
    response = _request(client_for(alpha, getattr(alpha, who)), method, path, data, places)

    assert response.status_code in (403, 404)


@pytest.mark.access(*TEACHER_URLS, *STUDENT_URLS, *FILE_URLS, who="other_school")
@pytest.mark.parametrize("name", [*TEACHER_URLS, *STUDENT_URLS, *FILE_URLS])
def test_another_schools_teacher_and_student_get_nothing(client_for, cast, places, name):
    method, path, data = STUDENT_URLS.get(name) or TEACHER_URLS.get(name) or ("get", FILE_URLS[name], {})
    if "{" not in path:
        return  # their own school's lists
    for user in (cast.b.teacher, cast.b.student):
        response = _request(client_for(cast.b, user), method, path, data, places)
        assert response.status_code in (403, 404)
