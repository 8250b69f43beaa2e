"""Internals of ember.utils.data: collation, fetching, worker processes, pinning."""

from . import collate, fetch, pin_memory, worker  # noqa: F401
