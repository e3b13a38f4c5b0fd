"""Telegram: the school's bot (settings), linking a chat (profile, webhook), notifications there.

The Bot API is a local fake over real HTTP (tests/fakes/telegram_api.py); everything else is real.
"""

import json
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import School
from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
from tenant_apps.notifications import kinds, telegram
from tenant_apps.notifications.models import Delivery, TelegramLink
from tenant_apps.notifications.services import notify, preference_set
from tests.fakes.telegram_api import FakeBotApi

ALPHA_TOKEN = "111111:AAH-alpha-token-0123456789abcdef"
BETA_TOKEN = "222222:AAH-beta-token-0123456789abcdefg"
UNKNOWN_TOKEN = "333333:AAH-nobody-knows-this-token-0123"
CHAT = 5550001
CONTEXT = {"name": "Nina New", "roles": "Teacher"}


@pytest.fixture
def bot_api(settings):
    with FakeBotApi() as api:
        settings.TELEGRAM_API_BASE_URL = api.base_url
        settings.TELEGRAM_TIMEOUT_SECONDS = 5
        api.add_bot(ALPHA_TOKEN, "alpha_school_bot")
        api.add_bot(BETA_TOKEN, "beta_school_bot")
        yield api


def give_bot(school_cast, token, username):
    school = School.objects.get(pk=school_cast.school.pk)
    school.telegram_bot_token, school.telegram_bot_username = token, username
    school.save(update_fields=["telegram_bot_token", "telegram_bot_username"])  # also forgets the cached host


@pytest.fixture
def alpha_bot(cast, bot_api):
    give_bot(cast.a, ALPHA_TOKEN, "alpha_school_bot")
    return bot_api


def settings_data(**overrides):
    data = {
        "name": "Alpha School", "time_zone": "Europe/Moscow", "default_language": "en",
        "cancellation_window_hours": 8, "pass_validity_days": 28, "extension_offer_days_before_end": 1,
        "extension_lessons": 8, "freeze_days": 7, "freezes_per_pass": 1, "homework_backlog_days": 14,
        "telegram_bot_token": "",
    }
    data.update(overrides)
    return data


def code_for(school_cast, user):
    with schema_context(school_cast.school.schema_name):
        return telegram.link_code(user)


def message(text, chat_id=CHAT, username="sam_t", chat_type="private"):
    return {
        "update_id": 1,
        "message": {
            "message_id": 7,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam", "username": username},
            "chat": {"id": chat_id, "type": chat_type},
            "text": text,
        },
    }


def telegram_posts(school_cast, update, *, token=ALPHA_TOKEN, path_secret=None, header_secret=None):
    """What Telegram does: POST the update to the webhook URL, with the secret header."""
    path_secret = path_secret if path_secret is not None else telegram.webhook_path_secret(token)
    header_secret = header_secret if header_secret is not None else telegram.webhook_header_secret(token)
    body = update if isinstance(update, str) else json.dumps(update)
    return Client(HTTP_HOST=school_cast.host).post(
        f"/notifications/telegram/webhook/{path_secret}/", body, content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": header_secret},
    )


def links(school_cast):
    with schema_context(school_cast.school.schema_name):
        return list(TelegramLink.objects.values_list("user_id", "chat_id", "username"))


def link(school_cast, user, chat_id=CHAT, username="sam_t"):
    with schema_context(school_cast.school.schema_name):
        return TelegramLink.objects.create(user=user, chat_id=chat_id, username=username)


# The school's bot --------------------------------------------------------------------------
def test_a_manager_sets_the_bot_token_which_is_checked_and_gets_the_webhook(client_for, cast, bot_api):
    response = client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data(
        telegram_bot_token=ALPHA_TOKEN
    ))

    assert response.status_code == 302
    school = School.objects.get(pk=cast.a.school.pk)
    assert (school.telegram_bot_token, school.telegram_bot_username) == (ALPHA_TOKEN, "alpha_school_bot")
    assert len(bot_api.calls_to("getMe")) == 1
    webhook = bot_api.webhooks[ALPHA_TOKEN]
    secret = telegram.webhook_path_secret(ALPHA_TOKEN)
    assert webhook["url"] == f"https://alpha.localhost/notifications/telegram/webhook/{secret}/"
    assert webhook["secret_token"] == telegram.webhook_header_secret(ALPHA_TOKEN)


def test_right_after_the_bot_is_set_telegram_reaches_the_webhook(client_for, cast, bot_api):
    client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data(telegram_bot_token=ALPHA_TOKEN))
    webhook = bot_api.webhooks[ALPHA_TOKEN]

    answer = Client(HTTP_HOST=cast.a.host).post(
        urlsplit(webhook["url"]).path, json.dumps(message("hello")), content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": webhook["secret_token"]},
    )

    assert answer.status_code == 200
    assert "I send notifications from Alpha School" in bot_api.calls_to("sendMessage")[-1]["text"]


def test_a_token_telegram_refuses_shows_an_error_and_saves_nothing(client_for, cast, bot_api):
    response = client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data(
        telegram_bot_token=UNKNOWN_TOKEN, cancellation_window_hours=12
    ))

    assert response.status_code == 422
    assert "Telegram does not accept this token (Unauthorized)" in response.content.decode()
    school = School.objects.get(pk=cast.a.school.pk)
    assert (school.telegram_bot_token, school.cancellation_window_hours) == ("", 8)
    assert bot_api.calls_to("setWebhook") == []


def test_a_webhook_telegram_refuses_saves_nothing_either(client_for, cast, bot_api):
    bot_api.fail("setWebhook")

    response = client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data(
        telegram_bot_token=ALPHA_TOKEN
    ))

    assert response.status_code == 422
    assert "Telegram accepted the token but not this site" in response.content.decode()
    assert School.objects.get(pk=cast.a.school.pk).telegram_bot_token == ""


def test_something_that_is_not_a_token_is_refused_without_asking_telegram(client_for, cast, bot_api):
    response = client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data(
        telegram_bot_token="123/../../evil"
    ))

    assert response.status_code == 422
    assert "This is not a bot token" in response.content.decode()
    assert bot_api.calls == []


def test_saving_other_settings_leaves_the_bot_alone(client_for, cast, alpha_bot):
    response = client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data(
        telegram_bot_token=ALPHA_TOKEN, cancellation_window_hours=12
    ))

    assert response.status_code == 302
    assert alpha_bot.calls == []
    school = School.objects.get(pk=cast.a.school.pk)
    assert (school.cancellation_window_hours, school.telegram_bot_username) == (12, "alpha_school_bot")


def test_removing_the_bot_unlinks_everyone_and_drops_the_webhook(
    client_for, cast, alpha_bot, django_capture_on_commit_callbacks
):
    link(cast.a, cast.a.student)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.a, cast.a.manager).post("/manager/settings/", settings_data())

    assert response.status_code == 302
    school = School.objects.get(pk=cast.a.school.pk)
    assert (school.telegram_bot_token, school.telegram_bot_username) == ("", "")
    assert links(cast.a) == []
    assert [call.token for call in alpha_bot.calls if call.method == "deleteWebhook"] == [ALPHA_TOKEN]


def test_only_managers_set_the_bot(client_for, cast, bot_api):
    for who in (cast.a.teacher, cast.a.methodologist, cast.a.student):
        response = client_for(cast.a, who).post("/manager/settings/", settings_data(telegram_bot_token=ALPHA_TOKEN))
        assert response.status_code == 403
    assert School.objects.get(pk=cast.a.school.pk).telegram_bot_token == ""
    assert bot_api.calls == []


# The profile -------------------------------------------------------------------------------
def test_without_a_bot_telegram_is_hidden(client_for, cast):
    client = client_for(cast.a, cast.a.student)

    profile = client.get("/profile/").content.decode()

    assert 'id="telegram-title"' not in profile
    assert client.get("/notifications/telegram/").status_code == 404
    assert "<th scope=\"col\">Telegram</th>" not in client.get("/notifications/preferences/").content.decode()


@pytest.mark.access("notifications:telegram", who="allowed")
def test_with_a_bot_the_profile_leads_to_a_deep_link_and_a_code(client_for, cast, alpha_bot):
    client = client_for(cast.a, cast.a.student)

    profile = client.get("/profile/").content.decode()
    page = client.get("/notifications/telegram/").content.decode()

    assert 'id="telegram-title"' in profile and 'href="/notifications/telegram/"' in profile
    code = re.search(r"https://t\.me/alpha_school_bot\?start=([A-Za-z0-9_-]+)\"", page).group(1)
    assert len(code) <= 64  # Telegram's limit for a deep link's start parameter
    assert f"/start {code}" in page
    with schema_context(cast.a.school.schema_name):
        assert telegram._user_id_from_code(code) == cast.a.student.pk


@pytest.mark.access("notifications:telegram_unlink", who="allowed")
def test_a_linked_person_sees_the_chat_and_can_unlink(client_for, cast, alpha_bot):
    link(cast.a, cast.a.student)
    client = client_for(cast.a, cast.a.student)

    profile = client.get("/profile/").content.decode()
    response = client.post("/notifications/telegram/unlink/")

    assert "Linked as @sam_t." in profile and 'action="/notifications/telegram/unlink/"' in profile
    assert response.status_code == 302 and response["Location"] == "/profile/"
    assert links(cast.a) == []


@pytest.mark.access("notifications:telegram", "notifications:telegram_unlink", who="wrong_role")
def test_the_telegram_pages_need_a_login_and_ignore_another_schools_session(client_for, cast, alpha_bot):
    anonymous = Client(HTTP_HOST=cast.a.host)
    assert anonymous.get("/notifications/telegram/")["Location"].startswith("/accounts/login/")
    assert anonymous.post("/notifications/telegram/unlink/")["Location"].startswith("/accounts/login/")
    beta_client = client_for(cast.b, cast.b.student)
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    assert client.get("/notifications/telegram/")["Location"].startswith("/accounts/login/")


def test_unlinking_at_school_b_leaves_school_as_link_with_the_same_user_id(client_for, cast, alpha_bot):
    link(cast.a, cast.a.manager)
    assert cast.a.manager.pk == cast.b.manager.pk

    client_for(cast.b, cast.b.manager).post("/notifications/telegram/unlink/")

    assert links(cast.a) == [(cast.a.manager.pk, CHAT, "sam_t")]


def test_unlinking_takes_a_post(client_for, cast, alpha_bot):
    link(cast.a, cast.a.student)

    assert client_for(cast.a, cast.a.student).get("/notifications/telegram/unlink/").status_code == 405
    assert len(links(cast.a)) == 1


# The webhook -------------------------------------------------------------------------------
def test_the_deep_link_code_links_the_chat_and_the_bot_says_so(cast, alpha_bot):
    code = code_for(cast.a, cast.a.student)

    response = telegram_posts(cast.a, message(f"/start {code}"))

    assert response.status_code == 200
    assert links(cast.a) == [(cast.a.student.pk, CHAT, "sam_t")]
    (reply,) = alpha_bot.calls_to("sendMessage")
    assert reply["chat_id"] == CHAT
    assert reply["text"].startswith("Linked! You will get notifications from Alpha School here")
    assert "http://alpha.localhost/notifications/preferences/" in reply["text"]


def test_the_code_sent_by_hand_links_too_and_works_once(cast, alpha_bot):
    code = code_for(cast.a, cast.a.student)

    telegram_posts(cast.a, message(code))
    again = telegram_posts(cast.a, message(f"/start {code}", chat_id=CHAT + 1))

    assert again.status_code == 200
    assert links(cast.a) == [(cast.a.student.pk, CHAT, "sam_t")]
    assert "already linked" in alpha_bot.calls_to("sendMessage")[-1]["text"]


def test_an_expired_code_is_refused_politely(cast, alpha_bot, monkeypatch):
    with monkeypatch.context() as past:
        sixteen_minutes_ago = int(time.time()) - 16 * 60
        past.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(sixteen_minutes_ago))
        code = code_for(cast.a, cast.a.student)

    response = telegram_posts(cast.a, message(f"/start {code}"))

    assert response.status_code == 200
    assert links(cast.a) == []
    assert "not valid or has expired" in alpha_bot.calls_to("sendMessage")[-1]["text"]


def test_a_code_of_school_b_does_not_link_anyone_at_school_a(cast, alpha_bot):
    give_bot(cast.b, BETA_TOKEN, "beta_school_bot")
    code = code_for(cast.b, cast.b.student)

    response = telegram_posts(cast.a, message(f"/start {code}"))

    assert response.status_code == 200
    assert links(cast.a) == [] and links(cast.b) == []
    assert "not valid or has expired" in alpha_bot.calls_to("sendMessage")[-1]["text"]


def test_a_tampered_code_is_refused(cast, alpha_bot):
    code = code_for(cast.a, cast.a.student)
    forged = f"{cast.a.manager.pk}{code[code.index('-'):]}"

    telegram_posts(cast.a, message(f"/start {forged}"))

    assert links(cast.a) == []


def test_a_chat_linked_to_someone_else_is_not_taken_over(cast, alpha_bot):
    link(cast.a, cast.a.student)

    telegram_posts(cast.a, message(f"/start {code_for(cast.a, cast.a.student2)}"))

    assert links(cast.a) == [(cast.a.student.pk, CHAT, "sam_t")]
    assert "already linked to another account" in alpha_bot.calls_to("sendMessage")[-1]["text"]


def test_anything_else_gets_a_short_help(cast, alpha_bot):
    for text in ("hello", "/start", "/help"):
        assert telegram_posts(cast.a, message(text)).status_code == 200

    replies = alpha_bot.calls_to("sendMessage")
    assert len(replies) == 3 and all("open your profile" in reply["text"] for reply in replies)
    assert links(cast.a) == []


def test_a_code_in_a_group_chat_links_nothing(cast, alpha_bot):
    response = telegram_posts(cast.a, message(f"/start {code_for(cast.a, cast.a.student)}", chat_type="group"))

    assert response.status_code == 200
    assert links(cast.a) == [] and alpha_bot.calls_to("sendMessage") == []


def test_a_reply_that_fails_still_answers_telegram_200_and_keeps_the_link(cast, alpha_bot):
    alpha_bot.fail("sendMessage")

    response = telegram_posts(cast.a, message(f"/start {code_for(cast.a, cast.a.student)}"))

    assert response.status_code == 200
    assert len(links(cast.a)) == 1


@pytest.mark.parametrize(
    ("how", "status"),
    [
        ({"path_secret": "0" * 64}, 404),
        ({"token": BETA_TOKEN}, 404),  # school B's bot's URL on school A's host
        ({"header_secret": "wrong"}, 403),
        ({"header_secret": ""}, 403),
    ],
)
def test_a_webhook_call_without_the_secrets_changes_nothing(cast, alpha_bot, how, status):
    response = telegram_posts(cast.a, message(f"/start {code_for(cast.a, cast.a.student)}"), **how)

    assert response.status_code == status
    assert links(cast.a) == [] and alpha_bot.calls_to("sendMessage") == []


def test_a_school_without_a_bot_has_no_webhook(cast, bot_api):
    response = telegram_posts(cast.a, message(f"/start {code_for(cast.a, cast.a.student)}"))

    assert response.status_code == 404
    assert links(cast.a) == []


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'])
def test_bad_json_is_a_400_and_changes_nothing(cast, alpha_bot, body):
    response = telegram_posts(cast.a, body)

    assert response.status_code == 400
    assert links(cast.a) == [] and alpha_bot.calls == []


def test_the_webhook_takes_only_posts(cast, alpha_bot):
    path = f"/notifications/telegram/webhook/{telegram.webhook_path_secret(ALPHA_TOKEN)}/"

    assert Client(HTTP_HOST=cast.a.host).get(path).status_code == 405


# Notifications in Telegram -----------------------------------------------------------------
@pytest.fixture
def worker_retries():
    """Eager tasks retry as a worker would: with propagation on, Celery raises `Retry` instead."""
    from tenant_apps.notifications.tasks import deliver_notification

    conf = deliver_notification.app.conf
    propagates = conf.task_eager_propagates
    conf.update(task_eager_propagates=False)
    yield
    conf.update(task_eager_propagates=propagates)


@pytest.fixture
def linked_student(cast, alpha_bot):
    link(cast.a, cast.a.student)
    with schema_context(cast.a.school.schema_name):
        preference_set(user=cast.a.student, kind=INVITATION_ACCEPTED, channel=kinds.TELEGRAM, enabled=True)
    return cast.a.student


def notify_student(cast, student, capture):
    with schema_context(cast.a.school.schema_name), capture(execute=True):
        return notify(student, INVITATION_ACCEPTED, CONTEXT, url="/manager/staff/")


def telegram_delivery(cast, notification):
    with schema_context(cast.a.school.schema_name):
        return Delivery.objects.filter(notification=notification, channel=kinds.TELEGRAM).first()


def test_a_kind_chosen_for_telegram_arrives_in_the_linked_chat(
    cast, alpha_bot, linked_student, django_capture_on_commit_callbacks
):
    notification = notify_student(cast, linked_student, django_capture_on_commit_callbacks)

    (sent,) = alpha_bot.calls_to("sendMessage")
    assert sent["chat_id"] == CHAT
    assert sent["text"].startswith("Nina New accepted your invitation")
    assert "http://alpha.localhost/manager/staff/" in sent["text"]
    assert [call.token for call in alpha_bot.calls] == [ALPHA_TOKEN]
    assert telegram_delivery(cast, notification).status == Delivery.Status.SENT


def test_a_kind_not_chosen_for_telegram_stays_off_it(cast, alpha_bot, django_capture_on_commit_callbacks):
    link(cast.a, cast.a.student)  # the kind's default is email only

    notify_student(cast, cast.a.student, django_capture_on_commit_callbacks)

    assert alpha_bot.calls_to("sendMessage") == []


def test_a_bot_api_failure_is_retried(
    cast, alpha_bot, linked_student, worker_retries, django_capture_on_commit_callbacks
):
    alpha_bot.fail("sendMessage", times=2)

    notification = notify_student(cast, linked_student, django_capture_on_commit_callbacks)

    assert len(alpha_bot.calls_to("sendMessage")) == 3
    delivery = telegram_delivery(cast, notification)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SENT, 3, "")


def test_a_bot_api_that_keeps_failing_leaves_the_delivery_failed(
    cast, alpha_bot, linked_student, worker_retries, django_capture_on_commit_callbacks
):
    from tenant_apps.notifications.tasks import deliver_notification

    alpha_bot.fail("sendMessage", times=100)

    notification = notify_student(cast, linked_student, django_capture_on_commit_callbacks)

    delivery = telegram_delivery(cast, notification)
    assert len(alpha_bot.calls_to("sendMessage")) == deliver_notification.max_retries + 1
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == deliver_notification.max_retries + 1
    assert "Internal Server Error" in delivery.last_error


def test_after_unlinking_nothing_goes_to_telegram(
    client_for, cast, alpha_bot, linked_student, django_capture_on_commit_callbacks
):
    client_for(cast.a, linked_student).post("/notifications/telegram/unlink/")

    notification = notify_student(cast, linked_student, django_capture_on_commit_callbacks)

    assert alpha_bot.calls_to("sendMessage") == []
    assert telegram_delivery(cast, notification) is None
