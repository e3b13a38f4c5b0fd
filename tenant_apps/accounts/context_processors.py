from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from tenant_apps.accounts.localtime import zone_city, zone_label


def viewer_zone(request):
    """The zone every time on the page is in, named; and the device's, when it differs from the profile's."""
    from tenant_apps.accounts.views import zone_prompt_wanted

    if not hasattr(request, "zone_source"):
        return {}
    zone = timezone.get_current_timezone()
    device = request.device_zone

    def prompt():
        if not zone_prompt_wanted(request):
            return None
        return {"zone": device.key, "city": zone_city(device), "label": zone_label(device), "current": zone_label(zone)}

    return {
        "viewer_zone": zone.key,
        "viewer_zone_label": SimpleLazyObject(lambda: zone_label(zone)),
        "viewer_zone_source": request.zone_source,
        "zone_prompt": SimpleLazyObject(prompt),
    }
