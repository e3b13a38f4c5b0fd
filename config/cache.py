"""Django's Redis cache, but a Redis outage is a cache miss rather than a failed page.

Everything the site caches (the host -> school lookup, fragments, rate-limit counters) can be
recomputed from Postgres, so with Redis down pages keep being served, only slower; live features
(the whiteboard, the bell) reconnect on their own when Redis is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_WARN_EVERY = 30.0  # seconds between two "Redis is down" log lines


class ResilientRedisCache(RedisCache):
    _warned_at = 0.0

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # Fail fast when Redis is unreachable instead of holding the request.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, params)

    def _down(self, default=None):
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at > _WARN_EVERY:
            ResilientRedisCache._warned_at = now
            logger.warning("Redis cache unavailable; serving without it", exc_info=True)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            return self._down(default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError:
            return self._down({})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError:
            return self._down(False)

    def set(self, *args, **kwargs):
        try:
            return super().set(*args, **kwargs)
        except RedisError:
            return self._down()

    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except RedisError:
            return self._down(False)

    def set_many(self, *args, **kwargs):
        try:
            return super().set_many(*args, **kwargs)
        except RedisError:
            return self._down([])

    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except RedisError:
            return self._down(False)

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        except RedisError:
            return self._down(False)

    def delete_many(self, *args, **kwargs):
        try:
            return super().delete_many(*args, **kwargs)
        except RedisError:
            return self._down()

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError:
            # Counters (rate limits) start again from the delta: the caller's limit still applies.
            return self._down(delta)

    def clear(self):
        try:
            return super().clear()
        except RedisError:
            return self._down(False)
