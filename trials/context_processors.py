"""What every page's frame shows: how fresh the data is."""

from typing import Any

from django.http import HttpRequest

from trials.search import data_date


def freshness(request: HttpRequest) -> dict[str, Any]:
    """``data_date``: the newest last update imported, for the footer of every page.

    A callable, which a template calls only where it shows the date (read it once, with
    ``{% with %}``); a view that has read it already passes the date itself, which wins.
    """
    return {"data_date": data_date}
