import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.platform.forms import SchoolSignupForm
from shared_apps.tenants.services import school_create

logger = logging.getLogger(__name__)


def landing(request):
    return render(request, "platform/landing.html")


def signup(request):
    form = SchoolSignupForm(request.POST or None, platform_domain=settings.PLATFORM_DOMAIN)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_school = school_create(
                name=data["name"],
                subdomain=data["subdomain"],
                time_zone=data["time_zone"],
                currency=data["currency"],
                default_language=data["default_language"],
                languages_taught=data["languages_taught"],
                owner_name=data["owner_name"],
                owner_email=data["owner_email"],
                owner_password=data["owner_password"],
            )
        except IntegrityError:
            # Two visitors raced for the same address; the loser learns it is taken.
            form.add_error("subdomain", _("This address is already taken."))
        except DatabaseError:
            logger.exception("School signup failed for %s", data["subdomain"])
            form.add_error(None, _("We could not create your school just now. Nothing was saved; please try again."))
        else:
            return redirect(new_school.login_url)
    status = 422 if request.method == "POST" else 200
    return render(request, "platform/signup.html", {"form": form}, status=status)
