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


BULGARIAN_MAP = {"Училище": "school", "Код по Админ": "school_id", "@exam": "Муниципальная диагностика"}


def _with_saved_mapping(path, tmp_path, monkeypatch, mapping=BULGARIAN_MAP):
    """Load once to learn the header signature, save the mapping under it, load again: what a user does once."""
    monkeypatch.setenv("DASHBOARD_MAPPINGS", str(tmp_path / "mappings.json"))
    first = load_files([path])
    sigs = {d["signature"] for d in first.detected} | {u["signature"] for u in first.unplaced_columns}
    for sig in sigs:
        save_mapping(sig, mapping, tmp_path / "mappings.json")
    return load_files([path])


@pytest.mark.parametrize("name,year,bel,mat,school", [
    ("bulgaria_grade7_2019.csv", 2019, (57, 48.17), ("MAT", 57, 28.08), "СУ Неофит Рилски"),
    # 2023: the subject stands over the first column of its pair only; the МАТ pair has its own mean
    ("bulgaria_grade7_2023.csv", 2023, (78, 52.4), ("Математика", 77, 30.37), "Средно училище \"Неофит Рилски\""),
])
def test_bulgaria_grade7(name, year, bel, mat, school, tmp_path, monkeypatch):
    res = _with_saved_mapping(REAL / name, tmp_path, monkeypatch)
    assert res.ok, [p.text() for p in res.errors][:5]
    r = res.tables["results"]
    sch = r[r.school_id == "105201"].set_index("subject")
    assert (sch.loc["БЕЛ", "participants"], sch.loc["БЕЛ", "mean"]) == (bel[0], pytest.approx(bel[1]))
    assert (sch.loc[mat[0], "participants"], sch.loc[mat[0], "mean"]) == (mat[1], pytest.approx(mat[2]))
    assert set(r["year"]) == {year} and set(r["grade"]) == {7}  # 2023: «учебна 2022/2023», «VII клас»
    assert len(res.tables["schools"]) == 1735
    assert res.tables["schools"].set_index("school_id").loc["105201", "name"] == school


def test_bulgaria_matura_2018_subject_before_its_measure(tmp_path, monkeypatch):
    res = _with_saved_mapping(REAL / "bulgaria_matura_2018.csv", tmp_path, monkeypatch)
    assert res.ok, [p.text() for p in res.errors][:5]
    r = res.tables["results"]
    first = r[r.school_id == "102015"].set_index("subject")  # ПГ по електроника и енергетика, Банско
    assert first.loc["БЕЛ", "participants"] == 38 and first.loc["БЕЛ", "mean"] == pytest.approx(4.048)
    assert first.loc["РЕ", "participants"] == 2 and first.loc["РЕ", "mean"] == pytest.approx(5.635)  # «РЕСр.успех»
    assert "Математика" not in first.index  # «0», «0»: not taken
    assert "общо" not in set(r["subject"])  # the all-subjects total is not a subject
    assert set(r["year"]) == {2018}


@pytest.fixture(scope="module")
def zabaikalsky():
    return load_files([REAL / "zabaikalsky_ege_by_school_2022-2024.xlsx"])


def _school(res, ending, municipality_word=None):
    s = res.tables["schools"]
    hit = s[s["name"].str.endswith(ending)]
    return set(hit["school_id"])


def test_zabaikalsky_reads_the_regional_form(zabaikalsky):
    res = zabaikalsky
    assert res.ok, [p.text() for p in res.errors][:5]
    r = res.tables["results"]
    assert set(r["exam"]) == {"ЕГЭ"} and set(r["year"]) == {2022, 2023}  # 2022's header says «в 2023 году»
    first = _school(res, "\"Средняя общеобразовательная школа №1\"")
    chita = [sid for sid in first if (r[(r.school_id == sid) & (r.year == 2023)]["participants"] == 51).any()]
    assert len(chita) == 1
    y23 = r[(r.school_id == chita[0]) & (r.year == 2023)].set_index("subject")
    ru = y23.loc["Русский язык"]
    assert (ru["participants"], ru["below_min"], ru["high_scorers"], ru["mean"]) == (51, 0, 13, pytest.approx(71.61))
    assert y23.loc["Математика (профильная)", "participants"] == 23
    assert y23.loc["Математика (профильная)", "mean"] == pytest.approx(57.35)
    y22 = r[(r.school_id == chita[0]) & (r.year == 2022)].set_index("subject")
    assert y22.loc["Русский язык", "participants"] == 61 and y22.loc["Русский язык", "mean"] == pytest.approx(70.52)
    aga = _school(res, "\"Агинская средняя общеобразовательная школа №1\" городского округа \"Посёлок Агинское\"")
    ag = r[r.school_id.isin(aga) & (r.year == 2023) & (r.subject == "Русский язык")]
    assert ag["participants"].tolist() == [77] and ag["mean"].tolist() == [pytest.approx(61.32)]


def test_zabaikalsky_totals_blank_groups_and_applications(zabaikalsky):
    res = zabaikalsky
    r = res.tables["results"]
    ru23 = r[(r.year == 2023) & (r.subject == "Русский язык")]
    # the region total row: the school rows add up to it exactly, so the load checked it without a warning
    assert (ru23["participants"].sum(), ru23["below_min"].sum(), ru23["high_scorers"].sum()) == (4955, 7, 687)
    assert not [w for w in res.warnings if "не сходятся" in w.message and w.sheet == "2023"]
    # 2022's file is not consistent: one school states a high scorer in German, the total row says 0 — shown
    mismatch = [w.message for w in res.warnings if "не сходятся" in w.message]
    assert len(mismatch) == 1 and "Немецкий язык, высокобалльников: в итоговой строке 0, сумма по школам 1" in \
        mismatch[0]
    checked = {d["sheet"] for d in res.detected if d.get("total_rows_skipped") == 1}
    assert checked == {"2022", "2023"}
    ru22 = r[(r.year == 2022) & (r.subject == "Русский язык")]
    assert (ru22["participants"].sum(), ru22["below_min"].sum()) == (5211, 64)
    # 373 school rows in 2023, 59 of them with a blank Русский язык group: no row, no error
    assert ru23["school_id"].nunique() == 373 - 59
    # the total row's mean (61.76) is not the participant-weighted mean of the schools (62.02): never compared
    weighted = (ru23["mean"] * ru23["participants"]).sum() / ru23["participants"].sum()
    assert weighted == pytest.approx(62.02, abs=0.005)
    # more Russian-language participants than graduates is allowed (earlier years' graduates sit too)
    # the 2024 sheet holds applications, not results: named, nothing stored
    assert 2024 not in set(r["year"])
    assert any(w.sheet == "2024" and "заявления на участие" in w.message for w in res.warnings)
    assert not any(d["sheet"] == "2024" for d in res.detected)


def test_zabaikalsky_applications_read_only_when_the_user_says_so():
    res = load_files([REAL / "zabaikalsky_ege_by_school_2022-2024.xlsx"], table="results")
    assert not any("заявления" in w.message for w in res.warnings)


def test_zabaikalsky_with_a_district_registry_skips_other_municipalities(zabaikalsky):
    s = zabaikalsky.tables["schools"]
    names = s[s["name"].str.contains("Агинск")]
    reg = names[["school_id", "name"]].assign(school_id=lambda d: "aga" + d.index.astype(str))
    res = load_files([REAL / "zabaikalsky_ege_by_school_2022-2024.xlsx"], registry=reg)
    assert res.ok, [p.text() for p in res.errors][:5]
    assert set(res.tables["results"]["school_id"]) == set(reg["school_id"])  # all 7, from two municipalities
    skipped = [w.message for w in res.warnings if "других муниципалитетов" in w.message]
    assert len(skipped) == 1  # one line for the load, not hundreds of errors


@pytest.fixture(scope="module")
def voronezh():
    return load_files([REAL / "voronezh_strategy_plan.xlsx"])


def test_voronezh_indicators_reported_estimated_and_planned(voronezh):
    res = voronezh
    assert res.ok, [p.text() for p in res.errors][:5]
    ind = res.tables["indicators"]
    first = ind[ind["name"].str.startswith("Отношение объема государственного долга")]
    assert len(first) == 1 and first["unit"].item() == "%"
    assert first["direction"].item() == "lower"  # 56.6 (2016) → 25.5 (2035)
    v = res.tables["values"]
    got = v[v.indicator_id == first["indicator_id"].item()].set_index("year")
    assert got.loc[2016:2020, "value"].tolist() == [56.6, 49.0, 37.7, 32.6, 18.7]
    assert set(got.loc[2016:2021, "kind"]) == {"fact"}  # «2016, отчет» … «2021, оценка»
    assert got.loc[2021, "value"] == 16.3
    assert got.loc[2022, ("value")] == 14.7 and got.loc[2035, "value"] == 25.5
    assert set(got.loc[2022:, "kind"]) == {"plan"}
    # section rows repeated in every cell are groups, never indicators
    assert not ind["name"].str.startswith(("СЦ", "Генеральная цель")).any()
    assert first["group"].item().startswith("СЦ0.0. Генеральная цель")


def test_voronezh_event_plan_quarters_and_continuous(voronezh):
    e = voronezh.tables["events"]
    ev = e[e.title.str.startswith("Разработан прогноз социально-экономического развития")]
    assert len(ev) == 1 and ev["number"].item() == "1.1"
    assert ev["control_dates"].item() == ["2019-09-30", "2019-12-31", "2020-09-30", "2020-12-31"]
    assert ev["section"].item().startswith("СЦ0.0. Генеральная цель")
    first = e[e.number == "1"].iloc[0]
    assert first["schedule"] == "continuous" and first["control_dates"] == []  # «2019 - 2035 годы (постоянно)»
    # every row is kept: repeated numbers and the second plan (Sheet5) numbered alike are kept apart
    assert e["number"].is_unique and len(e) == 1080 + 65  # rows with a title that are not sections
    assert any(n.startswith("Sheet5: ") for n in e["number"])
    assert not e["title"].str.startswith("Генеральная цель").any()
