"""The room's words for its JavaScript (the page hands them over with json_script, as the bell does)."""

from django.utils.translation import gettext as _


def room_strings(*, peer_name: str) -> dict:
    return {
        "state": {
            "new": _("Not connected yet"),
            "waiting": _("Waiting for %(name)s") % {"name": peer_name},
            "connecting": _("Connecting…"),
            "connected": _("Connected"),
            "disconnected": _("Connection lost, reconnecting…"),
            "failed": _("Connection failed, trying again…"),
            "closed": _("Call ended"),
            "offline": _("You are offline, reconnecting…"),
        },
        "presence": {
            "absent": _("%(name)s is not in the room") % {"name": peer_name},
            "lobby": _("%(name)s is checking their camera and microphone") % {"name": peer_name},
            "call": _("%(name)s is in the call") % {"name": peer_name},
        },
        "peer_muted": _("%(name)s has muted the microphone") % {"name": peer_name},
        "peer_camera_off": _("%(name)s has turned the camera off") % {"name": peer_name},
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "camera_off": _("Turn camera off"),
        "camera_on": _("Turn camera on"),
        "share": _("Share screen"),
        "stop_share": _("Stop sharing"),
        "audio_only": _("No camera could be used: you are in the call with sound only."),
        "weak_network": _("The connection is weak: your video is paused so that the sound keeps going."),
        "no_devices": _("No camera or microphone could be used. You can still see, hear and write."),
        "permission_denied": _("The browser was not allowed to use the camera and microphone. Allow them in the "
                               "address bar, then reload the page."),
        "speaker_playing": _("Playing a test sound…"),
        "default_device": _("Default"),
        "device_n": _("Device %(n)s"),
        "sound_blocked": _("Turn on sound"),
        "replaced": _("You opened this lesson in another tab or window; this one has left the room."),
        "room_closed": _("The room is closed."),
        "ended": {
            "held": _("The lesson is over and marked as held."),
            "no_show": _("The lesson is over: the student did not come."),
        },
        "not_sent": _("Not connected: your message was not sent. Try again in a moment."),
        "socket_lost": _("Reconnecting to the room…"),
        "you": _("You"),
        "screen_failed": _("The screen could not be shared."),
    }
