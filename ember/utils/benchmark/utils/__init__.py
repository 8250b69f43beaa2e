"""Internals of ``ember.utils.benchmark`` (``common``: Measurement; ``timer``: Timer; ``compare``: Compare)."""
