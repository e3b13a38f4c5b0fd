"""The viewer's language and time zone, for every page."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from tenant_apps.accounts.localtime import zone_or_none

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _school(request):
    school = getattr(request, "tenant", None)
    if school is None or school.schema_name == "public":
        return None
    return school


class LanguageMiddleware:
    """User's choice, then the language cookie, then the school's language (or the browser's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def language_for(request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in SUPPORTED:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in SUPPORTED:
            return cookie
        school = _school(request)
        if school is not None:
            return school.default_language
        browser = translation.get_language_from_request(request)
        return browser if browser in SUPPORTED else settings.LANGUAGE_CODE


class TimezoneMiddleware:
    """Times show in the viewer's zone: their profile's, else the browser's (cookie), else the school's.

    The browser's zone arrives in the `tz` cookie, URL-encoded ("America%2FNew_York"). The request
    keeps where the zone came from (`zone_source`) and the device's zone (`device_zone`), so pages can
    offer to switch when the two differ, and the first page can be re-read in the browser's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone, request.zone_source = self.zone_and_source(request)
        request.device_zone = zone_or_none(request.COOKIES.get("tz"))
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def zone_and_source(request) -> tuple[zoneinfo.ZoneInfo, str]:
        user = getattr(request, "user", None)
        candidates = [
            ("profile", user.time_zone if user is not None and user.is_authenticated else ""),
            ("device", request.COOKIES.get("tz", "")),
            ("school", getattr(_school(request), "time_zone", "")),
        ]
        for source, name in candidates:
            zone = zone_or_none(name)
            if zone is not None:
                return zone, source
        return zoneinfo.ZoneInfo("UTC"), "school"

    @classmethod
    def zone_for(cls, request) -> zoneinfo.ZoneInfo:
        return cls.zone_and_source(request)[0]


class StaffMfaRequiredMiddleware:
    """Where the school requires it, staff must turn on TOTP before using anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            from django.shortcuts import redirect

            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        school = _school(request)
        user = getattr(request, "user", None)
        if school is None or not school.require_staff_mfa or user is None or not user.is_authenticated:
            return False
        if not (user.is_teacher or user.is_methodologist or user.is_manager):
            return False
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
