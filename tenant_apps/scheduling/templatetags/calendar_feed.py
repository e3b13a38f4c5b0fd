"""The profile's "Calendar feed" section: {% calendar_feed_section %} (one query)."""

from django import template
from django.urls import reverse

from tenant_apps.scheduling.models import CalendarFeed

register = template.Library()


@register.inclusion_tag("scheduling/_calendar_feed_section.html", takes_context=True)
def calendar_feed_section(context):
    request = context["request"]
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("lessons:calendar_feed", args=[feed.token])) if feed else ""
    return {"feed": feed, "feed_url": url, "csrf_token": context.get("csrf_token")}
