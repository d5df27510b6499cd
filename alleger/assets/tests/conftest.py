import pytest

from alleger.assets import geo


@pytest.fixture(autouse=True)
def _fresh_type_cache():
    """The map's per-process cache of asset types must not leak ids from one test's database to the next."""
    geo._types_cache = (0.0, {})
    yield
    geo._types_cache = (0.0, {})
