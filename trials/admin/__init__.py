"""Django admin for every model: studies and their parts, history and curation, aliases, the
state of the sync."""

from . import history, parts, studies, sync

__all__ = ["history", "parts", "studies", "sync"]
