"""The whole schema in one migration, for new databases: 0001 to 0011 squashed.

Django works out the models' state migration by migration, and the many fields added to the
study one at a time (0009) made that most of the time a new database took to set up (6.5 of
7 s, on every test run's database and every new install). A database that has applied any of
the migrations it replaces goes on with them; this one is used where none is applied. It holds
what they leave behind: the final tables, the search configuration and the storage settings
(what they did to data already there has nothing to do in a new database). The lz4 compression
of 0007 comes after it, in 0012, for every table.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import (
    BtreeGinExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations, models

# Accent-insensitive English: "Sjögren" and "Sjogren" stem alike. unaccent() is not immutable,
# so it lives in a text search configuration, and in a wrapper that promises immutability (true
# as long as nobody edits the unaccent rules file) so that keys can be indexed.
SEARCH_CONFIGURATION = r"""
CREATE TEXT SEARCH CONFIGURATION trials_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION trials_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE FUNCTION trials_search_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN btrim(regexp_replace(
        lower(public.unaccent('public.unaccent'::regdictionary, name)), '[^[:alnum:]]+', ' ', 'g'
    ));
"""
DROP_SEARCH_CONFIGURATION = r"""
DROP FUNCTION trials_search_key(text);
DROP TEXT SEARCH CONFIGURATION trials_english;
"""


# What a search reads moves to narrow rows: a very common word's count visits nearly every
# row, and reading SearchDocument's wide rows (display arrays, lexicon keys, the ranking vector)
# cost more than the match itself. SearchMatch: a row over the 2 kB toast threshold is toasted
# down to toast_tuple_target, so both large vectors leave it, not just the largest, and the
# countries stay inline (MAIN): counting reads them per match. SearchRanking: the vector stays
# inline (MAIN), since ranking reads it for every first-tier match.
STORAGE = """
ALTER TABLE trials_searchmatch SET (toast_tuple_target = 128);
ALTER TABLE trials_searchmatch ALTER COLUMN countries SET STORAGE MAIN;
ALTER TABLE trials_searchranking ALTER COLUMN rank_vector SET STORAGE MAIN;
"""


class Migration(migrations.Migration):
    replaces = [
        ("trials", "0001_initial"),
        ("trials", "0002_sampling_method_choices"),
        ("trials", "0003_curation_and_history"),
        ("trials", "0004_search"),
        ("trials", "0005_order_parts_by_study_column"),
        ("trials", "0006_search_match"),
        ("trials", "0007_lz4_toast_compression"),
        ("trials", "0008_study_oversight_has_dmc"),
        ("trials", "0009_whole_record"),
        ("trials", "0010_intervention_arm_order"),
        ("trials", "0011_version_sha256_index"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        BtreeGinExtension(),
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(SEARCH_CONFIGURATION, reverse_sql=DROP_SEARCH_CONFIGURATION),
        migrations.CreateModel(
            name="Study",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("nct_id", models.CharField(max_length=11, verbose_name="NCT ID")),
                ("brief_title", models.TextField()),
                ("official_title", models.TextField(blank=True)),
                ("acronym", models.CharField(blank=True, max_length=100)),
                ("org_name", models.TextField(blank=True, verbose_name="organization")),
                (
                    "org_class",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NIH", "NIH"),
                            ("FED", "U.S. Fed"),
                            ("OTHER_GOV", "Other U.S. government"),
                            ("INDIV", "Individual"),
                            ("INDUSTRY", "Industry"),
                            ("NETWORK", "Network"),
                            ("AMBIG", "Ambiguous"),
                            ("OTHER", "Other"),
                            ("UNKNOWN", "Unknown"),
                        ],
                        max_length=9,
                        verbose_name="organization class",
                    ),
                ),
                (
                    "overall_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
                            ("COMPLETED", "Completed"),
                            ("ENROLLING_BY_INVITATION", "Enrolling by invitation"),
                            ("NOT_YET_RECRUITING", "Not yet recruiting"),
                            ("RECRUITING", "Recruiting"),
                            ("SUSPENDED", "Suspended"),
                            ("TERMINATED", "Terminated"),
                            ("WITHDRAWN", "Withdrawn"),
                            ("AVAILABLE", "Available"),
                            ("NO_LONGER_AVAILABLE", "No longer available"),
                            ("TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"),
                            ("APPROVED_FOR_MARKETING", "Approved for marketing"),
                            ("WITHHELD", "Withheld"),
                            ("UNKNOWN", "Unknown status"),
                        ],
                        max_length=25,
                    ),
                ),
                (
                    "last_known_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
                            ("COMPLETED", "Completed"),
                            ("ENROLLING_BY_INVITATION", "Enrolling by invitation"),
                            ("NOT_YET_RECRUITING", "Not yet recruiting"),
                            ("RECRUITING", "Recruiting"),
                            ("SUSPENDED", "Suspended"),
                            ("TERMINATED", "Terminated"),
                            ("WITHDRAWN", "Withdrawn"),
                            ("AVAILABLE", "Available"),
                            ("NO_LONGER_AVAILABLE", "No longer available"),
                            ("TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"),
                            ("APPROVED_FOR_MARKETING", "Approved for marketing"),
                            ("WITHHELD", "Withheld"),
                            ("UNKNOWN", "Unknown status"),
                        ],
                        max_length=25,
                    ),
                ),
                ("why_stopped", models.TextField(blank=True)),
                ("has_results", models.BooleanField(blank=True, null=True)),
                ("delayed_posting", models.BooleanField(blank=True, null=True)),
                (
                    "has_expanded_access",
                    models.BooleanField(blank=True, null=True, verbose_name="expanded access"),
                ),
                (
                    "expanded_access_nct_id",
                    models.CharField(
                        blank=True, max_length=11, verbose_name="expanded access record"
                    ),
                ),
                (
                    "expanded_access_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("AVAILABLE", "Available"),
                            ("NO_LONGER_AVAILABLE", "No longer available"),
                            ("TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"),
                            ("APPROVED_FOR_MARKETING", "Approved for marketing"),
                        ],
                        max_length=25,
                    ),
                ),
                ("results_waived", models.BooleanField(blank=True, null=True)),
                (
                    "oversight_has_dmc",
                    models.BooleanField(
                        blank=True, null=True, verbose_name="data monitoring committee"
                    ),
                ),
                ("is_fda_regulated_drug", models.BooleanField(blank=True, null=True)),
                ("is_fda_regulated_device", models.BooleanField(blank=True, null=True)),
                ("is_unapproved_device", models.BooleanField(blank=True, null=True)),
                ("is_ppsd", models.BooleanField(blank=True, null=True)),
                ("is_us_export", models.BooleanField(blank=True, null=True)),
                ("fdaaa801_violation", models.BooleanField(blank=True, null=True)),
                ("status_verified_date", models.DateField(blank=True, null=True)),
                (
                    "status_verified_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("start_date", models.DateField(blank=True, null=True)),
                (
                    "start_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "start_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("primary_completion_date", models.DateField(blank=True, null=True)),
                (
                    "primary_completion_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "primary_completion_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("completion_date", models.DateField(blank=True, null=True)),
                (
                    "completion_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "completion_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("first_submitted_date", models.DateField(blank=True, null=True)),
                (
                    "first_submitted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("first_posted_date", models.DateField(blank=True, null=True)),
                (
                    "first_posted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "first_posted_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("last_update_submitted_date", models.DateField(blank=True, null=True)),
                (
                    "last_update_submitted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("last_update_posted_date", models.DateField(blank=True, null=True)),
                (
                    "last_update_posted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "last_update_posted_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("results_first_posted_date", models.DateField(blank=True, null=True)),
                (
                    "results_first_posted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "results_first_posted_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("first_submitted_qc_date", models.DateField(blank=True, null=True)),
                (
                    "first_submitted_qc_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("results_first_submitted_date", models.DateField(blank=True, null=True)),
                (
                    "results_first_submitted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("results_first_submitted_qc_date", models.DateField(blank=True, null=True)),
                (
                    "results_first_submitted_qc_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("disp_first_submitted_date", models.DateField(blank=True, null=True)),
                (
                    "disp_first_submitted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("disp_first_submitted_qc_date", models.DateField(blank=True, null=True)),
                (
                    "disp_first_submitted_qc_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("disp_first_posted_date", models.DateField(blank=True, null=True)),
                (
                    "disp_first_posted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "disp_first_posted_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                ("version_holder_date", models.DateField(blank=True, null=True)),
                (
                    "version_holder_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("estimated_results_first_submitted_date", models.DateField(blank=True, null=True)),
                (
                    "estimated_results_first_submitted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                ("first_mcp_posted_date", models.DateField(blank=True, null=True)),
                (
                    "first_mcp_posted_precision",
                    models.CharField(
                        blank=True,
                        choices=[("DAY", "Day"), ("MONTH", "Month"), ("YEAR", "Year")],
                        max_length=5,
                    ),
                ),
                (
                    "first_mcp_posted_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                (
                    "study_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("INTERVENTIONAL", "Interventional"),
                            ("OBSERVATIONAL", "Observational"),
                            ("EXPANDED_ACCESS", "Expanded Access"),
                        ],
                        max_length=15,
                    ),
                ),
                ("patient_registry", models.BooleanField(blank=True, null=True)),
                ("target_duration", models.TextField(blank=True)),
                ("expanded_access_individual", models.BooleanField(blank=True, null=True)),
                ("expanded_access_intermediate", models.BooleanField(blank=True, null=True)),
                ("expanded_access_treatment", models.BooleanField(blank=True, null=True)),
                (
                    "bio_spec_retention",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NONE_RETAINED", "None Retained"),
                            ("SAMPLES_WITH_DNA", "Samples With DNA"),
                            ("SAMPLES_WITHOUT_DNA", "Samples Without DNA"),
                        ],
                        max_length=19,
                        verbose_name="biospecimen retention",
                    ),
                ),
                (
                    "bio_spec_description",
                    models.TextField(blank=True, verbose_name="biospecimen description"),
                ),
                (
                    "phases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            blank=True,
                            choices=[
                                ("NA", "Not Applicable"),
                                ("EARLY_PHASE1", "Early Phase 1"),
                                ("PHASE1", "Phase 1"),
                                ("PHASE2", "Phase 2"),
                                ("PHASE3", "Phase 3"),
                                ("PHASE4", "Phase 4"),
                            ],
                            max_length=12,
                        ),
                        blank=True,
                        default=list,
                    ),
                ),
                ("enrollment", models.IntegerField(blank=True, null=True)),
                (
                    "enrollment_type",
                    models.CharField(
                        blank=True,
                        choices=[("ACTUAL", "Actual"), ("ESTIMATED", "Estimated")],
                        max_length=9,
                    ),
                ),
                (
                    "allocation",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("RANDOMIZED", "Randomized"),
                            ("NON_RANDOMIZED", "Non-Randomized"),
                            ("NA", "N/A"),
                        ],
                        max_length=14,
                    ),
                ),
                (
                    "intervention_model",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("SINGLE_GROUP", "Single Group Assignment"),
                            ("PARALLEL", "Parallel Assignment"),
                            ("CROSSOVER", "Crossover Assignment"),
                            ("FACTORIAL", "Factorial Assignment"),
                            ("SEQUENTIAL", "Sequential Assignment"),
                        ],
                        max_length=12,
                    ),
                ),
                ("intervention_model_description", models.TextField(blank=True)),
                (
                    "masking",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NONE", "None (Open Label)"),
                            ("SINGLE", "Single"),
                            ("DOUBLE", "Double"),
                            ("TRIPLE", "Triple"),
                            ("QUADRUPLE", "Quadruple"),
                        ],
                        max_length=9,
                    ),
                ),
                ("masking_description", models.TextField(blank=True)),
                (
                    "who_masked",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            blank=True,
                            choices=[
                                ("PARTICIPANT", "Participant"),
                                ("CARE_PROVIDER", "Care Provider"),
                                ("INVESTIGATOR", "Investigator"),
                                ("OUTCOMES_ASSESSOR", "Outcomes Assessor"),
                            ],
                            max_length=17,
                        ),
                        blank=True,
                        default=list,
                    ),
                ),
                (
                    "primary_purpose",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("TREATMENT", "Treatment"),
                            ("PREVENTION", "Prevention"),
                            ("DIAGNOSTIC", "Diagnostic"),
                            ("ECT", "Educational/Counseling/Training"),
                            ("SUPPORTIVE_CARE", "Supportive Care"),
                            ("SCREENING", "Screening"),
                            ("HEALTH_SERVICES_RESEARCH", "Health Services Research"),
                            ("BASIC_SCIENCE", "Basic Science"),
                            ("DEVICE_FEASIBILITY", "Device Feasibility"),
                            ("OTHER", "Other"),
                        ],
                        max_length=24,
                    ),
                ),
                (
                    "observational_model",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("COHORT", "Cohort"),
                            ("CASE_CONTROL", "Case-Control"),
                            ("CASE_ONLY", "Case-Only"),
                            ("CASE_CROSSOVER", "Case-Crossover"),
                            ("ECOLOGIC_OR_COMMUNITY", "Ecologic or Community"),
                            ("FAMILY_BASED", "Family-Based"),
                            ("DEFINED_POPULATION", "Defined Population"),
                            ("NATURAL_HISTORY", "Natural History"),
                            ("OTHER", "Other"),
                        ],
                        max_length=21,
                    ),
                ),
                (
                    "time_perspective",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("RETROSPECTIVE", "Retrospective"),
                            ("PROSPECTIVE", "Prospective"),
                            ("CROSS_SECTIONAL", "Cross-Sectional"),
                            ("OTHER", "Other"),
                        ],
                        max_length=15,
                    ),
                ),
                ("brief_summary", models.TextField(blank=True)),
                ("detailed_description", models.TextField(blank=True)),
                ("eligibility_criteria", models.TextField(blank=True)),
                (
                    "sex",
                    models.CharField(
                        blank=True,
                        choices=[("ALL", "All"), ("FEMALE", "Female"), ("MALE", "Male")],
                        max_length=6,
                    ),
                ),
                ("gender_based", models.BooleanField(blank=True, null=True)),
                ("gender_description", models.TextField(blank=True)),
                ("minimum_age", models.CharField(blank=True, max_length=30)),
                ("maximum_age", models.CharField(blank=True, max_length=30)),
                ("minimum_age_days", models.IntegerField(blank=True, null=True)),
                ("maximum_age_days", models.IntegerField(blank=True, null=True)),
                ("healthy_volunteers", models.BooleanField(blank=True, null=True)),
                (
                    "std_ages",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            blank=True,
                            choices=[
                                ("CHILD", "Child"),
                                ("ADULT", "Adult"),
                                ("OLDER_ADULT", "Older Adult"),
                            ],
                            max_length=11,
                        ),
                        blank=True,
                        default=list,
                    ),
                ),
                ("study_population", models.TextField(blank=True)),
                (
                    "sampling_method",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("PROBABILITY_SAMPLE", "Probability Sample"),
                            ("NON_PROBABILITY_SAMPLE", "Non-Probability Sample"),
                        ],
                        max_length=22,
                    ),
                ),
                (
                    "responsible_party_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("SPONSOR", "Sponsor"),
                            ("PRINCIPAL_INVESTIGATOR", "Principal Investigator"),
                            ("SPONSOR_INVESTIGATOR", "Sponsor-Investigator"),
                        ],
                        max_length=22,
                    ),
                ),
                ("responsible_party_name", models.TextField(blank=True)),
                ("responsible_party_title", models.TextField(blank=True)),
                ("responsible_party_affiliation", models.TextField(blank=True)),
                ("responsible_party_old_name_title", models.TextField(blank=True)),
                ("responsible_party_old_organization", models.TextField(blank=True)),
                (
                    "ipd_sharing",
                    models.CharField(
                        blank=True,
                        choices=[("YES", "Yes"), ("NO", "No"), ("UNDECIDED", "Undecided")],
                        max_length=9,
                        verbose_name="plans to share IPD",
                    ),
                ),
                ("ipd_description", models.TextField(blank=True, verbose_name="IPD sharing plan")),
                (
                    "ipd_info_types",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            blank=True,
                            choices=[
                                ("STUDY_PROTOCOL", "Study Protocol"),
                                ("SAP", "Statistical Analysis Plan (SAP)"),
                                ("ICF", "Informed Consent Form (ICF)"),
                                ("CSR", "Clinical Study Report (CSR)"),
                                ("ANALYTIC_CODE", "Analytic Code"),
                            ],
                            max_length=14,
                        ),
                        blank=True,
                        default=list,
                    ),
                ),
                (
                    "ipd_time_frame",
                    models.TextField(blank=True, verbose_name="IPD sharing time frame"),
                ),
                (
                    "ipd_access_criteria",
                    models.TextField(blank=True, verbose_name="IPD access criteria"),
                ),
                ("ipd_url", models.TextField(blank=True, verbose_name="IPD URL")),
                (
                    "no_sap",
                    models.BooleanField(
                        blank=True, null=True, verbose_name="no statistical analysis plan"
                    ),
                ),
                (
                    "removed_countries",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), blank=True, default=list
                    ),
                ),
                ("bmi_min", models.FloatField(blank=True, null=True, verbose_name="lowest BMI")),
                ("bmi_max", models.FloatField(blank=True, null=True, verbose_name="highest BMI")),
                ("unposted_responsible_party", models.TextField(blank=True)),
                ("flow_recruitment_details", models.TextField(blank=True)),
                ("flow_pre_assignment_details", models.TextField(blank=True)),
                ("flow_type_units_analyzed", models.TextField(blank=True)),
                ("baseline_population_description", models.TextField(blank=True)),
                ("baseline_type_units_analyzed", models.TextField(blank=True)),
                ("events_frequency_threshold", models.TextField(blank=True)),
                ("events_time_frame", models.TextField(blank=True)),
                ("events_description", models.TextField(blank=True)),
                ("all_cause_mortality_comment", models.TextField(blank=True)),
                (
                    "limitations",
                    models.TextField(blank=True, verbose_name="limitations and caveats"),
                ),
                ("agreement_pi_sponsor_employee", models.BooleanField(blank=True, null=True)),
                (
                    "agreement_restriction_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("LTE60", "60 days or less"),
                            ("GT60", "More than 60 days"),
                            ("OTHER", "Other"),
                        ],
                        max_length=5,
                    ),
                ),
                ("agreement_restrictive", models.BooleanField(blank=True, null=True)),
                ("agreement_other_details", models.TextField(blank=True)),
                ("results_contact_title", models.TextField(blank=True)),
                ("results_contact_organization", models.TextField(blank=True)),
                ("results_contact_email", models.TextField(blank=True)),
                ("results_contact_phone", models.TextField(blank=True)),
                ("results_contact_phone_ext", models.TextField(blank=True)),
                (
                    "import_warnings",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), blank=True, default=list
                    ),
                ),
                ("record_hash", models.CharField(blank=True, editable=False, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name_plural": "studies",
                "ordering": ["-last_update_posted_date", "nct_id"],
                "indexes": [
                    models.Index(
                        fields=["-last_update_posted_date", "nct_id"], name="study_last_update_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("nct_id",), name="study_unique_nct_id"),
                    models.CheckConstraint(
                        condition=models.Q(("nct_id__regex", "^NCT\\d{8}$")),
                        name="study_nct_id_form",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("enrollment__gte", 0), ("enrollment__isnull", True), _connector="OR"
                        ),
                        name="study_enrollment_not_negative",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AdverseEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("SERIOUS", "Serious"),
                            ("OTHER", "Other (not including serious)"),
                        ],
                        max_length=7,
                    ),
                ),
                ("term", models.TextField()),
                ("organ_system", models.TextField(blank=True)),
                ("source_vocabulary", models.TextField(blank=True)),
                (
                    "assessment_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NON_SYSTEMATIC_ASSESSMENT", "Non-systematic Assessment"),
                            ("SYSTEMATIC_ASSESSMENT", "Systematic Assessment"),
                        ],
                        max_length=25,
                    ),
                ),
                ("notes", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["term"], name="adverseevent_term_idx")],
            },
        ),
        migrations.CreateModel(
            name="Arm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("label", models.TextField()),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("EXPERIMENTAL", "Experimental"),
                            ("ACTIVE_COMPARATOR", "Active Comparator"),
                            ("PLACEBO_COMPARATOR", "Placebo Comparator"),
                            ("SHAM_COMPARATOR", "Sham Comparator"),
                            ("NO_INTERVENTION", "No Intervention"),
                            ("OTHER", "Other"),
                        ],
                        max_length=18,
                    ),
                ),
                ("description", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="AvailableIpd",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("ipd_id", models.TextField(blank=True, verbose_name="ID")),
                ("type", models.TextField(blank=True)),
                ("url", models.TextField(blank=True, verbose_name="URL")),
                ("comment", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name": "available IPD or information",
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BaselineMeasure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("title", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                ("population_description", models.TextField(blank=True)),
                (
                    "param_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("GEOMETRIC_MEAN", "Geometric Mean"),
                            ("GEOMETRIC_LEAST_SQUARES_MEAN", "Geometric Least Squares Mean"),
                            ("LEAST_SQUARES_MEAN", "Least Squares Mean"),
                            ("LOG_MEAN", "Log Mean"),
                            ("MEAN", "Mean"),
                            ("MEDIAN", "Median"),
                            ("NUMBER", "Number"),
                            ("COUNT_OF_PARTICIPANTS", "Count of Participants"),
                            ("COUNT_OF_UNITS", "Count of Units"),
                        ],
                        max_length=28,
                    ),
                ),
                (
                    "dispersion_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NA", "Not Applicable"),
                            ("STANDARD_DEVIATION", "Standard Deviation"),
                            ("STANDARD_ERROR", "Standard Error"),
                            ("INTER_QUARTILE_RANGE", "Inter-Quartile Range"),
                            ("FULL_RANGE", "Full Range"),
                            ("CONFIDENCE_80", "80% Confidence Interval"),
                            ("CONFIDENCE_90", "90% Confidence Interval"),
                            ("CONFIDENCE_95", "95% Confidence Interval"),
                            ("CONFIDENCE_975", "97.5% Confidence Interval"),
                            ("CONFIDENCE_99", "99% Confidence Interval"),
                            ("CONFIDENCE_OTHER", "Other Confidence Interval"),
                            ("GEOMETRIC_COEFFICIENT", "Geometric Coefficient of Variation"),
                        ],
                        max_length=21,
                    ),
                ),
                ("unit_of_measure", models.TextField(blank=True)),
                ("calculate_pct", models.BooleanField(blank=True, null=True)),
                ("denom_units_selected", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BrowseBranch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[("CONDITION", "Condition"), ("INTERVENTION", "Intervention")],
                        max_length=12,
                    ),
                ),
                ("abbrev", models.CharField(blank=True, max_length=20)),
                ("name", models.TextField()),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "browse branches",
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BrowseLeaf",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[("CONDITION", "Condition"), ("INTERVENTION", "Intervention")],
                        max_length=12,
                    ),
                ),
                ("mesh_id", models.CharField(blank=True, max_length=20, verbose_name="MeSH ID")),
                ("name", models.TextField()),
                ("as_found", models.TextField(blank=True)),
                (
                    "relevance",
                    models.CharField(
                        blank=True, choices=[("LOW", "Low"), ("HIGH", "High")], max_length=4
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "browse leaves",
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Condition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("name", models.TextField()),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["name"], name="condition_name_idx")],
            },
        ),
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("type_abbrev", models.CharField(blank=True, max_length=30)),
                ("has_protocol", models.BooleanField(blank=True, null=True)),
                ("has_sap", models.BooleanField(blank=True, null=True, verbose_name="has SAP")),
                ("has_icf", models.BooleanField(blank=True, null=True, verbose_name="has ICF")),
                ("label", models.TextField(blank=True)),
                ("date", models.CharField(blank=True, max_length=30)),
                ("upload_date", models.CharField(blank=True, max_length=30)),
                ("filename", models.TextField(blank=True)),
                ("size", models.BigIntegerField(blank=True, null=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="EventGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("code", models.CharField(max_length=20, verbose_name="group ID")),
                ("title", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                ("deaths_num_affected", models.IntegerField(blank=True, null=True)),
                ("deaths_num_at_risk", models.IntegerField(blank=True, null=True)),
                ("serious_num_affected", models.IntegerField(blank=True, null=True)),
                ("serious_num_at_risk", models.IntegerField(blank=True, null=True)),
                ("other_num_affected", models.IntegerField(blank=True, null=True)),
                ("other_num_at_risk", models.IntegerField(blank=True, null=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="FlowPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("title", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="DropWithdraw",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("type", models.TextField(blank=True)),
                ("comment", models.TextField(blank=True)),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="drop_withdraws",
                        to="trials.flowperiod",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="FlowMilestone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("type", models.TextField(blank=True)),
                ("comment", models.TextField(blank=True)),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="milestones",
                        to="trials.flowperiod",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Identifier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ORG_STUDY_ID", "Org study ID"),
                            ("SECONDARY", "Secondary ID"),
                            ("NCT_ALIAS", "Obsolete NCT ID"),
                        ],
                        max_length=12,
                    ),
                ),
                ("value", models.TextField()),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NIH", "U.S. NIH Grant/Contract"),
                            ("FDA", "U.S. FDA Grant/Contract"),
                            ("VA", "U.S. VA Grant/Contract"),
                            ("CDC", "U.S. CDC Grant/Contract"),
                            ("AHRQ", "U.S. AHRQ Grant/Contract"),
                            ("SAMHSA", "U.S. SAMHSA Grant/Contract"),
                            ("OTHER_GRANT", "Other Grant/Funding Number"),
                            ("EUDRACT_NUMBER", "EudraCT Number"),
                            ("CTIS", "EU Trial (CTIS) Number"),
                            ("REGISTRY", "Registry Identifier"),
                            ("OTHER", "Other Identifier"),
                        ],
                        max_length=14,
                    ),
                ),
                ("domain", models.TextField(blank=True)),
                ("link", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["value"], name="identifier_value_idx")],
            },
        ),
        migrations.CreateModel(
            name="Intervention",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("BEHAVIORAL", "Behavioral"),
                            ("BIOLOGICAL", "Biological"),
                            ("COMBINATION_PRODUCT", "Combination Product"),
                            ("DEVICE", "Device"),
                            ("DIAGNOSTIC_TEST", "Diagnostic Test"),
                            ("DIETARY_SUPPLEMENT", "Dietary Supplement"),
                            ("DRUG", "Drug"),
                            ("GENETIC", "Genetic"),
                            ("PROCEDURE", "Procedure"),
                            ("RADIATION", "Radiation"),
                            ("OTHER", "Other"),
                        ],
                        max_length=19,
                    ),
                ),
                ("name", models.TextField()),
                ("description", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["name"], name="intervention_name_idx")],
            },
        ),
        migrations.CreateModel(
            name="Keyword",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("name", models.TextField()),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="MeshTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("term", models.TextField()),
                ("mesh_id", models.CharField(blank=True, max_length=20)),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[("CONDITION", "Condition"), ("INTERVENTION", "Intervention")],
                        max_length=12,
                    ),
                ),
                ("is_ancestor", models.BooleanField(default=False)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mesh_terms",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name": "MeSH term",
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["term"], name="meshterm_term_idx")],
            },
        ),
        migrations.CreateModel(
            name="Official",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("name", models.TextField()),
                (
                    "role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("STUDY_CHAIR", "Study Chair"),
                            ("STUDY_DIRECTOR", "Study Director"),
                            ("PRINCIPAL_INVESTIGATOR", "Principal Investigator"),
                            ("SUB_INVESTIGATOR", "Sub-Investigator"),
                        ],
                        max_length=22,
                    ),
                ),
                ("affiliation", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="OutcomeMeasure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("PRIMARY", "Primary"),
                            ("SECONDARY", "Secondary"),
                            ("OTHER", "Other Pre-specified"),
                        ],
                        max_length=9,
                    ),
                ),
                ("measure", models.TextField()),
                ("time_frame", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outcomes",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "kind", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="OutcomeResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("PRIMARY", "Primary"),
                            ("SECONDARY", "Secondary"),
                            ("OTHER_PRE_SPECIFIED", "Other Pre-specified"),
                            ("POST_HOC", "Post-Hoc"),
                        ],
                        max_length=19,
                    ),
                ),
                ("title", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                ("population_description", models.TextField(blank=True)),
                (
                    "reporting_status",
                    models.CharField(
                        blank=True,
                        choices=[("NOT_POSTED", "Not Posted"), ("POSTED", "Posted")],
                        max_length=10,
                    ),
                ),
                ("anticipated_posting_date", models.CharField(blank=True, max_length=30)),
                (
                    "param_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("GEOMETRIC_MEAN", "Geometric Mean"),
                            ("GEOMETRIC_LEAST_SQUARES_MEAN", "Geometric Least Squares Mean"),
                            ("LEAST_SQUARES_MEAN", "Least Squares Mean"),
                            ("LOG_MEAN", "Log Mean"),
                            ("MEAN", "Mean"),
                            ("MEDIAN", "Median"),
                            ("NUMBER", "Number"),
                            ("COUNT_OF_PARTICIPANTS", "Count of Participants"),
                            ("COUNT_OF_UNITS", "Count of Units"),
                        ],
                        max_length=28,
                    ),
                ),
                (
                    "dispersion_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NA", "Not Applicable"),
                            ("STANDARD_DEVIATION", "Standard Deviation"),
                            ("STANDARD_ERROR", "Standard Error"),
                            ("INTER_QUARTILE_RANGE", "Inter-Quartile Range"),
                            ("FULL_RANGE", "Full Range"),
                            ("CONFIDENCE_80", "80% Confidence Interval"),
                            ("CONFIDENCE_90", "90% Confidence Interval"),
                            ("CONFIDENCE_95", "95% Confidence Interval"),
                            ("CONFIDENCE_975", "97.5% Confidence Interval"),
                            ("CONFIDENCE_99", "99% Confidence Interval"),
                            ("CONFIDENCE_OTHER", "Other Confidence Interval"),
                            ("GEOMETRIC_COEFFICIENT", "Geometric Coefficient of Variation"),
                        ],
                        max_length=21,
                    ),
                ),
                ("unit_of_measure", models.TextField(blank=True)),
                ("calculate_pct", models.BooleanField(blank=True, null=True)),
                ("time_frame", models.TextField(blank=True)),
                ("type_units_analyzed", models.TextField(blank=True)),
                ("denom_units_selected", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Reference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("pmid", models.CharField(blank=True, max_length=20, verbose_name="PMID")),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("BACKGROUND", "Background"),
                            ("RESULT", "Result"),
                            ("DERIVED", "Derived from this study"),
                        ],
                        max_length=10,
                    ),
                ),
                ("citation", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["pmid"], name="reference_pmid_idx")],
            },
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("C", "Condition"),
                            ("I", "Intervention"),
                            ("S", "Sponsor"),
                            ("N", "Country"),
                        ],
                        max_length=1,
                    ),
                ),
                (
                    "key",
                    models.TextField(help_text="trials_search_key(name): lower case, unaccented."),
                ),
                ("name", models.TextField(help_text="The most common spelling.")),
                ("study_count", models.IntegerField(default=0)),
            ],
            options={
                "ordering": ["kind", "-study_count", "key"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["key"], name="searchterm_key_trgm_idx", opclasses=["gin_trgm_ops"]
                    ),
                    models.Index(fields=["kind", "-study_count"], name="searchterm_browse_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "key"), name="searchterm_unique_key"),
                    models.CheckConstraint(
                        condition=models.Q(("study_count__gte", 0)),
                        name="searchterm_count_not_negative",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SeeAlsoLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("label", models.TextField(blank=True)),
                ("url", models.TextField(verbose_name="URL")),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Site",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("facility", models.TextField(blank=True)),
                ("city", models.TextField(blank=True)),
                ("state", models.TextField(blank=True)),
                ("zip", models.CharField(blank=True, max_length=30)),
                ("country", models.TextField(blank=True)),
                (
                    "status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
                            ("COMPLETED", "Completed"),
                            ("ENROLLING_BY_INVITATION", "Enrolling by invitation"),
                            ("NOT_YET_RECRUITING", "Not yet recruiting"),
                            ("RECRUITING", "Recruiting"),
                            ("SUSPENDED", "Suspended"),
                            ("TERMINATED", "Terminated"),
                            ("WITHDRAWN", "Withdrawn"),
                            ("AVAILABLE", "Available"),
                            ("NO_LONGER_AVAILABLE", "No longer available"),
                            ("TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"),
                            ("APPROVED_FOR_MARKETING", "Approved for marketing"),
                            ("WITHHELD", "Withheld"),
                            ("UNKNOWN", "Unknown status"),
                        ],
                        max_length=25,
                    ),
                ),
                ("latitude", models.FloatField(blank=True, null=True)),
                ("longitude", models.FloatField(blank=True, null=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "indexes": [models.Index(fields=["country"], name="site_country_idx")],
            },
        ),
        migrations.CreateModel(
            name="Contact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("name", models.TextField(blank=True)),
                (
                    "role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("STUDY_CHAIR", "Study Chair"),
                            ("STUDY_DIRECTOR", "Study Director"),
                            ("PRINCIPAL_INVESTIGATOR", "Principal Investigator"),
                            ("SUB_INVESTIGATOR", "Sub-Investigator"),
                            ("CONTACT", "Contact"),
                        ],
                        max_length=22,
                    ),
                ),
                ("phone", models.TextField(blank=True)),
                ("phone_ext", models.TextField(blank=True)),
                ("email", models.TextField(blank=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="contacts",
                        to="trials.site",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Sponsor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("name", models.TextField()),
                (
                    "agency_class",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NIH", "NIH"),
                            ("FED", "U.S. Fed"),
                            ("OTHER_GOV", "Other U.S. government"),
                            ("INDIV", "Individual"),
                            ("INDUSTRY", "Industry"),
                            ("NETWORK", "Network"),
                            ("AMBIG", "Ambiguous"),
                            ("OTHER", "Other"),
                            ("UNKNOWN", "Unknown"),
                        ],
                        max_length=9,
                    ),
                ),
                ("is_lead", models.BooleanField(default=False)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_lead", True)),
                        fields=("study",),
                        name="sponsor_one_lead",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StudyChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("IMPORT", "Import"),
                            ("ADMIN", "Admin edit"),
                            ("REVERT", "Revert"),
                            ("DECISION", "Conflict decision"),
                        ],
                        max_length=8,
                    ),
                ),
                ("actor_name", models.CharField(blank=True, max_length=150)),
                (
                    "source",
                    models.TextField(blank=True, help_text="The imported file, or the admin page."),
                ),
                ("summary", models.TextField(blank=True)),
                ("changes", models.JSONField(blank=True, default=dict)),
                ("conflicts", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reverts",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reverted_by",
                        to="trials.studychange",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["study", "-at"], name="studychange_study_at_idx")],
            },
        ),
        migrations.CreateModel(
            name="StudyVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "format",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("PAGE_TEXT", "Page text"),
                            ("PAGE_HTML", "Classic HTML page"),
                            ("LEGACY_XML", "Legacy XML"),
                            ("API_V2_JSON", "API v2 JSON"),
                            ("CLASSIC_JSON", "Classic API JSON"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "source_name",
                    models.TextField(
                        blank=True, help_text="The file or archive member it came from."
                    ),
                ),
                ("content", models.BinaryField()),
                ("sha256", models.CharField(editable=False, max_length=64)),
                ("record_date", models.DateField(blank=True, null=True)),
                ("record", models.JSONField()),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "-record_date", "-imported_at"],
                "indexes": [models.Index(fields=["sha256"], name="version_sha256_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("study", "sha256"), name="version_unique_source"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubmissionInfo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("release_date", models.CharField(blank=True, max_length=30)),
                ("unrelease_date", models.CharField(blank=True, max_length=30)),
                ("unrelease_date_unknown", models.BooleanField(blank=True, null=True)),
                ("reset_date", models.CharField(blank=True, max_length=30)),
                ("mcp_release_n", models.IntegerField(blank=True, null=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="UnpostedEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("RESET", "Reset"),
                            ("RELEASE", "Release"),
                            ("UNRELEASE", "Unrelease"),
                        ],
                        max_length=9,
                    ),
                ),
                ("date", models.CharField(blank=True, max_length=30)),
                ("date_unknown", models.BooleanField(blank=True, null=True)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ViolationEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("VIOLATION_IDENTIFIED", "Violation identified"),
                            ("CORRECTION_CONFIRMED", "Correction confirmed"),
                            ("PENALTY_IMPOSED", "Penalty imposed"),
                            (
                                "ISSUES_IN_LETTER_ADDRESSED_CONFIRMED",
                                "Issues in letter addressed, confirmed",
                            ),
                        ],
                        max_length=36,
                    ),
                ),
                ("description", models.TextField(blank=True)),
                ("creation_date", models.CharField(blank=True, max_length=30)),
                ("issued_date", models.CharField(blank=True, max_length=30)),
                ("release_date", models.CharField(blank=True, max_length=30)),
                ("posted_date", models.CharField(blank=True, max_length=30)),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Curation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "path",
                    models.TextField(help_text="brief_title, conditions, sites[3].country, …"),
                ),
                ("value", models.JSONField(blank=True, null=True)),
                (
                    "source_value",
                    models.JSONField(
                        blank=True,
                        help_text="What the sources said when the curator changed it.",
                        null=True,
                    ),
                ),
                ("curated_at", models.DateTimeField(auto_now=True)),
                (
                    "conflicted",
                    models.BooleanField(
                        default=False,
                        help_text="A newer source changed this field since it was curated.",
                    ),
                ),
                (
                    "new_source_value",
                    models.JSONField(
                        blank=True,
                        help_text="What the newer source says (while conflicted).",
                        null=True,
                    ),
                ),
                (
                    "curated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="curations",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "path"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("conflicted", True)),
                        fields=["study"],
                        name="curation_conflicted_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("study", "path"), name="curation_unique_path")
                ],
            },
        ),
        migrations.CreateModel(
            name="DrugAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "alias",
                    models.CharField(
                        help_text="A name as people write it: Revlimid, CC-5013.", max_length=200
                    ),
                ),
                (
                    "drug",
                    models.CharField(
                        blank=True,
                        help_text="The drug it means (generic name): lenalidomide.",
                        max_length=200,
                    ),
                ),
                (
                    "not_an_alias",
                    models.BooleanField(
                        default=False,
                        help_text='A junk "other name" that names no drug ("non applicable", an IND number).',
                    ),
                ),
                ("note", models.TextField(blank=True)),
            ],
            options={
                "verbose_name_plural": "drug aliases",
                "ordering": ["drug", "alias"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("alias"),
                        name="drugalias_unique_alias",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("not_an_alias", True),
                            models.Q(("drug", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="drugalias_names_a_drug",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="DrugSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name_key", models.TextField()),
                (
                    "group_key",
                    models.TextField(help_text="The search key of the intervention's own name."),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["group_key"], name="drugsynonym_group_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("name_key", "group_key"), name="drugsynonym_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EventStat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("group_code", models.CharField(blank=True, max_length=20)),
                ("num_events", models.IntegerField(blank=True, null=True)),
                ("num_affected", models.IntegerField(blank=True, null=True)),
                ("num_at_risk", models.IntegerField(blank=True, null=True)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="stats",
                        to="trials.adverseevent",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="FlowCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("group_code", models.CharField(blank=True, max_length=20)),
                ("comment", models.TextField(blank=True)),
                ("num_subjects", models.TextField(blank=True)),
                ("num_units", models.TextField(blank=True)),
                (
                    "drop_withdraw",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="reasons",
                        to="trials.dropwithdraw",
                    ),
                ),
                (
                    "milestone",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="achievements",
                        to="trials.flowmilestone",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="InterventionArm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "arm",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="intervention_links",
                        to="trials.arm",
                    ),
                ),
                (
                    "intervention",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="arm_links",
                        to="trials.intervention",
                    ),
                ),
            ],
            options={
                "db_table": "trials_intervention_arms",
                "ordering": ["intervention_id", "position"],
                "unique_together": {("intervention", "arm")},
            },
        ),
        migrations.CreateModel(
            name="MeasureClass",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("title", models.TextField(blank=True)),
                (
                    "baseline_measure",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="classes",
                        to="trials.baselinemeasure",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="classes",
                        to="trials.outcomeresult",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "measure classes",
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Denom",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("units", models.TextField(blank=True)),
                (
                    "baseline_measure",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="denoms",
                        to="trials.baselinemeasure",
                    ),
                ),
                (
                    "measure_class",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="denoms",
                        to="trials.measureclass",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="denoms",
                        to="trials.outcomeresult",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="DenomCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("group_code", models.CharField(blank=True, max_length=20)),
                ("value", models.TextField(blank=True)),
                (
                    "denom",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="counts",
                        to="trials.denom",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="MeasureCategory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("title", models.TextField(blank=True)),
                (
                    "measure_class",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="categories",
                        to="trials.measureclass",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "measure categories",
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Measurement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("group_code", models.CharField(blank=True, max_length=20)),
                ("value", models.TextField(blank=True)),
                ("spread", models.TextField(blank=True)),
                ("lower_limit", models.TextField(blank=True)),
                ("upper_limit", models.TextField(blank=True)),
                ("comment", models.TextField(blank=True)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="measurements",
                        to="trials.measurecategory",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="OtherName",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.TextField()),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "intervention",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="other_names",
                        to="trials.intervention",
                    ),
                ),
            ],
            options={
                "ordering": ["intervention_id", "position"],
            },
        ),
        migrations.CreateModel(
            name="Analysis",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("param_type", models.TextField(blank=True)),
                ("param_value", models.TextField(blank=True)),
                (
                    "dispersion_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("STANDARD_DEVIATION", "Standard Deviation"),
                            ("STANDARD_ERROR_OF_MEAN", "Standard Error of the Mean"),
                        ],
                        max_length=22,
                    ),
                ),
                ("dispersion_value", models.TextField(blank=True)),
                ("statistical_method", models.TextField(blank=True)),
                ("statistical_comment", models.TextField(blank=True)),
                ("p_value", models.TextField(blank=True, verbose_name="p-value")),
                ("p_value_comment", models.TextField(blank=True)),
                (
                    "ci_num_sides",
                    models.CharField(
                        blank=True,
                        choices=[("ONE_SIDED", "1-Sided"), ("TWO_SIDED", "2-Sided")],
                        max_length=9,
                    ),
                ),
                ("ci_pct_value", models.TextField(blank=True)),
                ("ci_lower_limit", models.TextField(blank=True)),
                ("ci_upper_limit", models.TextField(blank=True)),
                ("ci_lower_limit_comment", models.TextField(blank=True)),
                ("ci_upper_limit_comment", models.TextField(blank=True)),
                ("estimate_comment", models.TextField(blank=True)),
                ("tested_non_inferiority", models.BooleanField(blank=True, null=True)),
                (
                    "non_inferiority_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("SUPERIORITY", "Superiority"),
                            ("NON_INFERIORITY", "Non-Inferiority"),
                            ("EQUIVALENCE", "Equivalence"),
                            ("OTHER", "Other"),
                            ("NON_INFERIORITY_OR_EQUIVALENCE", "Non-Inferiority or Equivalence"),
                            ("SUPERIORITY_OR_OTHER", "Superiority or Other"),
                            (
                                "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY",
                                "Non-Inferiority or Equivalence (legacy)",
                            ),
                            ("SUPERIORITY_OR_OTHER_LEGACY", "Superiority or Other (legacy)"),
                        ],
                        max_length=37,
                    ),
                ),
                ("non_inferiority_comment", models.TextField(blank=True)),
                ("other_analysis_description", models.TextField(blank=True)),
                ("group_description", models.TextField(blank=True)),
                (
                    "group_codes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=20), blank=True, default=list
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="analyses",
                        to="trials.outcomeresult",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "analyses",
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="ResultGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "module",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("FLOW", "Participant flow"),
                            ("BASELINE", "Baseline characteristics"),
                            ("OUTCOME", "Outcome measure"),
                        ],
                        max_length=8,
                    ),
                ),
                ("code", models.CharField(max_length=20, verbose_name="group ID")),
                ("title", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                (
                    "outcome",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="groups",
                        to="trials.outcomeresult",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Retraction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("pmid", models.CharField(blank=True, max_length=20, verbose_name="PMID")),
                ("source", models.TextField(blank=True)),
                (
                    "reference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="retractions",
                        to="trials.reference",
                    ),
                ),
                (
                    "study",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to="trials.study",
                    ),
                ),
            ],
            options={
                "ordering": ["study_id", "position"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "study",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="trials.study",
                    ),
                ),
                (
                    "overall_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
                            ("COMPLETED", "Completed"),
                            ("ENROLLING_BY_INVITATION", "Enrolling by invitation"),
                            ("NOT_YET_RECRUITING", "Not yet recruiting"),
                            ("RECRUITING", "Recruiting"),
                            ("SUSPENDED", "Suspended"),
                            ("TERMINATED", "Terminated"),
                            ("WITHDRAWN", "Withdrawn"),
                            ("AVAILABLE", "Available"),
                            ("NO_LONGER_AVAILABLE", "No longer available"),
                            ("TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"),
                            ("APPROVED_FOR_MARKETING", "Approved for marketing"),
                            ("WITHHELD", "Withheld"),
                            ("UNKNOWN", "Unknown status"),
                        ],
                        max_length=25,
                    ),
                ),
                (
                    "phases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            blank=True,
                            choices=[
                                ("NA", "Not Applicable"),
                                ("EARLY_PHASE1", "Early Phase 1"),
                                ("PHASE1", "Phase 1"),
                                ("PHASE2", "Phase 2"),
                                ("PHASE3", "Phase 3"),
                                ("PHASE4", "Phase 4"),
                            ],
                            max_length=12,
                        ),
                        blank=True,
                        default=list,
                    ),
                ),
                (
                    "study_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("INTERVENTIONAL", "Interventional"),
                            ("OBSERVATIONAL", "Observational"),
                            ("EXPANDED_ACCESS", "Expanded Access"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "intervention_types",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(
                            blank=True,
                            choices=[
                                ("BEHAVIORAL", "Behavioral"),
                                ("BIOLOGICAL", "Biological"),
                                ("COMBINATION_PRODUCT", "Combination Product"),
                                ("DEVICE", "Device"),
                                ("DIAGNOSTIC_TEST", "Diagnostic Test"),
                                ("DIETARY_SUPPLEMENT", "Dietary Supplement"),
                                ("DRUG", "Drug"),
                                ("GENETIC", "Genetic"),
                                ("PROCEDURE", "Procedure"),
                                ("RADIATION", "Radiation"),
                                ("OTHER", "Other"),
                            ],
                            max_length=19,
                        ),
                        blank=True,
                        default=list,
                    ),
                ),
                (
                    "sex",
                    models.CharField(
                        blank=True,
                        choices=[("ALL", "All"), ("FEMALE", "Female"), ("MALE", "Male")],
                        max_length=6,
                    ),
                ),
                ("minimum_age_days", models.IntegerField(null=True)),
                ("maximum_age_days", models.IntegerField(null=True)),
                ("healthy_volunteers", models.BooleanField(null=True)),
                (
                    "sponsor_class",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("NIH", "NIH"),
                            ("FED", "U.S. Fed"),
                            ("OTHER_GOV", "Other U.S. government"),
                            ("INDIV", "Individual"),
                            ("INDUSTRY", "Industry"),
                            ("NETWORK", "Network"),
                            ("AMBIG", "Ambiguous"),
                            ("OTHER", "Other"),
                            ("UNKNOWN", "Unknown"),
                        ],
                        max_length=9,
                    ),
                ),
                ("sponsor", models.TextField(blank=True, help_text="The lead sponsor's name.")),
                (
                    "sponsors",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(),
                        default=list,
                        help_text="Lead and collaborators.",
                    ),
                ),
                ("has_results", models.BooleanField(null=True)),
                ("start_date", models.DateField(null=True)),
                ("first_posted_date", models.DateField(null=True)),
                ("last_update_posted_date", models.DateField(null=True)),
                ("enrollment", models.IntegerField(null=True)),
                (
                    "countries",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), default=list
                    ),
                ),
                ("site_count", models.IntegerField(default=0)),
                (
                    "conditions",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), default=list
                    ),
                ),
                (
                    "interventions",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(),
                        default=list,
                        help_text='"Drug: lenalidomide"',
                    ),
                ),
                (
                    "term_keys",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), default=list
                    ),
                ),
            ],
            options={
                "ordering": ["-last_update_posted_date", "study_id"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["term_keys"], name="searchdoc_term_keys_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchMatch",
            fields=[
                (
                    "study",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_match",
                        serialize=False,
                        to="trials.study",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                ("core", django.contrib.postgres.search.SearchVectorField()),
                (
                    "status",
                    models.SmallIntegerField(help_text="Overall status: a facet code.", null=True),
                ),
                ("phases", models.SmallIntegerField(default=0, help_text="One bit per phase.")),
                ("study_type", models.SmallIntegerField(null=True)),
                (
                    "intervention_types",
                    models.SmallIntegerField(default=0, help_text="One bit per type."),
                ),
                ("sex", models.SmallIntegerField(null=True)),
                ("healthy_volunteers", models.BooleanField(null=True)),
                (
                    "sponsor_class",
                    models.SmallIntegerField(help_text="The lead sponsor's class.", null=True),
                ),
                ("has_results", models.BooleanField(null=True)),
                (
                    "countries",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), default=list
                    ),
                ),
                ("minimum_age_days", models.IntegerField(null=True)),
                ("maximum_age_days", models.IntegerField(null=True)),
                ("start_date", models.DateField(null=True)),
                ("first_posted_date", models.DateField(null=True)),
                ("last_update_posted_date", models.DateField(null=True)),
                ("enrollment", models.IntegerField(null=True)),
            ],
            options={
                "ordering": ["-last_update_posted_date", "study_id"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["document"], name="searchmatch_document_idx"
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["core"], name="searchmatch_core_idx"
                    ),
                    models.Index(
                        fields=["-last_update_posted_date", "study"],
                        name="searchmatch_last_update_idx",
                    ),
                    models.Index(fields=["-start_date", "study"], name="searchmatch_start_idx"),
                    models.Index(
                        fields=["-enrollment", "study"], name="searchmatch_enrollment_idx"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchRanking",
            fields=[
                (
                    "study",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_ranking",
                        serialize=False,
                        to="trials.study",
                    ),
                ),
                ("rank_vector", django.contrib.postgres.search.SearchVectorField()),
                (
                    "last_update_posted_date",
                    models.DateField(help_text="Orders equal ranks.", null=True),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["rank_vector"], name="searchranking_rank_idx"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="intervention",
            name="arms",
            field=models.ManyToManyField(
                blank=True,
                related_name="interventions",
                through="trials.InterventionArm",
                to="trials.arm",
            ),
        ),
        migrations.RunSQL(STORAGE, reverse_sql=migrations.RunSQL.noop),
    ]
