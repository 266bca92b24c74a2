"""Do the store's small queries (store/facets.py) say what reading the whole tables would say?"""
from __future__ import annotations

import pandas as pd

from store import open_store
from tests.pages.conftest import seed_sample_store


def _schools(df: pd.DataFrame) -> int:
    s = df["school_id"].dropna().astype(str).str.strip()
    return int(s[s != ""].nunique())


def test_summary_matches_the_tables_read_whole(tmp_path):
    store = open_store(path=seed_sample_store(tmp_path / "s.sqlite"))
    got, data = store.summary(), store.read_all()
    # the sample registry: 90 rows, one per school and year — 18 schools (hand-checked in sample_data/registry.xlsx)
    assert got["schools"]["rows"] == 90 and got["schools"]["schools"] == 18
    for name, df in data.items():
        assert got[name]["rows"] == len(df)
        if "school_id" in df:
            assert got[name]["schools"] == _schools(df)
        if "year" in df:
            years = pd.to_numeric(df["year"], errors="coerce")
            assert (got[name]["first_year"], got[name]["last_year"]) == (years.min(), years.max())
    vals, res = data["values"], data["results"]
    assert got["values"]["indicators"] == vals["indicator_id"].nunique()
    assert got["values"]["district"] == bool(vals["school_id"].isna().any())
    assert got["values"]["last_fact_year"] == pd.to_numeric(vals.loc[vals["kind"] == "fact", "year"]).max()
    by_exam = res.assign(year=pd.to_numeric(res["year"])).groupby("exam")["year"].max().astype(int).to_dict()
    assert got["results"]["last_year_by_exam"] == by_exam
