"""Does «Школы в зоне риска» list the planted ШНОР / ШНСУ schools with reasons, links and the context scatter?"""
from __future__ import annotations

import base64
import json

import numpy as np

import metrics
from tests.pages.conftest import no_exception, page_links, texts
from ui.reasons import point_markdown

STABLY_LOW = ("kedr", "lesn")  # planted, sample_data/README.md
RESILIENT = "rodn"
EXIT = "zarech"


def _arr(v) -> list:
    """A Plotly JSON array: a plain list, or a typed array {"dtype", "bdata" (base64)} as plotly ≥ 6 writes numpy."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _scatter(at) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if any("ожидаемый результат" in (tr.get("name") or "") for tr in json.loads(c.proto.spec)["data"]))


def test_lists_with_reasons_and_card_links(shared_store, run_page, sample_tables):
    at = run_page("risk", year=2026)
    no_exception(at)
    flags = metrics.risk_flags(sample_tables["results"], sample_tables["schools"], 2026)
    low = set(flags.loc[flags["flag"] == "low_results", "school_id"])
    social = set(flags.loc[flags["flag"] == "social", "school_id"])
    assert set(STABLY_LOW) <= low
    shown = texts(at)
    listed = flags[flags["flag"].isin(["low_results", "stable_low", "social", "exit"])]
    for _, r in listed.iterrows():
        # the headline and every point of the explanation are on the page, not a wall of text
        e = r["explanation"]
        assert point_markdown(e.headline) in shown, f"headline of {r['school_id']} / {r['flag']} is not shown"
        for p in e.points[:8]:
            assert f"- {point_markdown(p)}" in shown, p
    # the per-year numbers of every low-results school sit in a table under «Числа и правило»
    n_low = int((listed["flag"] == "low_results").sum())
    tables = [df.value for df in at.dataframe if "Сводный балл" in df.value.columns]
    assert len(tables) == n_low
    kedr = flags[(flags["school_id"] == "kedr") & (flags["flag"] == "low_results")].iloc[0]
    assert any(len(t) == len(kedr["details"]["procedures"]) and "ОГЭ" in set(t["Процедура"]) for t in tables)
    # a primary school with only ВПР can be ШНОР (federal selection uses ВПР), and is listed
    assert "nosh5" in low
    # every listed school links to its own card, keeping the year
    card_links = [p.query_string for p in page_links(at) if p.page.endswith("school") or "school" in p.page]
    for sid in low | social:
        assert any(f"school={sid}" in q and "year=2026" in q for q in card_links), sid
    # the stable-low badge and the exit list
    assert "устойчиво низкие" in shown
    if EXIT in set(flags.loc[flags["flag"] == "exit", "school_id"]):
        assert "Вышли из ШНОР" in shown


def test_summary_counts_are_the_metric(shared_store, run_page, sample_tables):
    at = run_page("risk", year=2026)
    summary = metrics.risk_summary(metrics.risk_flags(sample_tables["results"], sample_tables["schools"], 2026))
    values = {m.label: m.value for m in at.metric}
    from ui import format as fmt
    for _, r in summary.iterrows():
        assert values[fmt.flag_label(r["flag"])] == str(int(r["count"]))


def test_scatter_with_regression_line_and_resilient_school(shared_store, run_page, sample_tables):
    at = run_page("risk", year=2026)
    no_exception(at)
    ca = metrics.context_adjusted(sample_tables["results"], sample_tables["schools"], 2026)
    spec = _scatter(at)
    line = next(tr for tr in spec["data"] if "ожидаемый результат" in tr["name"])
    x, y = _arr(line["x"]), _arr(line["y"])
    slope = (y[1] - y[0]) / (x[1] - x[0])
    assert abs(slope - float(ca["slope"].iloc[0])) < 1e-9
    star = next(tr for tr in spec["data"] if tr["name"].startswith("резильентные"))
    ids = [cd[0] for cd in star["customdata"]]
    assert set(ids) == set(ca.loc[ca["resilient"], "school_id"])
    assert RESILIENT in ids
    all_ids = [cd[0] for tr in spec["data"] if tr.get("customdata") for cd in tr["customdata"]]
    assert sorted(all_ids) == sorted(ca["school_id"])
    assert any("хорошие примеры" in m.value for m in at.markdown)
    assert any("Родниковская СОШ" in s.value for s in at.success)


def test_outcome_selector_uses_one_procedure(shared_store, run_page, sample_tables):
    at = run_page("risk", year=2026)
    at.selectbox(key="risk_outcome").set_value("ОГЭ").run()
    no_exception(at)
    ca = metrics.context_adjusted(sample_tables["results"], sample_tables["schools"], 2026, exam="ОГЭ")
    spec = _scatter(at)
    all_ids = [cd[0] for tr in spec["data"] if tr.get("customdata") for cd in tr["customdata"]]
    assert sorted(all_ids) == sorted(ca["school_id"])


def test_selected_school_is_named(shared_store, run_page):
    at = run_page("risk", year=2026, school="kedr")
    no_exception(at)
    assert any("Кедровская ООШ" in i.value and "ШНОР" in i.value for i in at.info)


def test_empty_store_shows_the_hint(empty_store, run_page):
    at = run_page("risk")
    no_exception(at)
    assert any("Нечего показать" in i.value for i in at.info)
