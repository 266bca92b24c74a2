"""Does the school card show the chosen school's own numbers from metrics, its flag reasons, and a clean print view?"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import metrics
from metrics.objectivity import FLAG_TEXT
from ui.reasons import point_markdown
from ui.safe import md as md_escape
from tests.pages.conftest import make_app, no_exception, texts, unescaped
from ui import format as fmt

STABLY_LOW = "kedr"      # planted: stably low ООШ (ОГЭ + ВПР), see sample_data/README.md
SUSPICIOUS_VPR = "sos3"  # planted: suspicious ВПР


def _frames(at) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def _frame_with(at, column: str) -> pd.DataFrame:
    return next(f for f in _frames(at) if column in f.columns)


def test_no_school_asks_to_pick_one(shared_store, run_page):
    at = run_page("school", year=2026)
    no_exception(at)
    assert any("Выберите школу" in i.value for i in at.info)
    at.selectbox(key="school_pick").set_value("sos1").run()
    no_exception(at)
    assert at.title[0].value == "СОШ № 1"
    assert dict(at.query_params).get("school") in ("sos1", ["sos1"])


def test_card_shows_the_school_and_its_numbers(shared_store, run_page, sample_tables):
    at = run_page("school", school="sos1", year=2026)
    no_exception(at)
    reg = sample_tables["schools"]
    row = reg[(reg["school_id"] == "sos1") & (pd.to_numeric(reg["year"]) == 2026)].iloc[0]
    assert at.title[0].value == row["short_name"]
    assert row["name"] in texts(at)
    iv = metrics.intervals(sample_tables["results"], 2026)
    mine = iv[(iv["school_id"] == "sos1") & (iv["exam"] == "ЕГЭ") & (iv["subject"] == "Русский язык")].iloc[0]
    res = _frame_with(at, "interval_text")
    shown = res[(res["exam"] == "ЕГЭ") & (res["subject_text"] == "Русский язык")].iloc[0]
    assert shown["mean_text"] == fmt.value(mine["mean"], None, 1)
    assert shown["interval_text"] == f"{fmt.num(mine['mean_low'], 1)} – {fmt.num(mine['mean_high'], 1)}"
    assert shown["district_text"] == fmt.value(mine["district_mean"], None, 1)
    # every result row of the school in the year is in the table
    assert len(res) == int((iv["school_id"] == "sos1").sum())
    # the history chart of ЕГЭ has the district line and the school's error bars
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    kinds = {tr["name"] for tr in spec["data"]}
    assert {"среднее по району", "школа (95 % интервал)"} <= kinds
    assert any(tr.get("error_y") for tr in spec["data"])
    # the legend's colours mean what the markers mean: blue school line, red / green only for significant years
    legend = {tr["name"]: tr for tr in spec["data"] if tr.get("showlegend", True) and tr["name"] != "среднее по району"}
    assert legend["школа (95 % интервал)"]["marker"]["color"] == fmt.INFO
    every_year = metrics.intervals(sample_tables["results"])  # the chart shows all years
    mine_all = every_year[(every_year["school_id"] == "sos1") & (every_year["exam"] == "ЕГЭ")]
    sig_low = (mine_all["significantly_below"].fillna(False) & ~mine_all["small_n"].fillna(False)).any()
    assert ("значимо ниже района" in legend) == bool(sig_low)


def test_profile_has_the_district_median(shared_store, run_page, sample_tables):
    at = run_page("school", school="kedr", year=2026)
    no_exception(at)
    reg = sample_tables["schools"]
    y = reg[pd.to_numeric(reg["year"]) == 2026]
    prof = _frame_with(at, "median_text")
    low_income = prof[prof["label"] == "Доля из малоимущих семей, %"].iloc[0]
    assert low_income["school_text"] == fmt.value(y.loc[y["school_id"] == "kedr", "low_income_pct"].iloc[0], "%", 1)
    assert low_income["median_text"] == fmt.value(pd.to_numeric(y["low_income_pct"]).median(), "%", 1)


def test_stably_low_school_shows_its_flag_reason(shared_store, run_page, sample_tables):
    at = run_page("school", school=STABLY_LOW, year=2026)
    no_exception(at)
    flags = metrics.risk_flags(sample_tables["results"], sample_tables["schools"], 2026)
    mine = flags[flags["school_id"] == STABLY_LOW]
    assert {"low_results", "stable_low"} <= set(mine["flag"])
    boxes = "\n".join(e.value for e in at.error)
    for _, r in mine[mine["severity"] == "flag"].iterrows():
        e = r["explanation"]
        assert f"**{md_escape(r['label'])}.** {point_markdown(e.headline)}" in boxes
        for p in e.points[:8]:  # «ОГЭ по математике: средняя отметка 2,40 — ниже районной (3,65) …»
            assert f"- {point_markdown(p)}" in boxes
    assert "три года подряд" in boxes
    assert "Устойчиво низкие результаты" in boxes
    # the per-year numbers are one click away, as a table, not inside the box
    low = mine[mine["flag"] == "low_results"].iloc[0]
    table = next(df.value for df in at.dataframe if "Сводный балл" in df.value.columns)
    assert len(table) == len(low["details"]["procedures"])


def test_suspicious_vpr_school_shows_objectivity_flags(shared_store, run_page, sample_tables):
    at = run_page("school", school=SUSPICIOUS_VPR, year=2026)
    no_exception(at)
    of = metrics.objectivity_flags(sample_tables["results"], 2026)
    mine = of[(of["school_id"] == SUSPICIOUS_VPR) & (of["year"] == 2026)]
    flagged = mine[mine["flagged"]]
    assert len(flagged)
    summ = metrics.objectivity_summary(of, 2026).set_index("school_id")
    assert bool(summ.loc[SUSPICIOUS_VPR, "persistent"])  # 2025 and 2026: the strong wording, in red
    # the summary's one line on the first screen, then the full box with the signs under «Флаги и причины»
    assert any("повторяются" in e.value and "\n- " not in e.value for e in at.error)
    box = next(e.value for e in at.error if "повторяются" in e.value and "\n- " in e.value)
    assert f"{len(flagged)}" in box and f"из {len(mine)}" in box
    # which signs, with the number of works showing each (hand count from the metric's flag lists)
    codes = [c for fl in flagged["flags"] for c in fl if c in FLAG_TEXT]
    for code in set(codes):
        assert f"- {FLAG_TEXT[code]}: {codes.count(code)}" in box, code
    # the per-work explanations are in the expander «Подробно по каждой работе», not in the box
    first = flagged["explanation"].iloc[0]
    assert point_markdown(first.points[0]) not in box
    assert point_markdown(first.points[0]) in texts(at)
    table = _frame_with(at, "flags_text")
    assert (table["flags_text"] != "").sum() == len(flagged)


def test_year_filter_changes_the_numbers(shared_store, run_page, sample_tables):
    iv = metrics.intervals(sample_tables["results"])
    sel = iv[(iv["school_id"] == "gim") & (iv["exam"] == "ЕГЭ") & (iv["subject"] == "Русский язык")]
    for year in (2024, 2026):
        at = run_page("school", school="gim", year=year)
        no_exception(at)
        res = _frame_with(at, "interval_text")
        shown = res[(res["exam"] == "ЕГЭ") & (res["subject_text"] == "Русский язык")].iloc[0]
        assert shown["mean_text"] == fmt.value(sel[sel["year"] == year]["mean"].iloc[0], None, 1)


def test_school_without_data_for_the_year_says_so(shared_store, run_page):
    at = run_page("school", school="sos1", year=2027)  # only plans exist for 2027
    no_exception(at)
    assert any("нет результатов оценочных процедур" in i.value for i in at.info)


def test_print_view_hides_the_sidebar_and_widgets(shared_store, sample_tables):
    at = make_app()
    at.query_params["school"] = STABLY_LOW
    at.query_params["year"] = "2026"
    at.run()
    at.switch_page("pages/school.py")
    at.query_params["school"] = STABLY_LOW
    at.query_params["year"] = "2026"
    at.query_params["print"] = "1"
    at.run()
    no_exception(at)
    assert at.title[0].value == "Кедровская ООШ"
    assert len(at.sidebar.selectbox) == 0 and len(at.sidebar.caption) == 0
    css = "\n".join(m.value for m in at.markdown)
    assert '[data-testid="stSidebar"]' in css and "display: none" in css
    assert not at.get("download_button") and not at.toggle and not at.dataframe
    # the print view is the interview handout: the same headings, flag reasons and tables as its PDF
    from datetime import date

    from reports import blocks as B
    from reports import handout
    from reports.content import Inputs, handout_content

    doc = handout.make(handout_content(Inputs(sample_tables, date(2026, 11, 22)), STABLY_LOW, 2026))[0]
    shown = texts(at).replace("\\", "")
    for b in doc.blocks:
        if isinstance(b, (B.Heading, B.Para)):
            assert b.text.strip() in shown, b.text
    pdf_tables = [b for b in doc.blocks if isinstance(b, B.Table)] + \
        [x for b in doc.blocks if isinstance(b, B.Columns) for x in b.left if isinstance(x, B.Table)]
    screen = [t.value for t in at.table]
    assert len(screen) == len(pdf_tables) >= 2
    for t in pdf_tables:
        match = [v for v in screen if list(v.columns) == [c.label for c in t.columns]]
        assert match and [list(r) for r in match[0].itertuples(index=False)] == [list(r) for r in t.rows]
    assert "Низкие образовательные результаты" in shown
    assert not at.expander  # nothing folded away on paper


def test_print_toggle_switches_to_the_print_view(shared_store, run_page):
    at = run_page("school", school="sos1", year=2026)
    at.toggle(key="school_print").set_value(True).run()
    no_exception(at)
    assert dict(at.query_params).get("print") in ("1", ["1"])
    assert not at.get("download_button")


def test_empty_store_shows_the_hint(empty_store, run_page):
    at = run_page("school")
    no_exception(at)
    assert any("Нечего показать" in i.value for i in at.info)


def test_card_switches_procedure(shared_store, run_page, sample_tables):
    at = run_page("school", school=SUSPICIOUS_VPR, year=2026)
    at.segmented_control(key="school_exam").set_value("ВПР").run()
    no_exception(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    titles = {a["text"] for a in spec["layout"]["annotations"]}
    iv = metrics.intervals(sample_tables["results"])
    vpr = iv[(iv["school_id"] == SUSPICIOUS_VPR) & (iv["exam"] == "ВПР")]
    assert titles == {f"{s}, {int(g)} кл." for s, g in zip(vpr["subject"], vpr["grade"])}


def _partial_store(path, empty_folder, tables: dict) -> None:
    from loaders.report import LoadResult
    from store import open_store

    res = LoadResult()
    for name, df in tables.items():
        res.tables[name] = df
    open_store(path=path, seed_folder=empty_folder).accept(res, "partial.xlsx", b"partial", user="тест")


@pytest.mark.parametrize("page", ["ranking", "school", "risk", "objectivity"])
def test_only_results_without_registry(empty_store, empty_folder, run_page, sample_tables, page):
    _partial_store(empty_store, empty_folder, {"results": sample_tables["results"]})
    at = run_page(page, school="kedr", year=2026)
    no_exception(at)
    assert at.title


@pytest.mark.parametrize("page", ["ranking", "school", "risk", "objectivity"])
def test_only_programme_tables(empty_store, empty_folder, run_page, sample_tables, page):
    _partial_store(empty_store, empty_folder, {k: sample_tables[k] for k in ("schools", "indicators", "values", "events")})
    at = run_page(page, school="kedr", year=2026)
    no_exception(at)
    if page in ("risk", "objectivity"):
        assert any("Нечего показать" in i.value for i in at.info)


def test_district_with_only_its_programme_can_open_a_school(programme_only_store, run_page):
    """No registry, no results: the school-level indicators still make schools choosable, and the card
    shows the school's programme indicators with one note on what else to load (no empty sections)."""
    from store import open_store

    values = open_store(path=programme_only_store).read_all()["values"]
    school_ids = set(values["school_id"].dropna().astype(str)) - {""}
    assert school_ids, "the school indicators file has school rows"
    sid = sorted(school_ids)[0]
    at = run_page("school", school=sid, year=2026)
    no_exception(at)
    assert at.selectbox(key="w_school").value == sid
    assert set(at.selectbox(key="w_school").options) >= {str(s) for s in school_ids}
    shown = texts(at)
    assert "появятся, когда будут загружены" in shown
    assert "Флаги и причины" not in shown and "Профиль и социальный контекст" not in shown
    table = _frame_with(at, "plan_text")
    assert len(table) == values[(values["school_id"] == sid) & (values["year"].astype(int) == 2026)]["indicator_id"].nunique()


def _alerts(node) -> list[tuple[str, str]]:
    """(kind, text) of every error / warning box in the order of the page."""
    out = []
    if getattr(node, "type", None) in ("error", "warning"):
        out.append((node.type, node.value))
    for k in sorted(getattr(node, "children", {}) or {}):
        out += _alerts(node.children[k])
    return out


def _summary(at) -> list[str]:
    """The summary lines of the first screen: the boxes before the first tab."""
    tabs = at.tabs
    assert len(tabs) >= 5 and tabs[0].label == "Флаги и причины"
    first_tab = _alerts(tabs[0])
    every = _alerts(at.main)
    lines = every[:every.index(first_tab[0])] if first_tab else every
    return [unescaped(text) for _, text in lines]


def test_card_summary_leads_with_the_heaviest_finding(shared_store, run_page, sample_tables):
    # kedr 2026 (hand check of metrics.risk_flags): low_results, stable_low, social. By weight: persistent ШНОР
    # (stable_low) first, then ШНОР of the year; ШНСУ is a condition — a badge, not a line
    at = run_page("school", school=STABLY_LOW, year=2026)
    no_exception(at)
    lines = _summary(at)
    assert [line.split(".**")[0] for line in lines] == ["**Устойчиво низкие результаты",
                                                        "**Низкие образовательные результаты (ШНОР)"]
    assert "Неблагоприятные социальные условия (ШНСУ)" in texts(at)
    # the details tab repeats them in the same order, each with its reasons
    boxes = [unescaped(t) for _, t in _alerts(at.tabs[0])]
    assert boxes[0].startswith("**Устойчиво низкие результаты.**")
    assert boxes[1].startswith("**Низкие образовательные результаты (ШНОР).**")
    # key figures: kedr has 10 judged results in 2026, 7 of them significantly below the district (metrics.intervals)
    iv = metrics.intervals(sample_tables["results"], 2026)
    own = iv[(iv["school_id"] == STABLY_LOW) & iv["mean"].notna() & ~iv["small_n"].fillna(False)
             & ~iv["nonobjective"].fillna(False)]
    low = int(own["significantly_below"].fillna(False).sum())
    assert {m.proto.label: m.proto.body for m in at.metric}["Значимо ниже района"] == f"{low} из {len(own)}" == "7 из 10"


def test_repeated_vpr_objectivity_comes_before_a_gia_warning(sample_store, run_page, tmp_path, monkeypatch):
    # the case: СОШ № 3 has ВПР raised in 19 of 19 works, repeated (2025 and 2026), and — when the
    # min-fail warning is a school flag (max_school_share above 1) — graduates below the ГИА minimum. The repeated
    # ВПР finding weighs more (metrics.weights: 90 against 40) and comes first
    from metrics.settings import settings_path

    text = settings_path().read_text(encoding="utf-8").replace("max_school_share = 0.5", "max_school_share = 1.01")
    assert "max_school_share = 1.01" in text
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_SETTINGS", str(tmp_path / "settings.toml"))
    at = run_page("school", school=SUSPICIOUS_VPR, year=2026)
    no_exception(at)
    lines = _summary(at)
    assert len(lines) == 2
    assert lines[0].startswith("**Объективность ВПР.** Признаки необъективности ВПР повторяются: 19\xa0работ из 19")
    assert lines[1].startswith("**Есть выпускники ниже минимального порога (ГИА).**")
