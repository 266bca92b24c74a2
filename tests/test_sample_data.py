"""Is the sample district what it claims to be?

PUDL-style checks on the generated files in sample_data/, read directly with
pandas and openpyxl (not through the loaders): the generator is deterministic,
the counts and ranges are plausible and consistent, every layout is present,
and the planted cases (sample_data/README.md) are in the data, recomputed here
with plain pandas. One test loads everything through the loaders.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
YEARS = [2022, 2023, 2024, 2025, 2026]
TODAY = dt.date(2026, 11, 22)
EGE_MIN = {"Русский язык": 24, "Математика (профильная)": 27, "Обществознание": 42, "Физика": 36, "Химия": 36,
           "Биология": 36, "История": 32, "Информатика": 40, "Английский язык": 22, "Литература": 32}


def _generator():
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


GEN = _generator()
DATA_FILES = sorted(p for p in SAMPLE.iterdir() if p.suffix in (".xlsx", ".csv"))


# --------------------------------------------------------------------------- readers

def workbook_cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] + [tuple(sorted(map(str, ws.merged_cells.ranges)))]
            for ws in wb.worksheets}


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return pd.read_excel(SAMPLE / "registry.xlsx", sheet_name="Реестр")


@pytest.fixture(scope="module")
def name_to_id(registry) -> dict[str, str]:
    """Every spelling the files use → school id (from the generator's school list)."""
    out = {}
    for s in GEN.SCHOOLS:
        for n in (s.name, s.ege_spelling, s.protocol_spelling, s.opendata_spelling):
            if n:
                out[n] = s.id
    return out


@pytest.fixture(scope="module")
def ege(name_to_id) -> pd.DataFrame:
    frames = []
    for y in YEARS:
        path = SAMPLE / f"ege_{y}.csv"
        first = path.read_bytes().decode("cp1251").splitlines()[0]
        assert first.startswith(f"Результаты ЕГЭ {y} года")
        df = pd.read_csv(path, sep=";", encoding="cp1251", skiprows=3, decimal=",")
        df["year"] = y
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df = df.rename(columns={"Наименование ОО": "name", "Предмет": "subject", "Количество участников": "participants",
                            "Средний балл": "mean", "Не преодолели минимальный порог": "below_min",
                            "Набрали 80 и более баллов": "high_scorers", "«2»": "mark2", "«3»": "mark3",
                            "«4»": "mark4", "«5»": "mark5"})
    df["school_id"] = df["name"].map(name_to_id)
    df["exam"], df["grade"] = "ЕГЭ", 11
    return df


@pytest.fixture(scope="module")
def ege_schools(ege) -> pd.DataFrame:
    return ege[ege["name"] != "Итого по району"].copy()


@pytest.fixture(scope="module")
def oge(name_to_id) -> pd.DataFrame:
    wb = openpyxl.load_workbook(SAMPLE / "oge.xlsx")
    rows = []
    for y in YEARS:
        ws = wb[f"ОГЭ {y}"]
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        assert str(ws.merged_cells.ranges).count(":") >= 8  # merged subject groups
        subjects, sub = grid[2], grid[3]
        for r in grid[4:]:
            if r[1] is None:
                continue
            for j in range(2, len(r), 6):
                if r[j] is None:
                    continue
                assert sub[j:j + 6] == ["Участников", "Средний балл", "«2»", "«3»", "«4»", "«5»"]
                rows.append({"year": y, "exam": "ОГЭ", "grade": 9, "subject": subjects[j], "name": r[1],
                             "participants": r[j], "mean": r[j + 1], "mark2": r[j + 2], "mark3": r[j + 3],
                             "mark4": r[j + 4], "mark5": r[j + 5]})
    df = pd.DataFrame(rows)
    df["school_id"] = df["name"].map(name_to_id)
    df["below_min"] = df["mark2"]
    return df


@pytest.fixture(scope="module")
def oge_schools(oge) -> pd.DataFrame:
    return oge[oge["name"] != "Итого по району"].copy()


@pytest.fixture(scope="module")
def vpr() -> pd.DataFrame:
    df = pd.read_excel(SAMPLE / "vpr.xlsx", sheet_name="Результаты")
    return df.rename(columns={"Год": "year", "Процедура": "exam", "Предмет": "subject", "Класс": "grade",
                              "Код ОО": "school_id", "Участников": "participants", "Средний балл": "mean",
                              "Не преодолели минимальный порог": "below_min", "Отметка «2»": "mark2",
                              "Отметка «3»": "mark3", "Отметка «4»": "mark4", "Отметка «5»": "mark5",
                              "Понизили отметку": "lowered", "Подтвердили отметку": "confirmed",
                              "Повысили отметку": "raised"})


@pytest.fixture(scope="module")
def results(ege_schools, oge_schools, vpr) -> pd.DataFrame:
    cols = ["year", "exam", "subject", "grade", "school_id", "participants", "mean", "below_min"]
    return pd.concat([ege_schools[cols], oge_schools[cols], vpr[cols]], ignore_index=True)


def procedure_scores(results: pd.DataFrame) -> pd.DataFrame:
    """Per school × exam × year: participant-weighted mean of (school mean − district mean) / SD of the school
    means in the subject (a plain between-school standardisation, independent of the generator's own check),
    the share below the minimum and whether the score is in the district's bottom quartile."""
    df = results.copy()
    key = ["year", "exam", "subject", "grade"]
    df["_wm"] = df["mean"] * df["participants"]
    g = df.groupby(key)
    dmean = g["_wm"].transform("sum") / g["participants"].transform("sum")
    df["z"] = (df["mean"] - dmean) / g["mean"].transform("std")
    df["_wz"] = df["z"] * df["participants"]
    out = df.groupby(["year", "exam", "school_id"]).agg(wz=("_wz", "sum"), n=("participants", "sum"),
                                                         below=("below_min", "sum")).reset_index()
    out["score"] = out["wz"] / out["n"]
    out["below_pct"] = 100 * out["below"] / out["n"]
    out["bottom"] = out["score"] <= out.groupby(["year", "exam"])["score"].transform(lambda s: s.quantile(0.25))
    return out


@pytest.fixture(scope="module")
def proc(results) -> pd.DataFrame:
    return procedure_scores(results)


# --------------------------------------------------------------------------- determinism and size

def test_generator_is_deterministic(tmp_path):
    GEN.generate(tmp_path)
    for name in GEN.FILES:
        fresh, committed = tmp_path / name, SAMPLE / name
        assert committed.exists(), f"{name} is not committed"
        if name.endswith(".csv"):
            assert fresh.read_bytes() == committed.read_bytes(), name
        else:
            assert workbook_cells(fresh) == workbook_cells(committed), name


def test_the_folder_holds_exactly_the_generated_files_and_is_small():
    assert sorted(p.name for p in DATA_FILES) == sorted(GEN.FILES)
    assert sum(p.stat().st_size for p in DATA_FILES) < 2_000_000


def test_workbook_dates_are_fixed():
    wb = openpyxl.load_workbook(SAMPLE / "registry.xlsx")
    assert wb.properties.created == dt.datetime(2026, 11, 22, 9, 0)
    assert wb.properties.modified == dt.datetime(2026, 11, 22, 9, 0)


# --------------------------------------------------------------------------- registry

def test_registry_has_18_schools_over_5_years(registry):
    assert list(registry.columns[:6]) == ["Код ОО", "Наименование ОО", "Краткое наименование", "Тип ОО", "Местность", "Год"]
    assert registry["Код ОО"].nunique() == 18
    assert sorted(registry["Год"].unique()) == YEARS
    assert len(registry) == 90 and not registry.duplicated(["Код ОО", "Год"]).any()
    per_type = registry.drop_duplicates("Код ОО")["Тип ОО"].value_counts().to_dict()
    assert per_type == {"СОШ": 11, "ООШ": 3, "НОШ": 2, "гимназия": 1, "лицей": 1}
    assert set(registry["Местность"]) == {"город", "село"}
    shares = registry.filter(like="Доля")
    assert ((shares >= 0) & (shares <= 100)).all().all()
    assert registry.loc[registry["Код ОО"] == "gim", "Наименование ОО"].iloc[0] == "МБОУ «Гимназия № 1 имени А.С. Пушкина»"


# --------------------------------------------------------------------------- results: ranges and consistency

def test_every_results_name_is_a_registry_school(ege_schools, oge_schools, registry):
    ids = set(registry["Код ОО"])
    assert ege_schools["school_id"].notna().all() and set(ege_schools["school_id"]) <= ids
    assert oge_schools["school_id"].notna().all() and set(oge_schools["school_id"]) <= ids


def test_ege_means_plausible_and_counts_consistent(ege_schools):
    scored = ege_schools[ege_schools["subject"] != "Математика (базовая)"]
    big = scored[scored["participants"] >= 10]
    assert len(big) > 100 and big["mean"].between(40, 80).all()
    assert scored["mean"].between(0, 100).all()
    assert (ege_schools["below_min"] <= ege_schools["participants"]).all()
    assert (scored["high_scorers"] <= scored["participants"]).all()
    base = ege_schools[ege_schools["subject"] == "Математика (базовая)"]
    marks = base[["mark2", "mark3", "mark4", "mark5"]].sum(axis=1)
    assert (marks == base["participants"]).all() and (base["below_min"] == base["mark2"]).all()
    assert base["mean"].between(2, 5).all()
    # ЕГЭ only in СОШ / гимназия / лицей
    assert set(ege_schools["school_id"]) == {s.id for s in GEN.SCHOOLS if s.type in ("СОШ", "гимназия", "лицей")}


def test_ege_district_means_by_subject(ege_schools):
    for y in YEARS:
        e = ege_schools[ege_schools["year"] == y]
        dm = (e["mean"] * e["participants"]).groupby(e["subject"]).sum() / e.groupby("subject")["participants"].sum()
        assert 65 <= dm["Русский язык"] <= 72
        assert 50 <= dm["Математика (профильная)"] <= 58
        assert 50 <= dm["Обществознание"] <= 62
        assert dm.drop("Математика (базовая)").between(45, 75).all()


def test_ege_total_rows_are_the_sums(ege):
    for (y, subj), part in ege.groupby(["year", "subject"]):
        total = part[part["name"] == "Итого по району"]
        schools = part[part["name"] != "Итого по району"]
        assert len(total) == 1
        assert total["participants"].iloc[0] == schools["participants"].sum()
        assert total["below_min"].iloc[0] == schools["below_min"].sum()
        wmean = (schools["mean"] * schools["participants"]).sum() / schools["participants"].sum()
        assert abs(total["mean"].iloc[0] - wmean) < 0.06


def test_ege_below_min_follows_the_minimum_scores(ege_schools):
    # a subject mean well above its minimum has few below it; the lowest means have most
    scored = ege_schools[ege_schools["subject"].isin(EGE_MIN)]
    far = scored[scored["mean"] >= scored["subject"].map(EGE_MIN) + 30]
    assert (far["below_min"] <= np.ceil(0.1 * far["participants"])).all()


def test_class_sizes_big_urban_and_small_rural(ege_schools, registry):
    ru = ege_schools[ege_schools["subject"] == "Русский язык"]
    loc = registry.drop_duplicates("Код ОО").set_index("Код ОО")["Местность"]
    urban = ru[ru["school_id"].map(loc) == "город"]
    assert urban["participants"].between(35, 120).all() and urban["participants"].max() >= 60
    small = ru[ru["participants"] <= 10]
    assert set(small["school_id"]) >= set(GEN.SWINGING)
    assert small["participants"].between(3, 10).all()


def test_oge_marks_sum_and_means(oge_schools, oge):
    marks = oge_schools[["mark2", "mark3", "mark4", "mark5"]].sum(axis=1)
    assert (marks == oge_schools["participants"]).all()
    recomputed = (2 * oge_schools["mark2"] + 3 * oge_schools["mark3"] + 4 * oge_schools["mark4"]
                  + 5 * oge_schools["mark5"]) / oge_schools["participants"]
    assert (recomputed - oge_schools["mean"]).abs().max() < 0.006
    totals = oge[oge["name"] == "Итого по району"]
    assert len(totals) == 5 * 6 and totals["mean"].between(2.8, 4.6).all()
    assert set(oge_schools["subject"]) == {"Русский язык", "Математика", "Обществознание", "Информатика",
                                          "Биология", "География"}
    assert set(oge_schools["school_id"]) == {s.id for s in GEN.SCHOOLS if s.type != "НОШ"}


def test_vpr_counts_consistent(vpr):
    assert (vpr["exam"] == "ВПР").all()
    marks = vpr[["mark2", "mark3", "mark4", "mark5"]].sum(axis=1)
    assert (marks == vpr["participants"]).all()
    assert (vpr[["lowered", "confirmed", "raised"]].sum(axis=1) == vpr["participants"]).all()
    assert (vpr["below_min"] == vpr["mark2"]).all()
    assert vpr["grade"].between(4, 8).all()
    dm = vpr.groupby(["year", "subject", "grade"]).apply(
        lambda g: (g["mean"] * g["participants"]).sum() / g["participants"].sum(), include_groups=False)
    assert dm.between(2.8, 4.6).all()
    nosh = vpr[vpr["school_id"].isin(["nosh5", "klyuch"])]
    assert set(nosh["grade"]) == {4}
    assert set(vpr[vpr["grade"] == 4]["subject"]) == {"Русский язык", "Математика", "Окружающий мир"}
    assert not vpr.duplicated(["year", "subject", "grade", "school_id"]).any()


def test_each_result_slice_is_in_one_file(ege_schools, oge_schools, vpr):
    key = ["year", "exam", "subject", "grade", "school_id"]
    allr = pd.concat([ege_schools[key], oge_schools[key], vpr[key]])
    assert not allr.duplicated().any()


# --------------------------------------------------------------------------- planted cases

def _low_year(proc: pd.DataFrame) -> pd.DataFrame:
    p = proc[proc["exam"].isin(["ЕГЭ", "ОГЭ", "ВПР"])].copy()
    p["b30"] = p["below_pct"] >= 30
    return p.groupby(["school_id", "year"]).agg(n_bottom=("bottom", "sum"), n_b30=("b30", "sum")).reset_index()


def test_stably_low_schools(proc):
    ly = _low_year(proc)
    for y in (2024, 2025, 2026):
        sy = ly[ly["year"] == y].set_index("school_id")
        for sid in ("kedr", "lesn"):
            assert sy.loc[sid, "n_bottom"] >= 2, (sid, y)
            assert sy.loc[sid, "n_b30"] >= 2, (sid, y)
        low = sy[(sy["n_bottom"] >= 2) | (sy["n_b30"] >= 2)].index
        assert set(low) == {"kedr", "lesn"} | ({"zarech"} if y <= 2024 else set()), (y, sorted(low))
    kedr = proc[proc["school_id"] == "kedr"]
    assert set(kedr["exam"]) == {"ОГЭ", "ВПР"}  # an ООШ: low on ОГЭ and ВПР


def test_exit_school_low_until_2024_then_clearly_better(proc):
    ly = _low_year(proc).set_index(["school_id", "year"])
    for y in (2022, 2023, 2024):
        assert ly.loc[("zarech", y), "n_bottom"] >= 2
    for y in (2025, 2026):
        assert ly.loc[("zarech", y), "n_bottom"] <= 1 and ly.loc[("zarech", y), "n_b30"] == 0
    z = proc[(proc["school_id"] == "zarech") & proc["exam"].isin(["ЕГЭ", "ОГЭ"])].groupby("year")["score"].mean()
    assert z[2026] > 0 > z[2024] and z[2026] - z[2024] > 1.0
    # window rule (2 of the last 3 years): flagged 2024 and 2025, not 2026
    low = ((ly["n_bottom"] >= 2) | (ly["n_b30"] >= 2)).xs("zarech")
    assert [int(low.loc[y - 2:y].sum() >= 2) for y in (2024, 2025, 2026)] == [1, 1, 0]


def social_index(registry: pd.DataFrame) -> pd.DataFrame:
    shares = ["Доля из малоимущих семей, %", "Доля из неполных семей, %", "Доля из многодетных семей, %",
              "Доля детей группы риска, %", "Доля детей с ОВЗ, %", "Доля детей, для которых русский язык не родной, %"]
    z = registry.groupby("Год")[shares].transform(lambda c: (c - c.mean()) / c.std())
    out = registry[["Код ОО", "Год"]].rename(columns={"Код ОО": "school_id", "Год": "year"}).copy()
    out["index"] = z.mean(axis=1)
    out["top"] = out["index"] >= out.groupby("year")["index"].transform(lambda s: s.quantile(0.75))
    return out


def test_adverse_social_conditions_top_quartile(registry):
    idx = social_index(registry)
    for y in YEARS:
        assert set(idx[(idx["year"] == y) & idx["top"]]["school_id"]) == {"kedr", "lesn", "rodn", "klyuch", "nosh5"}
    adverse = registry[registry["Код ОО"].isin(GEN.ADVERSE)]
    others = registry[~registry["Код ОО"].isin(GEN.ADVERSE)]
    assert adverse["Доля из малоимущих семей, %"].min() > others["Доля из малоимущих семей, %"].max()


def test_resilient_school(proc, registry):
    idx = social_index(registry)
    rodn = []
    for y in YEARS:
        p = proc[(proc["year"] == y) & proc["exam"].isin(["ЕГЭ", "ОГЭ"])]
        comp = p.groupby("school_id").apply(lambda g: pd.Series({"score": np.average(g["score"], weights=g["n"]),
                                                                 "n": g["n"].sum()}), include_groups=False)
        comp = comp.join(idx[idx["year"] == y].set_index("school_id"))
        slope, icept = np.polyfit(comp["index"], comp["score"], 1, w=np.sqrt(comp["n"]))
        comp["resid"] = comp["score"] - (icept + slope * comp["index"])
        assert slope < 0
        resilient = comp[comp["top"] & (comp["resid"] >= comp["resid"].median())].index
        assert list(resilient) == ["rodn"], (y, list(resilient))
        assert comp.loc["rodn", "resid"] > 0.5 * comp["resid"].abs().max()
        rodn.append(comp.loc["rodn", "score"])
    assert np.mean(rodn) > 0  # at or above the district on average despite its context


def test_swinging_small_schools(ege_schools):
    ru = ege_schools[ege_schools["subject"] == "Русский язык"]
    for sid in GEN.SWINGING:
        m = ru[ru["school_id"] == sid].sort_values("year")
        assert m["participants"].between(3, 10).all()
        assert m["mean"].diff().abs().max() >= 8 and m["mean"].max() - m["mean"].min() >= 10


def test_suspicious_vpr_school(vpr, oge_schools):
    v = vpr.groupby(["year", "school_id"])[["participants", "lowered", "confirmed", "raised"]].sum()
    v["conf"] = 100 * v["confirmed"] / v["participants"]
    v["rais"] = 100 * v["raised"] / v["participants"]
    flagged = v[(v["conf"] < 70) | (v["rais"] > 15)].reset_index()
    assert sorted(map(tuple, flagged[["year", "school_id"]].to_numpy())) == [(2025, "sos3"), (2026, "sos3")]
    means = vpr.assign(w=vpr["mean"] * vpr["participants"]).groupby(["year", "school_id"])[["w", "participants"]].sum()
    school_mean = (means["w"] / means["participants"]).unstack("year")
    district = (vpr["mean"] * vpr["participants"]).groupby(vpr["year"]).sum() / vpr.groupby("year")["participants"].sum()
    sd_change = school_mean.diff(axis=1).std()
    o = oge_schools.assign(w=oge_schools["mean"] * oge_schools["participants"])
    o_school = o.groupby(["year", "school_id"])["w"].sum() / o.groupby(["year", "school_id"])["participants"].sum()
    o_district = o.groupby("year")["w"].sum() / o.groupby("year")["participants"].sum()
    for y in (2025, 2026):
        assert school_mean.loc["sos3", y] - district[y] > 0.4
        assert o_school[(y, "sos3")] <= o_district[y]
    jump = school_mean.loc["sos3", 2025] - school_mean.loc["sos3", 2024]
    assert jump > 2 * sd_change[2025]


# --------------------------------------------------------------------------- indicators

def forma1_sheet(name: str) -> list[list]:
    wb = openpyxl.load_workbook(SAMPLE / "programme_forma1.xlsx")
    return [list(r) for r in wb[name].iter_rows(values_only=True)]


def test_forma1_layout_and_planted_indicators():
    plan, fact = forma1_sheet("План"), forma1_sheet("Факт")
    assert plan[1][0] == "Целевые показатели программы" and "фактические значения" in fact[1][0]
    assert plan[4][:4] == ["№ п/п", "Наименование показателей", "Базовый показатель на начало реализации программы",
                           "Значения показателя по годам"]
    assert plan[5][3:8] == [f"{y} год" for y in range(2023, 2028)]
    assert plan[4][8].startswith("Целевое значение показателя")
    assert plan[6] == list(range(1, 10))
    assert "Показатели непосредственных результатов" in [r[0] for r in plan]
    rows = {r[1]: r for r in plan if r[1] and r[0] and str(r[0]).endswith(".")}
    facts = {r[1]: r for r in fact if r[1] and r[0] and str(r[0]).endswith(".")}
    assert len(rows) == len(facts) == 12
    texts = [v for r in rows.values() for v in r[2:] if isinstance(v, str)]
    assert "3,8 – 4,0" in texts and any(re.fullmatch(r"\d+,\d%", t) for t in texts) and "45%" in texts
    no11 = "Доля выпускников 11-х классов, не получивших аттестат о среднем общем образовании, %"
    pct = [float(v.rstrip("%").replace(",", ".")) for v in facts[no11][2:6]]
    assert pct == sorted(pct) and pct[-1] > float(rows[no11][2].rstrip("%").replace(",", "."))  # wrong way
    no9 = "Доля выпускников 9-х классов, не получивших аттестат об основном общем образовании, %"
    assert rows[no9][3:9] == ["0%"] * 6  # plan 0 for a lower-is-better indicator
    assert any(v is None for r in facts.values() for v in r[2:6])  # missing facts
    on_track = "Доля педагогов, прошедших повышение квалификации по вопросам оценки качества образования, %"
    assert all(float(f.rstrip("%")) >= float(p.rstrip("%")) for f, p in zip(facts[on_track][2:6], rows[on_track][3:7]))


def test_years_as_rows_layout(ege_schools):
    wb = openpyxl.load_workbook(SAMPLE / "gia_indicators_by_year.xlsx")
    ws = wb.active
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    assert grid[2][1] == "Средний балл по результатам ЕГЭ" and grid[3][1:3] == ["Русский язык", "Математика (профильная)"]
    assert "B3:C3" in {str(r) for r in ws.merged_cells.ranges}
    labels = [r[0] for r in grid[4:10]]
    assert labels == [f"{y - 1}-{y} (факт)" for y in YEARS] + ["2026-2027 (план)"]
    assert grid[9][4] == "3,8 - 4,0" and all(str(r[5]).endswith(" чел.") for r in grid[4:10])
    ru = ege_schools[ege_schools["subject"] == "Русский язык"]
    for y, row in zip(YEARS, grid[4:9]):
        r = ru[ru["year"] == y]
        assert abs(row[1] - (r["mean"] * r["participants"]).sum() / r["participants"].sum()) < 0.11


def test_school_level_values_for_every_school():
    ind = pd.read_excel(SAMPLE / "school_indicators.xlsx", sheet_name="Показатели")
    val = pd.read_excel(SAMPLE / "school_indicators.xlsx", sheet_name="Значения")
    assert list(ind.columns[:4]) == ["Код показателя", "Наименование показателя", "Единица измерения", "Направление"]
    assert set(ind["Направление"]) == {"больше — лучше", "меньше — лучше"}
    assert set(val["Вид значения"]) == {"базовое", "план", "факт", "целевое"}
    facts = val[val["Вид значения"] == "факт"]
    per = facts.groupby(["Код показателя", "Код ОО"]).size()
    assert len(per) == 4 * 18 and per.min() >= 3  # every school, every indicator; a few facts missing
    assert (per < 4).sum() == 4
    assert not val.duplicated(["Код показателя", "Код ОО", "Год", "Вид значения"]).any()
    # truancy (lower is better) goes the wrong way in the stably low schools
    p = val[(val["Код показателя"] == "propuski") & (val["Код ОО"] == "kedr")].set_index(["Вид значения", "Год"])["Значение"]
    assert p[("факт", 2026)] > p[("базовое", 2022)] > p[("план", 2026)]


# --------------------------------------------------------------------------- events

def test_roadmap_layout_and_planted_states():
    wb = openpyxl.load_workbook(SAMPLE / "roadmap.xlsx")
    ws = wb["Дорожная карта"]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    assert "на 2023–2027 годы" in grid[1][0] and grid[1][0].startswith("План мероприятий (дорожная карта)")
    assert grid[3] == ["№", "Наименование направления", "Мероприятие", "Сроки", "Ответственные",
                       "Ожидаемые результаты", "Отметка о выполнении", "Дата выполнения"]
    events = [r for r in grid[4:] if r[3]]
    assert 38 <= len(events) <= 45
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(m.startswith("B") for m in merged) and any(m.startswith("A") and ":H" in m for m in merged)
    assert any("\n" in str(r[4]) for r in events)
    by_no = {r[0]: r for r in events}
    deadlines = {r[3] for r in events}
    for kind in ("В течение учебного года", "По графику Рособнадзора", "Ежегодно ноябрь",
                 "Ежегодно: октябрь, январь, апрель", "Сентябрь 2026-июнь 2027", "15-19.02.2024"):
        assert kind in deadlines
    done = [r for r in events if r[6] in ("выполнено", "+", "да")]
    assert len(done) >= 10 and all(isinstance(r[7], dt.datetime) and r[7].date() <= TODAY for r in done)
    # overdue on 2026-11-22: a single passed date and no completion
    for no in ("1.3.", "2.3.", "3.1.5.", "3.1.5.1."):
        assert by_no[no][6] in (None, "в работе", "не выполнено") and by_no[no][7] is None
    # due within 30 days
    assert by_no["2.6."][3] == "07.12.2026" and by_no["3.2.4."][3] == "до 15 декабря 2026 года"
    assert by_no["3.2.3."][6] == "перенесено"


# --------------------------------------------------------------------------- protocol and open data

def test_trial_protocol_is_per_participant_and_fictional(ege_schools, name_to_id):
    df = pd.read_excel(SAMPLE / "trial_ege_math_2026.xlsx", header=3)
    assert list(df.columns[:9]) == ["№", "Код участника", "Фамилия", "Имя", "Отчество", "ОО", "Предмет",
                                    "Тестовый балл", "Минимальный балл"]
    assert df["Код участника"].is_unique and df["Тестовый балл"].between(0, 100).all()
    counts = df["ОО"].map(name_to_id).value_counts().sort_index()
    prof = ege_schools[(ege_schools["year"] == 2026) & (ege_schools["subject"] == "Математика (профильная)")]
    assert counts.to_dict() == prof.set_index("school_id")["participants"].sort_index().to_dict()
    assert (df["Минимальный балл"] == 27).all()


def test_open_data_file(ege_schools):
    raw = (SAMPLE / "opendata_graduates.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(SAMPLE / "opendata_graduates.csv", encoding="utf-8-sig", skiprows=2)
    assert df.columns[1] == "Год" and set(df["Год"]) == {f"{y - 1}-{y}" for y in YEARS}
    assert df["Награждены медалью «За особые успехи в учении»"].isna().any()  # blank = not stated
    assert df["Набрали 100 баллов хотя бы по одному предмету"].isna().sum() == 2 * 13
    ru = ege_schools[ege_schools["subject"] == "Русский язык"]
    assert df["Число выпускников 11 классов"].sum() == ru["participants"].sum()


# --------------------------------------------------------------------------- through the loaders

def test_everything_loads_through_the_loaders():
    from loaders import load_files

    res = load_files([str(p) for p in DATA_FILES])
    assert [p.text() for p in res.errors] == []
    t = res.tables
    assert t["schools"]["school_id"].nunique() == 18
    assert set(t["results"]["exam"]) == {"ЕГЭ", "ОГЭ", "ВПР", "Пробный ЕГЭ"}
    assert len(t["events"]) == 40
    assert [p.text() for p in res.warnings] == []
    assert not t["indicators"]["name"].str.contains("п/п").any()  # a numbering column is not an indicator
    forma1 = t["indicators"][t["indicators"]["name"].str.startswith("Доля школ с низкими")]
    assert forma1["direction"].tolist() == ["lower"]  # stated by the plan sheet, not guessed on the fact sheet
