"""The upload tests' district store and the navigation-mode fix, for the security tests."""
from tests.upload.conftest import district_master, district_store  # noqa: F401  (fixtures)
from tests.pages.conftest import _navigation_mode  # noqa: F401  (autouse)

import pytest


@pytest.fixture(autouse=True)
def _no_lockouts():
    """Failed sign-ins are counted per server process; each test starts with none."""
    from ui import auth

    auth._failures.clear()
    yield
    auth._failures.clear()
