"""Django admin for every model: studies and their parts, history and curation, aliases."""

from . import history, parts, studies

__all__ = ["history", "parts", "studies"]
