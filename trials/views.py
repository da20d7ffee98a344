from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def study_detail(request: HttpRequest, nct_id: str) -> HttpResponse:
    return HttpResponse("")
