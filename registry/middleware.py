"""Input no page can use is refused at the door, before any view or query sees it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

# The longest value any parameter needs: a thousand NCT IDs in filter.ids, a long expression.
MAX_PARAMETER_LENGTH = 20_000


def refusal(request: HttpRequest) -> str:
    """Why the request's path or parameters cannot be used, or "" when they can.

    PostgreSQL text cannot hold NUL, so a NUL anywhere would fail at the database as a server
    error; a value past any real one's length only costs the database time.
    """
    if "\x00" in request.path:
        return "the address contains a NUL character"
    for name, values in request.GET.lists():
        if "\x00" in name:
            return "a parameter name contains a NUL character"
        for value in values:
            if "\x00" in value:
                return f"{name}: contains a NUL character"
            if len(value) > MAX_PARAMETER_LENGTH:
                return f"{name}: longer than {MAX_PARAMETER_LENGTH:,} characters"
    return ""


class RefuseUnusableInput:
    """A 400 for a request no page can serve: JSON under /api/, a plain page elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if problem := refusal(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"message": problem}, status=400)
            return HttpResponseBadRequest(
                f"Bad request: {problem}.".encode(), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
