"""Fixtures for the ember.distributed tests (the helpers live in dist_helpers.py, a module name
unique across the test tree: several folders have a conftest.py)."""
from dist_helpers import mpi  # noqa: F401  (the session fixture)
