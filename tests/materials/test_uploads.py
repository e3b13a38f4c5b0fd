"""Uploads: the type comes from the file's bytes, sizes and PDF pages are capped, a refusal changes nothing."""

import pytest

from tenant_apps.materials import files
from tenant_apps.materials.models import PlanItem
from tests.materials.conftest import pdf_bytes, png_bytes, upload, wav_bytes


def add(client, plan, **data):
    return client.post(f"/teacher/materials/plans/{plan.pk}/items/", data)


def stored_files(root) -> list:
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_the_teacher_uploads_an_image_and_it_is_stored_in_the_schools_private_folder(
    client_for, alpha, plan, private_media
):
    response = add(client_for(alpha, alpha.teacher), plan, kind="image", title="",
                   file=upload("cat.png", png_bytes(40, 30), "image/png"))

    assert response.status_code == 302
    item = PlanItem.objects.get(plan=plan).material
    assert (item.kind, item.title, item.width, item.height, item.content_type) == ("image", "cat.png", 40, 30,
                                                                                    "image/png")
    assert item.file.name.startswith(f"materials/library/{alpha.teacher.pk}/")
    assert (private_media / "alpha" / item.file.name).is_file()
    assert (item.owner, item.shared) == (alpha.teacher, False)  # on the teacher's own shelf


def test_a_text_file_named_like_a_picture_is_refused_with_the_accepted_types(client_for, alpha, plan,
                                                                              private_media):
    response = add(client_for(alpha, alpha.teacher), plan, kind="image",
                   file=upload("notes.png", b"just some text, not a picture", "image/png"))

    assert response.status_code == 422
    expected = "This file’s type does not fit the kind “image”. Upload one of: PNG, JPEG, GIF, WebP."
    assert expected in response.content.decode()
    assert not PlanItem.objects.exists()
    assert stored_files(private_media) == []


def test_a_picture_uploaded_as_a_pdf_is_refused(client_for, alpha, plan):
    response = add(client_for(alpha, alpha.teacher), plan, kind="pdf", file=upload("a.pdf", png_bytes()))

    assert response.status_code == 422
    assert "Upload one of: PDF." in response.content.decode()
    assert not PlanItem.objects.exists()


def test_a_file_over_the_kinds_limit_is_refused_with_both_sizes(client_for, alpha, plan, monkeypatch, private_media):
    monkeypatch.setitem(files.MAX_BYTES, PlanItem.Kind.AUDIO, 4 * 1024)

    response = add(client_for(alpha, alpha.teacher), plan, kind="audio", file=upload("long.wav", wav_bytes(1)))

    assert response.status_code == 422
    assert "The file is 7.9\xa0KB; for the kind “audio” the limit is 4.0\xa0KB." in response.content.decode()
    assert not PlanItem.objects.exists()
    assert stored_files(private_media) == []


def test_the_real_limits_refuse_a_video_one_byte_over_300_mb(alpha, plan):
    class Huge:
        size = 300 * 1024 * 1024 + 1
        name = "film.mp4"

    with pytest.raises(Exception, match="the limit is 300"):
        files.inspect_upload(Huge(), PlanItem.Kind.VIDEO)


def test_a_pdf_with_too_many_pages_is_refused_before_anything_is_rendered(client_for, alpha, plan, private_media):
    response = add(client_for(alpha, alpha.teacher), plan, kind="pdf",
                   file=upload("book.pdf", pdf_bytes(files.PDF_MAX_PAGES + 1), "application/pdf"))

    assert response.status_code == 422
    assert "This PDF has 41 pages; at most 40 pages fit one item. Split it into parts." in response.content.decode()
    assert not PlanItem.objects.exists()
    assert stored_files(private_media) == []


def test_a_damaged_pdf_is_refused(client_for, alpha, plan):
    response = add(client_for(alpha, alpha.teacher), plan, kind="pdf", file=upload("bad.pdf", b"%PDF-1.7 broken"))

    assert response.status_code == 422
    assert "This PDF could not be read" in response.content.decode()


def test_a_pdf_is_rendered_page_by_page_on_upload(client_for, alpha, plan, private_media):
    response = add(client_for(alpha, alpha.teacher), plan, kind="pdf", title="Worksheet",
                   file=upload("sheet.pdf", pdf_bytes(3), "application/pdf"))

    assert response.status_code == 302
    item = PlanItem.objects.get(plan=plan).material
    assert item.page_count == 3
    assert all(abs(page["width"] - files.PAGE_WIDTH_PX) <= 1 for page in item.pages)
    assert all((private_media / "alpha" / page["name"]).read_bytes().startswith(b"\xff\xd8\xff") for page in item.pages)


def test_audio_and_video_are_told_apart_by_the_kind_chosen(alpha, plan):
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 60

    assert files.inspect_upload(upload("a.webm", webm), PlanItem.Kind.VIDEO).content_type == "video/webm"
    assert files.inspect_upload(upload("a.webm", webm), PlanItem.Kind.AUDIO).content_type == "audio/webm"


def test_a_link_item_needs_a_web_address(client_for, alpha, plan):
    client = client_for(alpha, alpha.teacher)

    refused = add(client, plan, kind="link", url="javascript:alert(1)")
    accepted = add(client, plan, kind="link", url="https://example.com/grammar", title="Grammar")

    assert refused.status_code == 422
    assert accepted.status_code == 302
    assert list(PlanItem.objects.values_list("material__title", "material__url")) == [
        ("Grammar", "https://example.com/grammar")]


def test_text_is_sanitised_before_it_is_stored(client_for, alpha, plan):
    add(client_for(alpha, alpha.teacher), plan, kind="text",
        text='<p onclick="steal()">Hello <b>class</b><script>alert(1)</script><a href="javascript:x">x</a></p>')

    text = PlanItem.objects.get(plan=plan).material.text
    assert "<b>class</b>" in text
    assert "script" not in text and "onclick" not in text and "javascript" not in text


def test_plain_text_keeps_its_paragraphs_and_is_escaped(alpha, plan):
    from tenant_apps.materials.services import item_add

    item = item_add(plan=plan, by=alpha.teacher, kind="text", title="t", text="If a < b and c>d\n\nTwo & three")

    assert item.material.text == "<p>If a &lt; b and c&gt;d</p>\n\n<p>Two &amp; three</p>"
