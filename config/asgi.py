"""HTTP and WebSocket entry point (Daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Set Django up before importing anything that imports models (consumers, routing).
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from shared_apps.tenants.ws import TenantAwareStack  # noqa: E402

# No AllowedHostsOriginValidator: ALLOWED_HOSTS is "*" (schools bring their own domains), which
# would let every origin through. TenantFromHostMiddleware checks the Origin against the school's
# own host instead.
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": TenantAwareStack(URLRouter(websocket_urlpatterns)),
    }
)
