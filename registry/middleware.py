"""The project's middleware: input no page can use is refused at the door, before any view or
query sees it; and reads go to a replica where nothing needs the primary."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from registry import replicas

# The methods that only read (RFC 9110): their reads may go to a replica.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

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


class ReadFromReplicas:
    """Lets a request's reads go to a replica when nothing it does needs the primary
    (``registry.replicas``), and gives a client that wrote a cookie that keeps its next
    requests on the primary until the replicas have its writes.

    Installed only when replicas are configured, after AuthenticationMiddleware: asking whether
    the visitor is signed in loads the session, from the primary, before any read may go
    elsewhere; and, inside the session middleware, it sees a session about to be saved as the
    response passes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = replicas.begin(may_use_replica(request))
        try:
            response = self.get_response(request)
        finally:
            replicas.end(token)
        if wrote(request):
            response.set_cookie(
                replicas.READ_PRIMARY_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_LAG_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def may_use_replica(request: HttpRequest) -> bool:
    """Whether the request's reads may go to a replica: a safe request outside the admin, by
    a visitor not signed in, whose client has not written in the last few seconds."""
    return (
        request.method in SAFE_METHODS
        and not request.path_info.startswith(f"/{settings.ADMIN_PATH}")
        and replicas.READ_PRIMARY_COOKIE not in request.COOKIES
        and not (hasattr(request, "user") and request.user.is_authenticated)
    )


def wrote(request: HttpRequest) -> bool:
    """Whether the request wrote what its client will want to read back: any unsafe request
    (a form, a sign-in, an import), or a session about to be saved."""
    session = getattr(request, "session", None)
    return request.method not in SAFE_METHODS or bool(session is not None and session.modified)
