import io

import pytest
from django.core.management import call_command


@pytest.fixture
def reference_data(db):
    """The shipped dataset, loaded as `make run` loads it."""
    call_command("load_reference_data", stdout=io.StringIO())
