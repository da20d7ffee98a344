"""Hand-made records for tests that need a study shape no corpus file has (many sites)."""

import dataclasses

from trials.importer.record import (
    Arm,
    Intervention,
    MeshTerm,
    Official,
    Outcome,
    PartialDate,
    ResponsibleParty,
    SecondaryId,
    Site,
    Sponsor,
    StudyRecord,
)


def make_record(nct_id: str = "NCT09000001", updated: str = "2020-01-15", **changes) -> StudyRecord:
    """A record with every kind of part; ``changes`` replace fields."""
    record = StudyRecord(
        nct_id=nct_id,
        brief_title="Lenalidomide and Temsirolimus in Myeloma",
        overall_status="COMPLETED",
        source_format="API_V2_JSON",
        org_study_id="ORG-1",
        secondary_ids=(SecondaryId("NCI-2009-00151", "OTHER"),),
        nct_aliases=("NCT09000099",),
        start=PartialDate("2006-11", "ACTUAL"),
        status_verified=PartialDate("2019-12"),
        last_update_posted=PartialDate(updated, "ACTUAL"),
        phases=("PHASE1",),
        enrollment=25,
        conditions=("Refractory Multiple Myeloma", "Stage II Multiple Myeloma"),
        keywords=("myeloma",),
        arms=(Arm("Arm I", "EXPERIMENTAL", "Both drugs", ("Drug: lenalidomide",)),),
        interventions=(
            Intervention("DRUG", "lenalidomide", "Given orally", ("CC-5013", "IND 1234")),
            Intervention("DRUG", "temsirolimus", "Given IV", (), ("Arm I",)),
        ),
        outcomes=(Outcome("PRIMARY", "Maximum tolerated dose", "28 days"),),
        sites=(
            Site("Ohio State University", "Columbus", "Ohio", "43210", "United States"),
            Site("Mayo Clinic", "Rochester", "Minnesota", "", "Untied States"),
        ),
        lead_sponsor=Sponsor("National Cancer Institute (NCI)", "NIH"),
        collaborators=(Sponsor("Wyeth", "INDUSTRY"),),
        responsible_party=ResponsibleParty("SPONSOR"),
        officials=(Official("Craig Hofmeister", "PRINCIPAL_INVESTIGATOR", "OSU"),),
        mesh_terms=(MeshTerm("Multiple Myeloma", "CONDITION", "D009101"),),
    )
    return dataclasses.replace(record, **changes)


def many_sites(count: int) -> tuple[Site, ...]:
    return tuple(Site(f"Site {i}", "City", "", "", "United States") for i in range(count))
