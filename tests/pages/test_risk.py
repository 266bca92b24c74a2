"""Does «Школы в зоне риска» list the planted ШНОР / ШНСУ schools with reasons, links and the context scatter?"""
from __future__ import annotations

import base64
import json
import re

import numpy as np

import metrics
from tests.pages.conftest import no_exception, page_links, texts, unescaped
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


JARGON = ("z =", "z=", "SD", "±", "config/", ".toml", "settings.toml")


def _everything(at) -> str:
    """Every text a person can read on the page: markdown, boxes, captions, table cells, chart texts and hovers."""
    main = at.main  # the page itself (the sidebar's upload help names its own secrets file on purpose)
    parts = [unescaped(e.value) for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error",
                                             "success") for e in getattr(main, kind)]
    parts += [d.value.astype(str).to_csv(index=False) for d in main.dataframe]
    parts += [m.proto.label + m.proto.body for m in main.metric]
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        parts += [str(a.get("text", "")) for a in spec.get("layout", {}).get("annotations", [])]
        parts += [str(tr.get("hovertemplate", "")) + str(tr.get("name", "")) + json.dumps(tr.get("customdata", []),
                                                                                           ensure_ascii=False)
                  for tr in spec["data"]]
    return "\n".join(parts)


def test_plain_words_no_jargon_no_paths(shared_store, run_page, sample_tables):
    for year in (2024, 2025, 2026):
        at = run_page("risk", year=year)
        no_exception(at)
        shown = _everything(at)
        for word in JARGON:
            assert word not in shown, (year, word)
        assert not re.search(r"[\w.-]+/[\w.-]+\.(toml|sqlite|py|csv|xlsx)\b", shown), year
    # 2024: СОШ № 3 is below what its context predicts — said as a director would (hand check: its composite score
    # −0,33 against +0,06 expected for its social index, a gap of 0,39)
    at = run_page("risk", year=2024)
    ca = metrics.context_adjusted(sample_tables["results"], sample_tables["schools"], 2024)
    row = ca[ca["school_id"] == "sos3"].iloc[0]
    assert bool(row["below_expectation"]) and round(abs(row["residual"]), 2) == 0.39
    shown = texts(at)
    assert "Результат заметно ниже, чем у школ с похожими социальными условиями: на 0,39 по сводной шкале" in shown
    assert "сводный балл школы −0,33; школы района с таким же индексом неблагополучия (−0,77) в среднем получают +0,06" \
        in shown


def test_shnsu_band_starts_at_the_boundary_the_cards_state(shared_store, run_page, sample_tables):
    at = run_page("risk", year=2026)
    no_exception(at)
    soc = metrics.social_index(sample_tables["schools"], 2026)
    q3 = float(soc["q3"].iloc[0])
    assert round(q3, 2) == 0.99  # the 75th percentile of the 18 schools' index (metrics.social.quartile_of)
    spec = _scatter(at)
    band = [s for s in spec["layout"]["shapes"] if s.get("type") == "rect"]
    assert len(band) == 1 and band[0]["x0"] == q3
    # the band's label and every ШНСУ card say the same boundary
    label = next(a["text"] for a in spec["layout"]["annotations"] if "ШНСУ" in a["text"])
    assert label == "ШНСУ: индекс от +0,99"
    shown = texts(at)
    flags = metrics.risk_flags(sample_tables["results"], sample_tables["schools"], 2026)
    social = flags[flags["flag"] == "social"]
    assert len(social) == 5
    for e in social["explanation"]:
        assert "граница четверти +0,99" in point_markdown(e.headline)
        assert point_markdown(e.headline) in shown
    # inside the frame: anchored to the plot's top right corner, running leftwards
    ann = next(a for a in spec["layout"]["annotations"] if "ШНСУ" in a["text"])
    assert (ann["xref"], ann["x"], ann["xanchor"], ann["yanchor"]) == ("paper", 1, "right", "top")
