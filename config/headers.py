"""Project-wide response headers that Django's SecurityMiddleware does not set: Permissions-Policy.

Every page denies the powerful features; the lesson room alone (`classroom.views.room`, decorated with
`camera_and_microphone`) may ask for the camera, the microphone and screen sharing, and only for itself
(an embedded frame of another origin, e.g. a teacher's YouTube video on the home page, never may).
"""

from functools import wraps

_DENIED = ("accelerometer", "autoplay", "bluetooth", "geolocation", "gyroscope", "hid", "magnetometer",
           "midi", "payment", "serial", "usb", "camera", "microphone", "display-capture")
_ROOM = ("camera", "microphone", "display-capture")

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in _DENIED)
ROOM_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=(self)" if feature in _ROOM else f"{feature}=()" for feature in _DENIED
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def camera_and_microphone(view):
    """This view's page may use the camera, the microphone and screen sharing (same origin only)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Permissions-Policy"] = ROOM_PERMISSIONS_POLICY
        return response

    return wrapped
