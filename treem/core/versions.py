"""Versions shared between processes through the "shared" cache (files
under DATA_DIR): whatever is cached under a version is dropped at once
everywhere by giving the version a new value (a form's structure edited,
reported data changed)."""

import uuid

from django.core.cache import caches


def current(key):
    cache = caches["shared"]
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def renew(key):
    caches["shared"].set(key, uuid.uuid4().hex, timeout=None)
