"""Copier extensions of copier-backend: the stack catalog and its Jinja glue."""
