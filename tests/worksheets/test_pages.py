"""The teacher's Assignments and the student's Worksheets, as people use them: every page, every role."""

import json

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.worksheets.engine import solution
from tenant_apps.worksheets.models import Attempt, Worksheet
from tenant_apps.worksheets.runner import answers_from_form
from tenant_apps.worksheets.samplepdf import PRINTED_WORKSHEET, text_pdf
from tenant_apps.worksheets.services import attempt_start, attempt_submit

TEACHER_PAGES = ["/teacher/assignments/{pk}/", "/teacher/assignments/{pk}/items/new/?type=gaps",
                 "/teacher/assignments/{pk}/preview/", "/teacher/assignments/{pk}/attempts/",
                 "/teacher/assignments/{pk}/export.gift", "/teacher/assignments/{pk}/items/{item}/"]
# The same pages by URL name, for the access-test registry (tests/security/test_access_coverage.py).
TEACHER_PAGE_NAMES = ["worksheets:builder", "worksheets:item_new", "worksheets:preview", "worksheets:attempts",
                      "worksheets:gift_export", "worksheets:item_edit"]


def form_fields(item, answer) -> dict:
    """The form fields a browser sends for one item's answer (the runner's naming)."""
    key, kind = item["id"], item["type"]
    if kind in ("gaps", "dropdown", "words"):
        return {f"{key}.{n}": value for n, value in enumerate(answer)}
    if kind in ("match", "zones"):
        return {f"{key}.{left}": right for left, right in answer.items()}
    if kind == "truefalse":
        return {key: "true" if answer else "false"}
    if kind == "listening":
        out = {}
        for sub in item["items"]:
            out |= form_fields(sub, answer[sub["id"]])
        return out
    return {key: answer}


def right_answers(worksheet) -> dict:
    fields = {}
    for item in worksheet.items:
        if item["type"] not in ("text", "image", "video", "open", "speaking"):
            fields |= form_fields(item, solution(item))
    return fields


def test_the_teacher_sees_assignments_in_the_menu_and_their_worksheets(client_for, alpha, worksheet,
                                                                       django_assert_max_num_queries):
    client = client_for(alpha, alpha.teacher)
    with django_assert_max_num_queries(12):
        page = client.get("/teacher/assignments/").content.decode()

    assert "Verb to be" in page and "coming soon" not in page.lower().split("assignments")[1][:200]


@pytest.mark.access(*TEACHER_PAGE_NAMES, who="allowed")
@pytest.mark.parametrize("path", TEACHER_PAGES)
def test_every_builder_page_opens_for_its_author(client_for, alpha, worksheet, path):
    item = worksheet.items[1]["id"]
    response = client_for(alpha, alpha.teacher).get(path.format(pk=worksheet.pk, item=item))

    assert response.status_code == 200


@pytest.mark.access(*TEACHER_PAGE_NAMES, who="wrong_role")
@pytest.mark.parametrize("path", TEACHER_PAGES)
def test_another_teacher_may_not_change_it_and_a_student_may_not_open_it(client_for, alpha, worksheet, path):
    item = worksheet.items[1]["id"]
    url = path.format(pk=worksheet.pk, item=item)

    assert client_for(alpha, alpha.teacher2).get(url).status_code == 403
    assert client_for(alpha, alpha.student).get(url).status_code == 403


@pytest.mark.parametrize("path", TEACHER_PAGES + ["/student/worksheets/{pk}/"])
def test_another_schools_people_find_nothing(client_for, cast, worksheet, path):
    url = path.format(pk=worksheet.pk, item=worksheet.items[1]["id"])

    assert client_for(cast.b, cast.b.teacher).get(url).status_code in (403, 404)
    assert client_for(cast.b, cast.b.student).get(url).status_code in (403, 404)


def test_a_teacher_builds_a_worksheet_with_plain_text_marks(client_for, alpha):
    client = client_for(alpha, alpha.teacher)
    response = client.post("/teacher/assignments/new/", {"title": "Animals"})
    worksheet = Worksheet.objects.get(title="Animals")
    assert response.status_code == 302

    base = f"/teacher/assignments/{worksheet.pk}/items/new/"
    client.post(base + "?type=gaps", {"prompt": "<b>Fill</b><script>alert(1)</script>",
                                      "body": "A [cat|~kitty] says meow.", "points": 2, "typos": "on"})
    client.post(base + "?type=single", {"prompt": "Which barks?", "body": "*dog\ncat # Cats meow.", "points": 1})
    client.post(base + "?type=match", {"body": "cat = кошка\ndog = собака\n= рыба", "points": 2})
    client.post(base + "?type=order", {"body": "the dog is big", "points": 1})
    client.post(base + "?type=zones", {"body": "pets: cat, dog\nwild: wolf", "points": 3})
    client.post(base + "?type=words", {"body": "A [dog] barks.", "extra": "cat", "points": 1})
    bad = client.post(base + "?type=dropdown", {"body": "I [am|is] here.", "points": 1})

    worksheet.refresh_from_db()
    assert [item["type"] for item in worksheet.items] == ["gaps", "single", "match", "order", "zones", "words"]
    assert "<script>" not in worksheet.items[0]["prompt"] and "<b>Fill</b>" in worksheet.items[0]["prompt"]
    assert worksheet.items[0]["gaps"][0]["answers"][1] == {"text": "kitty", "hidden": True, "weight": 100}
    assert worksheet.items[0]["checking"] == {"typos": True}
    assert bad.status_code == 422 and "Mark exactly one choice" in bad.content.decode()


def test_editing_an_item_shows_its_marks_and_saves_changes(client_for, alpha, worksheet):
    client = client_for(alpha, alpha.teacher)
    gaps = worksheet.items[1]
    url = f"/teacher/assignments/{worksheet.pk}/items/{gaps['id']}/"

    assert "[am]" in client.get(url).content.decode()
    client.post(url, {"body": "I [am|~&#x27;m] happy.", "points": 3})
    worksheet.refresh_from_db()
    assert worksheet.items[1]["points"] == 3 and worksheet.items[1]["id"] == gaps["id"]


def test_the_student_page_never_holds_the_answers(client_for, alpha, worksheet):
    page = client_for(alpha, alpha.student).get(f"/student/worksheets/{worksheet.pk}/").content.decode()

    assert "Verb to be" in page
    match = next(item for item in worksheet.items if item["type"] == "match")
    single = next(item for item in worksheet.items if item["type"] == "single")
    assert "weight" not in page and "кошка" in page
    # The right option and the wrong ones look alike: nothing marks Paris out.
    paris = next(o for o in single["options"] if o["weight"] == 100)
    assert page.count(paris["id"]) == 1
    assert json.dumps(solution(match)) not in page


def test_answers_autosave_survive_a_reload_and_the_submit_grades_them(client_for, alpha, worksheet):
    client = client_for(alpha, alpha.student)
    client.get(f"/student/worksheets/{worksheet.pk}/")
    attempt = Attempt.objects.get(worksheet=worksheet, student=alpha.student)
    gaps = worksheet.items[1]

    saved = client.post(f"/student/worksheets/attempts/{attempt.pk}/save/", {f"{gaps['id']}.0": "am"})
    assert saved.status_code == 200 and "saved_at" in saved.json()
    reloaded = client.get(f"/student/worksheets/{worksheet.pk}/").content.decode()
    assert 'value="am"' in reloaded

    fields = right_answers(worksheet)
    response = client.post(f"/student/worksheets/attempts/{attempt.pk}/submit/", fields)
    attempt.refresh_from_db()
    assert response.status_code == 302
    assert attempt.is_submitted and attempt.score == attempt.max_score - 2  # the open answer waits for the teacher
    result = client.get(response["Location"]).content.decode()
    assert "Solution:" in result and "still to be graded by your teacher" in result

    closed = client.post(f"/student/worksheets/attempts/{attempt.pk}/save/", {f"{gaps['id']}.0": "x"})
    assert closed.status_code == 409


def test_a_student_cannot_save_into_another_students_attempt(client_for, alpha, worksheet):
    attempt = attempt_start(worksheet=worksheet, student=alpha.student)

    response = client_for(alpha, alpha.student2).post(f"/student/worksheets/attempts/{attempt.pk}/save/", {})
    assert response.status_code == 404
    assert client_for(alpha, alpha.student2).get(f"/student/worksheets/{worksheet.pk}/").status_code == 404
    assert client_for(alpha, alpha.teacher).get(f"/student/worksheets/{worksheet.pk}/").status_code == 403


def test_the_teacher_grades_an_open_answer_and_the_score_follows(client_for, alpha, worksheet):
    attempt = attempt_start(worksheet=worksheet, student=alpha.student)
    open_item = worksheet.items[-1]
    attempt_submit(attempt=attempt, answers={open_item["id"]: "I like tea."})
    client = client_for(alpha, alpha.teacher)

    page = client.get(f"/teacher/assignments/attempts/{attempt.pk}/").content.decode()
    assert "I like tea." in page
    too_many = client.post(f"/teacher/assignments/attempts/{attempt.pk}/", {"item": open_item["id"], "points": 5})
    assert too_many.status_code == 422
    client.post(f"/teacher/assignments/attempts/{attempt.pk}/", {"item": open_item["id"], "points": 1.5})
    attempt.refresh_from_db()
    assert attempt.score == 1.5 and attempt.result["pending"] == 0
    assert client_for(alpha, alpha.teacher2).get(f"/teacher/assignments/attempts/{attempt.pk}/").status_code == 403


def test_the_students_list_shows_the_last_result(client_for, alpha, worksheet, django_assert_max_num_queries):
    attempt_submit(attempt=attempt_start(worksheet=worksheet, student=alpha.student), answers={})
    client = client_for(alpha, alpha.student)
    with django_assert_max_num_queries(10):
        page = client.get("/student/worksheets/").content.decode()

    assert "Verb to be" in page and "Last result: 0 of" in page
    assert client_for(alpha, alpha.teacher).get("/student/worksheets/").status_code == 403


def test_gift_import_refuses_all_when_one_question_is_broken_unless_asked(client_for, alpha):
    client = client_for(alpha, alpha.teacher)
    source = "Two plus two? {=4 ~5}\n\nBroken {=a ~b\n\nTrue? {T}\n"

    refused = client.post("/teacher/assignments/import/", {"title": "Quiz", "text": source})
    assert refused.status_code == 422 and "Line 3" in refused.content.decode()
    assert not Worksheet.objects.filter(title="Quiz").exists()

    kept = client.post("/teacher/assignments/import/", {"title": "Quiz", "text": source, "keep_good": "on"},
                       follow=True)
    worksheet = Worksheet.objects.get(title="Quiz")
    assert [item["type"] for item in worksheet.items] == ["single", "truefalse"]
    assert "line 3" in kept.content.decode()


def test_gift_export_downloads_what_gift_can_hold(client_for, alpha, worksheet):
    response = client_for(alpha, alpha.teacher).get(f"/teacher/assignments/{worksheet.pk}/export.gift")

    assert response["Content-Type"].startswith("text/plain")
    assert "{TRUE}" not in response.content.decode() and "{FALSE}" in response.content.decode()


def test_a_pdf_becomes_the_background_with_suggested_boxes_and_a_box_becomes_a_gap(client_for, alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(alpha, alpha.teacher)
    upload = SimpleUploadedFile("sheet.pdf", text_pdf(PRINTED_WORKSHEET), content_type="application/pdf")
    response = client.post("/teacher/assignments/from-pdf/", {"title": "Printed", "file": upload})
    worksheet = Worksheet.objects.get(title="Printed")
    assert response.status_code == 302
    assert len(worksheet.suggestions) == 5 and worksheet.suggestions[0]["label"] == "1. She"

    builder = client.get(response["Location"]).content.decode()
    assert builder.count("ws-box-suggested") == 5
    first = worksheet.suggestions[0]
    box = f"{first['page']},{first['x']},{first['y']},{first['w']},{first['h']}"
    client.post(f"/teacher/assignments/{worksheet.pk}/items/new/?type=gaps&box={box}", {"body": "[works]", "points": 1})
    worksheet.refresh_from_db()
    assert worksheet.items[0]["box"]["page"] == 1 and len(worksheet.suggestions) == 4

    page_url = f"/worksheets/files/{worksheet.background_id}/pages/1.jpg"
    assert client.get(page_url)["Content-Type"] == "image/jpeg"
    assert client_for(alpha, alpha.student).get(page_url).status_code == 404  # not given to them


def test_a_drawn_box_goes_to_its_item_form(client_for, alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.materials.conftest import png_bytes

    client = client_for(alpha, alpha.teacher)
    client.post("/teacher/assignments/from-pdf/", {"title": "Scan", "file": SimpleUploadedFile("s.png", png_bytes())})
    worksheet = Worksheet.objects.get(title="Scan")
    assert worksheet.suggestions == [] and worksheet.background.pages[0]["width"] == 40

    response = client.post(f"/teacher/assignments/{worksheet.pk}/boxes/", {"page": 1, "x": 10, "y": 20, "w": 30,
                                                                           "h": 5, "type": "dropdown"})
    assert response["Location"].endswith("?type=dropdown&box=1,0.1,0.2,0.3,0.05")
    refused = client.post(f"/teacher/assignments/{worksheet.pk}/boxes/", {"page": 2, "x": 10, "y": 20, "w": 30,
                                                                          "h": 5, "type": "gaps"})
    assert refused["Location"] == f"/teacher/assignments/{worksheet.pk}/"


def test_a_file_that_is_not_a_pdf_or_picture_is_refused_and_nothing_is_made(client_for, alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alpha, alpha.teacher).post("/teacher/assignments/from-pdf/", {
        "title": "Evil",
        "file": SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", content_type="application/pdf")})

    assert response.status_code == 422 and "Upload a PDF or a picture" in response.content.decode()
    assert not Worksheet.objects.filter(title="Evil").exists()


def test_sharing_offers_only_the_teachers_own_students(client_for, alpha, enrollment):
    from tenant_apps.worksheets.services import worksheet_create

    worksheet = worksheet_create(owner=alpha.teacher, title="Solo")
    client = client_for(alpha, alpha.teacher)
    refused = client.post(f"/teacher/assignments/{worksheet.pk}/share/", {"student": alpha.student2.pk})
    assert not worksheet.shares.exists() and refused.status_code == 302

    client.post(f"/teacher/assignments/{worksheet.pk}/share/", {"student": alpha.student.pk})
    assert list(worksheet.shares.values_list("student", flat=True)) == [alpha.student.pk]


def test_the_answers_from_the_form_are_what_the_engine_grades(alpha, worksheet):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in right_answers(worksheet).items():
        query.setlist(key, value if isinstance(value, list) else [value])
    answers = answers_from_form(worksheet.items, query)
    attempt = attempt_submit(attempt=attempt_start(worksheet=worksheet, student=alpha.student), answers=answers,
                             now=timezone.now())

    assert attempt.score == attempt.max_score - 2


def test_an_attempt_in_another_school_with_the_same_number_is_not_reachable(client_for, cast, worksheet):
    with schema_context(cast.a.school.schema_name):
        attempt = attempt_start(worksheet=worksheet, student=cast.a.student)

    response = client_for(cast.b, cast.b.student).post(f"/student/worksheets/attempts/{attempt.pk}/save/", {})
    assert response.status_code == 404


def test_a_worksheet_has_its_card_in_the_library_and_the_title_follows(client_for, alpha, worksheet):
    from tenant_apps.materials.hooks import handler_for
    from tenant_apps.materials.models import Material

    material = Material.objects.get(worksheet=worksheet)
    assert (material.kind, material.title, material.owner) == ("worksheet", "Verb to be", alpha.teacher)

    client_for(alpha, alpha.teacher).post(f"/teacher/assignments/{worksheet.pk}/", {"title": "To be, revised"})
    material.refresh_from_db()
    assert material.title == "To be, revised"
    payload = handler_for("worksheet").payload(material)
    assert payload["worksheet"] == worksheet.pk and payload["run_url"] == f"/student/worksheets/{worksheet.pk}/"


def test_a_box_on_a_pdf_page_is_an_answer_field_that_holds_no_answer(client_for, alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenant_apps.worksheets.backgrounds import worksheet_from_background
    from tenant_apps.worksheets.services import worksheet_item_save, worksheet_share

    worksheet = worksheet_from_background(owner=alpha.teacher, title="Printed", upload=SimpleUploadedFile(
        "p.pdf", text_pdf(PRINTED_WORKSHEET), content_type="application/pdf"))
    box = {key: worksheet.suggestions[0][key] for key in ("page", "x", "y", "w", "h")}
    item = worksheet_item_save(worksheet=worksheet, item={"type": "gaps", "text": ["", ""], "box": box,
                                                          "gaps": [{"answers": [{"text": "zebrawork"}]}]})
    worksheet_share(worksheet=worksheet, student=alpha.student)

    page = client_for(alpha, alpha.student).get(f"/student/worksheets/{worksheet.pk}/").content.decode()
    assert f'name="{item["id"]}.0"' in page and "data-box=" in page
    assert "zebrawork" not in page


def test_a_picture_block_and_a_listening_recording_are_checked_stored_and_served_to_the_student(
        client_for, alpha, worksheet):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.materials.conftest import png_bytes, wav_bytes

    teacher = client_for(alpha, alpha.teacher)
    base = f"/teacher/assignments/{worksheet.pk}/items/new/"
    teacher.post(base + "?type=image", {"alt": "A red square", "file": SimpleUploadedFile("r.png", png_bytes())})
    teacher.post(base + "?type=gaps", {"body": "He [is] here.", "points": 1,
                                       "audio": SimpleUploadedFile("a.wav", wav_bytes())})
    refused = teacher.post(base + "?type=image", {"file": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>")})
    worksheet.refresh_from_db()
    picture, listening = worksheet.items[-2], worksheet.items[-1]
    assert picture["type"] == "image" and listening.get("audio") and refused.status_code == 422

    page = client_for(alpha, alpha.student).get(f"/student/worksheets/{worksheet.pk}/").content.decode()
    assert f'src="/worksheets/files/{picture["file"]}/" alt="A red square"' in page
    assert f'src="/worksheets/files/{listening["audio"]}/"' in page
    served = client_for(alpha, alpha.student).get(f"/worksheets/files/{picture['file']}/")
    assert served["Content-Type"] == "image/png"
