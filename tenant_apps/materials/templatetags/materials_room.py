"""What the room's stage and plan panel need, for `classroom/_stage.html` and `classroom/_plan_panel.html`.

The room page passes only `lesson` and `seat`; these tags read the rest (a small, fixed number of
queries however long the plans are).
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from tenant_apps.materials import files
from tenant_apps.materials.forms import ItemForm
from tenant_apps.materials.models import PlanItem
from tenant_apps.materials.selectors import plans_for_lesson, templates_shelf

register = template.Library()


@register.simple_tag
def room_stage(lesson, seat):
    from tenant_apps.vocabulary.forms import WordForm
    from tenant_apps.vocabulary.selectors import words_of_lesson

    return {
        "socket": f"/ws/lessons/{lesson.pk}/stage/",  # config/routing.py
        "leader": bool(seat and seat.is_leader),
        "word_url": reverse("stage:word_new", args=[lesson.pk]),
        "words": list(words_of_lesson(lesson.pk)),
        "word_form": WordForm(auto_id=f"word-{lesson.pk}-%s"),
        "strings": {
            "connecting": _("Connecting the stage…"),
            "live": _("The stage is live."),
            "reconnecting": _("The stage lost its connection; reconnecting…"),
            "closed": _("The stage is closed."),
            "empty": _("Nothing on the stage yet."),
            "emptyLeader": _("Nothing on the stage yet: choose an item of the plan and press “Show”."),
            "page": _("Page %(page)s of %(count)s"),
            "openLink": _("Open the link in a new tab"),
            "playAlong": _("Press to play along"),
            "playing": _("Playing"),
            "paused": _("Paused"),
            "wordAdded": _("Added to the dictionary: %(word)s"),
            "failed": _("Something went wrong. Please try again."),
            "show": _("Show"),
            "addToPlan": _("Add to this lesson's plan"),
            "addedToPlan": _("Added to this lesson's plan: %(title)s"),
            "noResults": _("Nothing found in the library."),
        },
    }


@register.simple_tag
def room_plan_panel(lesson, seat):
    if not (seat and seat.is_leader):
        return None
    plans = list(plans_for_lesson(lesson.pk))
    accept = {kind: files.ACCEPT_ATTR[kind] for kind in files.FILE_KINDS}
    return {
        "plans": plans,
        "item_url": reverse("stage:item_new", args=[lesson.pk]),
        "plan_url": reverse("stage:plan_new", args=[lesson.pk]),
        "search_url": reverse("stage:library_search", args=[lesson.pk]),
        "add_url": reverse("stage:library_add", args=[lesson.pk, 0]),
        "templates": list(templates_shelf()),
        "form": ItemForm(auto_id=f"stage-item-{lesson.pk}-%s"),
        "accept": accept,
        "kinds": PlanItem.Kind,
    }
