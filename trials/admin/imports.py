"""Import from the browser: files, archives or a pasted page, through the command's pipeline."""

import dataclasses
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from trials.curation import acting_as
from trials.importer.pipeline import parse_sources
from trials.importer.report import Outcome, Progress
from trials.importer.sources import Source, iter_sources
from trials.importer.writer import import_pieces, imported_before
from trials.search.vocabulary import rebuild_vocabulary


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    # The form's metaclass moves a declared field into base_fields, so this never shadows the
    # form's ``files`` (the uploads); the stubs see only a class attribute of another type.
    files = MultipleFileField(  # type: ignore[assignment]
        required=False,
        help_text="Records in any form (page text or HTML, legacy XML, API or classic JSON), "
        "or .zip / .tar archives of them.",
    )
    text = forms.CharField(
        label="Pasted page text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text="The text of a ClinicalTrials.gov study page, copied from the browser.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not data.get("files") and not data.get("text", "").strip():
            raise forms.ValidationError("Choose a file or paste a page's text.")
        return data


def _sources(files: list, text: str) -> Iterator[Source]:
    """The uploads as the command would read them, named as the curator knows them."""
    if files:
        with tempfile.TemporaryDirectory(prefix="upload-") as folder:
            paths = []
            for index, upload in enumerate(files):
                # Only the base name: an upload's name must not reach outside the folder.
                name = Path(upload.name).name or f"upload-{index}"
                path = Path(folder) / f"{index}" / name
                path.parent.mkdir()
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                paths.append(str(path))
            for source in iter_sources(paths):
                name = source.name.removeprefix(folder + "/").partition("/")[2]
                yield dataclasses.replace(source, name=name)
    if text.strip():
        yield Source("pasted text", text.encode())


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Upload or paste records; the report lists each record as import_trials prints it."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    lines: list[tuple[str, str]] = []
    total = ""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        progress = Progress(io.StringIO(), interactive=False)
        sources = _sources(form.cleaned_data["files"], form.cleaned_data["text"])
        with acting_as(request.user):
            for result in import_pieces(parse_sources(sources, imported_before)):
                lines.append((result.outcome, str(result)))
                progress.update(result)
        if progress.counts[Outcome.CREATED] or progress.counts[Outcome.UPDATED]:
            rebuild_vocabulary()
        total = "Total: " + progress.line()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import study records",
        "opts": model_admin.opts,
        "form": form,
        "lines": lines,
        "total": total,
    }
    return TemplateResponse(request, "admin/trials/study/import.html", context)
