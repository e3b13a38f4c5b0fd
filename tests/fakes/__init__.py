"""Local stand-ins for services outside the machine, over real HTTP (Stripe's is in devtools/)."""

from devtools import loopback

__all__ = ["loopback"]
