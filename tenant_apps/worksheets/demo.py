"""The demo school's worksheets: Anna's Present Simple worksheet of every type, a printed PDF turned
interactive (two of Panda's suggested boxes accepted, the rest still offered), a quiz imported from GIFT,
and Li's pinyin practice; given to Ivan and Maria, with Ivan's handed-in attempt and Maria's half-done one.
Safe to run twice; call inside the demo school's schema after seed_learning()."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.worksheets import services
from tenant_apps.worksheets.backgrounds import worksheet_from_background
from tenant_apps.worksheets.engine import solution
from tenant_apps.worksheets.models import Worksheet
from tenant_apps.worksheets.samplepdf import PRINTED_WORKSHEET, text_pdf
from tenant_apps.worksheets.shorthand import parse

ANNA, LI = "teacher.anna@example.com", "teacher.li@example.com"
IVAN, MARIA = "student.ivan@example.com", "student.maria@example.com"
GIFT_QUIZ = """$CATEGORY: Anna/Present Simple

::Third person:: She {=works ~work ~working} in a bank.

::Questions:: Which questions are correct? {~%50%Does he like tea? ~%50%Do they live here? ~%-100%Does they live here?}

::Routine:: We play football on Sundays. {TRUE}

::Verbs:: Match the verbs with their -s forms. {
=go -> goes
=watch -> watches
=study -> studies
}

::Your day:: Describe your usual morning in three sentences. {}
"""


def _item(kind, body="", extra="", **fields):
    return {"type": kind, **parse(kind, body, extra), **fields}


def _every_type():
    return [
        {"type": "text", "html": "Read the examples, then do the tasks. Your answers are saved as you go."},
        _item("gaps", "She [works] in a bank. He [doesn't|~does not] like coffee.", points=2,
              prompt="Put the verbs in the Present Simple.", checking={"typos": True}),
        _item("dropdown", "They [*live|lives|living] in Moscow.", prompt="Choose the right form."),
        _item("single", "*Do you speak English?\nDoes you speak English? # “Does” goes with he, she, it.",
              prompt="Which question is right?"),
        _item("multiple", "*always\n*usually\nyesterday\n*never", points=2, prompt="Tick the adverbs of frequency."),
        {"type": "truefalse", "answer": False, "prompt": "“He go to school” is correct.",
         "feedback_wrong": "Third person: he goes."},
        _item("match", "get up = вставать\nhave breakfast = завтракать\ngo to bed = ложиться спать\n= обедать",
              points=3, prompt="Join the phrases with their translations."),
        _item("words", "I [get] up at seven and [have] breakfast at eight.", extra="gets, has", points=2,
              prompt="Drag the words into the gaps."),
        _item("zones", "Verbs: run, read\nNouns: table, book", points=2, prompt="Sort the words."),
        _item("order", "She never drinks coffee", prompt="Put the words in order."),
        {"type": "open", "points": 3, "prompt": "Write three sentences about your weekend."},
    ]


def _pinyin():
    return [
        _item("gaps", "Hello: [nǐ hǎo]", prompt="Type the pinyin (tones as marks or numbers).",
              checking={"pinyin": "tones"}),
        _item("gaps", "Thank you: [xièxie]", prompt="Type the pinyin; tones are not needed here.",
              checking={"pinyin": "toneless"}),
        _item("single", "*谢谢\n你好\n再见", prompt="Which one means “thank you”?"),
    ]


def _make(owner, title, items, students):
    worksheet = Worksheet.objects.filter(owner=owner, title=title).first()
    if worksheet is None:
        worksheet = services.worksheet_create(owner=owner, title=title, items=items)
    for student in students:
        services.worksheet_share(worksheet=worksheet, student=student)
    return worksheet


def _printed(anna, students):
    title = "Printed: Present Simple"
    worksheet = Worksheet.objects.filter(owner=anna, title=title).first()
    if worksheet is None:
        upload = SimpleUploadedFile("present-simple.pdf", text_pdf(PRINTED_WORKSHEET), content_type="application/pdf")
        worksheet = worksheet_from_background(owner=anna, title=title, upload=upload)
        for box, answer in zip(worksheet.suggestions[:2], ("works", "live"), strict=False):
            place = {key: box[key] for key in ("page", "x", "y", "w", "h")}
            services.worksheet_item_save(worksheet=worksheet, item=_item("gaps", f"[{answer}]", box=place))
            services.worksheet_suggestion_done(worksheet=worksheet, box=place)
    for student in students:
        services.worksheet_share(worksheet=worksheet, student=student)
    return worksheet


@transaction.atomic
def seed_worksheets(*, now=None) -> None:
    now = now or timezone.now()
    people = {user.email: user for user in User.objects.filter(email__in=[ANNA, LI, IVAN, MARIA])}
    anna, li, ivan, maria = (people.get(email) for email in (ANNA, LI, IVAN, MARIA))
    if anna is None or ivan is None:
        return
    students = [s for s in (ivan, maria) if s]
    main = _make(anna, "Present Simple: every type", _every_type(), students)
    _printed(anna, students)
    if not Worksheet.objects.filter(owner=anna, title="Quiz from Moodle").exists():
        services.worksheet_import_gift(owner=anna, title="Quiz from Moodle", source=GIFT_QUIZ)
    if li is not None:
        _make(li, "Pinyin: greetings", _pinyin(), [ivan])
    if not main.attempts.filter(student=ivan).exists():
        answers = {item["id"]: solution(item) for item in main.items if item["type"] not in ("text", "open")}
        gaps = main.items[1]
        answers[gaps["id"]] = ["workes", "do"]  # one typo (accepted as "almost"), one wrong
        answers[main.items[-1]["id"]] = "I sleep late. I meet friends. I read."
        attempt = services.attempt_start(worksheet=main, student=ivan, now=now - timedelta(days=1))
        services.attempt_submit(attempt=attempt, answers=answers, now=now - timedelta(days=1, minutes=-12))
    if maria is not None and not main.attempts.filter(student=maria).exists():
        attempt = services.attempt_start(worksheet=main, student=maria, now=now)
        services.attempt_save(attempt=attempt, answers={main.items[2]["id"]: [main.items[2]["gaps"][0]["answer"]]},
                              now=now)
