"""The whole record kept: every leaf of every API v2 record in the corpus comes back on export.

The corpus's API v2 records are among the records tests/conftest.py imports per session; each is
exported from its rows and compared with its source leaf by leaf (tests/leaves.py).
"""

import pytest

from tests.corpus import api_v2_studies, newest_api_v2_files
from tests.leaves import api_v2_only, canonical, declared_paths, leaves, lost, without_indices
from trials.export import study_to_api
from trials.models import Study
from trials.text import markdown_outline

pytestmark = pytest.mark.django_db

# Markdown texts are kept as the parser's outline of them (escapes undone, nesting re-indented),
# not verbatim: the one loss issue 9 still asks to end. The test holds them to exactly that.
MARKDOWN = declared_paths(lambda spec: spec.markup)


def not_outlined(lost_leaves: list, source: dict, exported: dict) -> list:
    """The lost leaves that are not Markdown texts given back as their outline."""
    given, kept = dict(leaves(source, raw=True)), dict(leaves(exported))
    return [
        (path, value)
        for path, value in lost_leaves
        if without_indices(path) not in MARKDOWN
        or kept.get(path) != " ".join(markdown_outline(given[path]).split())
    ]


@pytest.mark.parametrize("name", newest_api_v2_files())
def test_every_leaf_of_an_api_v2_record_comes_back_in_its_export(corpus, name):
    for source in api_v2_studies(name):
        nct_id = source["protocolSection"]["identificationModule"]["nctId"]
        exported = study_to_api(Study.objects.with_parts().get(nct_id=nct_id))

        source = canonical(api_v2_only(source))
        assert not_outlined(lost(source, exported), source, exported) == []
