"""TURN credentials in coturn's REST API scheme, and the ICE servers the room hands out."""

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from classroom.turn import ice_servers, turn_credential


def test_the_credential_is_the_hmac_sha1_of_the_username_coturn_expects():
    minted = turn_credential(secret="s3cret", user_key="alpha.12", ttl=3600, now=1_800_000_000)

    assert minted["username"] == "1800003600:alpha.12"
    # What coturn computes with `use-auth-secret` and `static-auth-secret=s3cret`.
    expected = base64.b64encode(hmac.new(b"s3cret", b"1800003600:alpha.12", hashlib.sha1).digest()).decode()
    assert minted["credential"] == expected
    assert minted["credential"] == "4DWcZV3CPGSdKhfiAtEY7AVz8ow="  # openssl dgst -sha1 -hmac s3cret -binary | base64


@given(secret=st.text(min_size=1, max_size=40), now=st.integers(0, 2**33), ttl=st.integers(1, 86400))
def test_the_username_starts_with_its_expiry_and_another_secret_gives_another_password(secret, now, ttl):
    minted = turn_credential(secret=secret, user_key="beta.1", ttl=ttl, now=now)
    expiry, user = minted["username"].split(":", 1)

    assert (int(expiry), user) == (now + ttl, "beta.1")
    assert turn_credential(secret=secret + "x", user_key="beta.1", ttl=ttl, now=now) != minted


def test_no_servers_are_configured_by_default(settings):
    settings.STUN_URLS, settings.TURN_URLS, settings.TURN_SECRET = [], [], ""

    assert ice_servers(schema_name="alpha", user_id=3) == []


def test_stun_and_turn_come_from_settings_with_a_fresh_credential_per_school_and_user(settings):
    settings.STUN_URLS = ["stun:turn.example.test:3478"]
    settings.TURN_URLS = ["turn:turn.example.test:3478?transport=udp", "turn:turn.example.test:3478?transport=tcp"]
    settings.TURN_SECRET, settings.TURN_TTL = "shared", 600

    alpha, beta = (ice_servers(schema_name=schema, user_id=1, now=1000) for schema in ("alpha", "beta"))

    assert alpha[0] == {"urls": ["stun:turn.example.test:3478"]}
    assert alpha[1]["urls"] == settings.TURN_URLS
    assert (alpha[1]["username"], beta[1]["username"]) == ("1600:alpha.1", "1600:beta.1")
    assert alpha[1]["credential"] != beta[1]["credential"]


def test_turn_without_a_secret_is_not_handed_out(settings):
    settings.STUN_URLS, settings.TURN_URLS, settings.TURN_SECRET = [], ["turn:turn.example.test:3478"], ""

    assert ice_servers(schema_name="alpha", user_id=1) == []
