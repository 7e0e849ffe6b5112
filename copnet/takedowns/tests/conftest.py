import pytest


@pytest.fixture(autouse=True)
def _reference(reference_data):
    """Every test here needs the harm categories (cases are opened through intake)."""
