"""The whole record kept: every leaf of every API v2 record in the corpus comes back on export.

The corpus's API v2 records are among the records tests/conftest.py imports per session; each is
exported from its rows and compared with its source leaf by leaf (tests/leaves.py).
"""

import pytest

from tests.corpus import api_v2_studies, newest_api_v2_files
from tests.leaves import api_v2_only, canonical, lost
from trials.export import study_to_api
from trials.models import Study

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", newest_api_v2_files())
def test_every_leaf_of_an_api_v2_record_comes_back_in_its_export(corpus, name):
    for source in api_v2_studies(name):
        nct_id = source["protocolSection"]["identificationModule"]["nctId"]
        exported = study_to_api(Study.objects.with_parts().get(nct_id=nct_id))

        assert lost(canonical(api_v2_only(source)), exported) == []
