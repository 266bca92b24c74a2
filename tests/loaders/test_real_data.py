"""Do the real open-data files load through the same pipeline, with the README's counts and values?"""
from pathlib import Path

import pytest

from loaders.headers import header_signature
from loaders.layouts.forma1 import indicator_id
from loaders.mappings import save_mapping
from loaders.pipeline import load_files
from loaders.school_names import match_registries, registry_match_summary

REAL = Path("/work/shared/real_data")
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="real data folder not present")

OVER_220 = "Набравших больше 220 баллов на трех экзаменах"
SAT = "Всего сдававших"
MOSCOW_2016_MAP = {"EDU_NAME": "school", "YEAR": "year", "PASSED_NUMBER_FULL": SAT, "PASSES_OVER_220": OVER_220,
                   "PASSER_UNDER_160": "Набравших 160 и более баллов на трех экзаменах"}


def _values_of(res, school_id):
    v = res.tables["values"]
    return {iid: val for iid, val in zip(v.loc[v.school_id == school_id, "indicator_id"],
                                         v.loc[v.school_id == school_id, "value"])}


@pytest.fixture(scope="module")
def moscow_2015():
    return load_files([REAL / "moscow_ege_2015.xlsx"])


@pytest.fixture(scope="module")
def moscow_2016(tmp_path_factory):
    store = tmp_path_factory.mktemp("maps") / "mappings.json"
    header = (REAL / "moscow_ege_2015-16.csv").read_text(encoding="utf-8").splitlines()[0]
    texts = [h.strip('"') for h in header.split(";") if h.strip('"')]
    save_mapping(header_signature(texts), MOSCOW_2016_MAP, store)
    mp = pytest.MonkeyPatch()
    mp.setenv("DASHBOARD_MAPPINGS", str(store))
    try:
        yield load_files([REAL / "moscow_ege_2015-16.csv"])
    finally:
        mp.undo()


def test_moscow_2015(moscow_2015):
    res = moscow_2015
    assert res.ok, [p.text() for p in res.errors][:5]
    schools = res.tables["schools"]
    assert len(schools) == 351
    sid = schools.loc[schools.short_name == "ГБОУ школа № 494", "school_id"].item()
    got = _values_of(res, sid)
    assert got[indicator_id(SAT)] == 33
    assert got[indicator_id(OVER_220)] == 4
    assert got[indicator_id("Набравших больше 150 баллов на трех экзаменах")] == 30
    assert set(res.tables["values"]["year"]) == {2015}
    # blank counts are "not stated", never 0: 14 schools do not state the 220+ count
    v = res.tables["values"]
    over = v[v.indicator_id == indicator_id(OVER_220)]
    assert over["value"].isna().sum() == 14
    assert any("предложены как реестр" in p.message for p in res.warnings)
    assert {"Юридический адрес", "global_id"} <= {u["column"] for u in res.unplaced_columns}


def test_moscow_2016_with_saved_mapping(moscow_2016):
    res = moscow_2016
    assert res.ok, [p.text() for p in res.errors][:5]
    schools = res.tables["schools"]
    assert len(schools) == 626
    sid = schools.loc[schools.name.str.endswith("«Школа № 426»"), "school_id"].item()
    got = _values_of(res, sid)
    assert got[indicator_id(SAT)] == 87
    assert got[indicator_id(OVER_220)] == 3
    assert got[indicator_id("Набравших 160 и более баллов на трех экзаменах")] == 19
    assert set(res.tables["values"]["year"]) == {2016}


def test_moscow_2016_without_mapping_is_not_guessed(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(tmp_path / "none.json"))
    res = load_files([REAL / "moscow_ege_2015-16.csv"])
    assert not len(res.tables["values"]) and not len(res.tables["results"])
    assert any("пропущен" in p.message for p in res.warnings)


def test_moscow_2016_with_map_argument(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(tmp_path / "none.json"))
    res = load_files([REAL / "moscow_ege_2015-16.csv"],
                     mapping={"EDU_NAME": "school_name", "PASSED_NUMBER_FULL": "participants", "YEAR": "year"})
    assert res.ok, [p.text() for p in res.errors][:5]
    # participants with no subject and no mean are a school-level count, not exam results
    assert set(res.tables["indicators"]["name"]) >= {"Участников"}
    assert {"PASSES_OVER_220", "PASSER_UNDER_160"} <= {u["column"] for u in res.unplaced_columns}


def test_moscow_years_matched(moscow_2015, moscow_2016):
    links = match_registries(moscow_2015.tables["schools"], moscow_2016.tables["schools"])
    summary = registry_match_summary(links)
    assert summary["matched"] + summary["ambiguous"] + summary["new"] == 626
    assert summary["matched"] + summary["closed"] + 0 <= 351 + summary["ambiguous"]
    assert summary["matched"] >= 300  # most 2015 schools are still there a year later
    assert summary["ambiguous"] <= 10
    by_new = links.set_index("new_id")
    old = moscow_2015.tables["schools"].set_index("school_id")
    new = moscow_2016.tables["schools"].set_index("school_id")
    n494 = new.index[new.name.str.contains("«Школа № 494", regex=False)]
    if len(n494):
        assert old.loc[by_new.loc[n494[0], "old_id"], "short_name"] == "ГБОУ школа № 494"


def test_bulgaria_grade7():
    res = load_files([REAL / "bulgaria_grade7_2019.csv"], mapping={"Училище": "school"},
                     exam="Муниципальная диагностика")
    assert res.ok, [p.text() for p in res.errors][:5]
    r = res.tables["results"]
    sch = r[r.school_id == "105201"].set_index("subject")
    assert sch.loc["БЕЛ", "participants"] == 57 and sch.loc["БЕЛ", "mean"] == pytest.approx(48.17)
    assert sch.loc["MAT", "participants"] == 57 and sch.loc["MAT", "mean"] == pytest.approx(28.08)
    assert set(r["year"]) == {2019} and set(r["grade"]) == {7}
    assert len(res.tables["schools"]) == 1735
