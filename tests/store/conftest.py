"""Fixtures for the store tests: a fresh, empty store in a temp folder."""
from __future__ import annotations

import pytest

from store import open_store


@pytest.fixture
def store(tmp_path):
    empty = tmp_path / "seed"
    empty.mkdir()
    return open_store(tmp_path / "store.sqlite", seed_folder=empty)
