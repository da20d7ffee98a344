"""What every admin page that changes a study shares: its saves go through curation."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Max, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from trials import edits
from trials.models import Study


def one_line_ending(text: str) -> str:
    """``text`` with every line ending as the records have it: LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class RecordTextField(forms.CharField):
    """A text box of record text. Browsers send a textarea's lines with CRLF and records keep
    LF: read as LF, the same text is the same value, so saving a form changes no text its
    curator did not touch (and curates none)."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return one_line_ending(text) if isinstance(text, str) else text


# Record text is long; a two-line box keeps a tabular inline readable.
COMPACT_TEXT: dict[type[models.Field], dict[str, Any]] = {
    models.TextField: {
        "form_class": RecordTextField,
        "widget": forms.Textarea(attrs={"rows": 2, "cols": 40}),
    }
}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened (versions, history, curations): looked at, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def next_position(model: type[models.Model], **parent: Any) -> int:
    """After the last part of its kind: a part a curator adds comes after the record's parts."""
    last = model._default_manager.filter(**parent).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


class CuratedAdmin(admin.ModelAdmin):
    """Admin of a study or one of its parts: a save is kept as curated values and in history.

    An edit is the study read before anything is written, the saves, and the study compared
    and recorded after: all three in ``save_related``, so nothing passes between hooks.
    ``save_model`` saves nothing: Django calls it just before ``save_related``, in the same
    transaction (on the change form and on the list's editable columns), and a subclass may
    still set fields there. Deleting is Django's: a deleted study takes its history with it,
    and a part's admin (``CuratedPartAdmin``) records the deletion as an edit of its study.
    """

    formfield_overrides = COMPACT_TEXT

    # ``obj`` is an instance of the admin's model, which each subclass names: Any, because
    # ModelAdmin is not generic at run time, so the subclasses' narrower types can't be a
    # type parameter here.
    def study_of(self, obj: Any) -> Study:
        return obj.study

    def siblings(self, obj: Any) -> dict[str, Any]:
        """The filter for the parts a new ``obj`` comes after."""
        return {"study": obj.study}

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        """Saved by ``save_related``, after the study is read as it was."""

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        obj = form.instance  # the object save_model was given
        before = edits.snapshot(self.study_of(obj))
        if not change and hasattr(obj, "position"):
            obj.position = next_position(type(obj), **self.siblings(obj))
        super().save_model(request, obj, form, change)
        super().save_related(request, form, formsets, change)
        edits.record_admin_edit(before, request.user, source=self._source())

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            gone.delete()
        parent = {formset.fk.name: formset.instance}
        for instance in instances:
            if instance.pk is None and hasattr(instance, "position"):
                instance.position = next_position(type(instance), **parent)
            instance.save()
        formset.save_m2m()

    def _source(self) -> str:
        return f"admin: {self.model._meta.verbose_name}"


class CuratedPartAdmin(CuratedAdmin):
    """Admin of one part of a study: deleting the part is an edit of its study, recorded too."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = edits.snapshot(self.study_of(obj))
        super().delete_model(request, obj)
        edits.record_admin_edit(before, request.user, source=self._source())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        studies = {self.study_of(obj).pk for obj in queryset}
        befores = edits.snapshots(Study.objects.filter(pk__in=studies))
        super().delete_queryset(request, queryset)
        for before in befores:
            edits.record_admin_edit(before, request.user, source=self._source())
