"""What every test sees: the dashboard as `python3 dev.py run` starts it — listening on localhost only
(`.streamlit/config.toml`, which AppTest does not read), so with no account the open local mode applies.
Tests of other modes set the option themselves (tests/security)."""
from __future__ import annotations

import pytest
from streamlit import config


@pytest.fixture(autouse=True)
def _listen_on_localhost():
    before = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    yield
    config.set_option("server.address", before)
