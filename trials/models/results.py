"""A study's results as relational rows, in the structure ClinicalTrials.gov and AACT use.

Every row keeps its study (so a study's results are read in one query per table and deleted with
it) and its place among its siblings (``position``); a row that belongs to another row (a
measurement to its category) points at it. Counts and measurements are kept as the record writes
them ("12.5", "NA"): see ``trials.record.results``.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from trials import vocab

from .parts import StudyPart
from .study import _enum


def _parent(model: str, related_name: str, null: bool = False) -> models.ForeignKey:
    """The row this one belongs to. Rows go with their study (every one keeps it), all at once,
    so the link asks nothing on delete: the constraint, checked at commit, still holds."""
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, null=null, blank=null, related_name=related_name
    )


class ResultGroup(StudyPart):
    """A group of participants in the participant flow, the baseline or one outcome measure."""

    module = _enum(vocab.ResultsModule)
    outcome = _parent("OutcomeResult", "groups", null=True)
    code = models.CharField("group ID", max_length=20)
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title or self.code


class FlowPeriod(StudyPart):
    title = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class FlowMilestone(StudyPart):
    period = _parent("FlowPeriod", "milestones")
    type = models.TextField(blank=True)
    comment = models.TextField(blank=True)


class DropWithdraw(StudyPart):
    period = _parent("FlowPeriod", "drop_withdraws")
    type = models.TextField(blank=True)
    comment = models.TextField(blank=True)


class FlowCount(StudyPart):
    """Participants of one group reaching a milestone, or leaving for one reason."""

    milestone = _parent("FlowMilestone", "achievements", null=True)
    drop_withdraw = _parent("DropWithdraw", "reasons", null=True)
    group_code = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    num_subjects = models.TextField(blank=True)
    num_units = models.TextField(blank=True)


class BaselineMeasure(StudyPart):
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    population_description = models.TextField(blank=True)
    param_type = _enum(vocab.MeasureParam)
    dispersion_type = _enum(vocab.MeasureDispersionType)
    unit_of_measure = models.TextField(blank=True)
    calculate_pct = models.BooleanField(null=True, blank=True)
    denom_units_selected = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class OutcomeResult(StudyPart):
    type = _enum(vocab.OutcomeMeasureType)
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    population_description = models.TextField(blank=True)
    reporting_status = _enum(vocab.ReportingStatus)
    anticipated_posting_date = models.CharField(max_length=30, blank=True)
    param_type = _enum(vocab.MeasureParam)
    dispersion_type = _enum(vocab.MeasureDispersionType)
    unit_of_measure = models.TextField(blank=True)
    calculate_pct = models.BooleanField(null=True, blank=True)
    time_frame = models.TextField(blank=True)
    type_units_analyzed = models.TextField(blank=True)
    denom_units_selected = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class MeasureClass(StudyPart):
    baseline_measure = _parent("BaselineMeasure", "classes", null=True)
    outcome = _parent("OutcomeResult", "classes", null=True)
    title = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        verbose_name_plural = "measure classes"


class Denom(StudyPart):
    """How many were analysed per group, in one unit: of the baseline, a measure or a class."""

    baseline_measure = _parent("BaselineMeasure", "denoms", null=True)
    outcome = _parent("OutcomeResult", "denoms", null=True)
    measure_class = _parent("MeasureClass", "denoms", null=True)
    units = models.TextField(blank=True)


class DenomCount(StudyPart):
    denom = _parent("Denom", "counts")
    group_code = models.CharField(max_length=20, blank=True)
    value = models.TextField(blank=True)


class MeasureCategory(StudyPart):
    measure_class = _parent("MeasureClass", "categories")
    title = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        verbose_name_plural = "measure categories"


class Measurement(StudyPart):
    category = _parent("MeasureCategory", "measurements")
    group_code = models.CharField(max_length=20, blank=True)
    value = models.TextField(blank=True)
    spread = models.TextField(blank=True)
    lower_limit = models.TextField(blank=True)
    upper_limit = models.TextField(blank=True)
    comment = models.TextField(blank=True)


class Analysis(StudyPart):
    outcome = _parent("OutcomeResult", "analyses")
    param_type = models.TextField(blank=True)
    param_value = models.TextField(blank=True)
    dispersion_type = _enum(vocab.AnalysisDispersionType)
    dispersion_value = models.TextField(blank=True)
    statistical_method = models.TextField(blank=True)
    statistical_comment = models.TextField(blank=True)
    p_value = models.TextField("p-value", blank=True)
    p_value_comment = models.TextField(blank=True)
    ci_num_sides = _enum(vocab.ConfidenceIntervalNumSides)
    ci_pct_value = models.TextField(blank=True)
    ci_lower_limit = models.TextField(blank=True)
    ci_upper_limit = models.TextField(blank=True)
    ci_lower_limit_comment = models.TextField(blank=True)
    ci_upper_limit_comment = models.TextField(blank=True)
    estimate_comment = models.TextField(blank=True)
    tested_non_inferiority = models.BooleanField(null=True, blank=True)
    non_inferiority_type = _enum(vocab.NonInferiorityType)
    non_inferiority_comment = models.TextField(blank=True)
    other_analysis_description = models.TextField(blank=True)
    group_description = models.TextField(blank=True)
    group_codes = ArrayField(models.CharField(max_length=20), default=list, blank=True)

    class Meta(StudyPart.Meta):
        verbose_name_plural = "analyses"


class EventGroup(StudyPart):
    """A group as the adverse events report it, with its totals."""

    code = models.CharField("group ID", max_length=20)
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    deaths_num_affected = models.IntegerField(null=True, blank=True)
    deaths_num_at_risk = models.IntegerField(null=True, blank=True)
    serious_num_affected = models.IntegerField(null=True, blank=True)
    serious_num_at_risk = models.IntegerField(null=True, blank=True)
    other_num_affected = models.IntegerField(null=True, blank=True)
    other_num_at_risk = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title or self.code


class AdverseEvent(StudyPart):
    kind = _enum(vocab.EventKind)
    term = models.TextField()
    organ_system = models.TextField(blank=True)
    source_vocabulary = models.TextField(blank=True)
    assessment_type = _enum(vocab.EventAssessment)
    notes = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        indexes = [models.Index(fields=["term"], name="adverseevent_term_idx")]

    def __str__(self) -> str:
        return self.term


class EventStat(StudyPart):
    event = _parent("AdverseEvent", "stats")
    group_code = models.CharField(max_length=20, blank=True)
    num_events = models.IntegerField(null=True, blank=True)
    num_affected = models.IntegerField(null=True, blank=True)
    num_at_risk = models.IntegerField(null=True, blank=True)
