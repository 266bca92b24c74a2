"""Does «Объективность ВПР» say it is diagnostic, list the planted suspicious school and draw the comparison bars?"""
from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd

import metrics
from ui.reasons import point_markdown
from tests.pages.conftest import no_exception, page_links, texts
from ui import format as fmt

SUSPICIOUS_VPR = "sos3"  # planted, sample_data/README.md


def _arr(v) -> list:
    """A Plotly JSON array: a plain list, or a typed array {"dtype", "bdata" (base64)} as plotly ≥ 6 writes numpy."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _bars(at) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if {tr.get("name") for tr in json.loads(c.proto.spec)["data"]} >= {"ВПР = журнал", "ВПР ниже журнала", "ВПР выше журнала"})


def test_note_and_flagged_school(shared_store, run_page, sample_tables):
    at = run_page("objectivity", year=2026)
    no_exception(at)
    assert any("диагностика, а не рейтинг" in i.value and "оценки учителей" in i.value for i in at.info)
    of = metrics.objectivity_flags(sample_tables["results"], 2026)
    summary = metrics.objectivity_summary(of, 2026)
    flagged = summary[summary["n_flagged_rows"] > 0]
    assert SUSPICIOUS_VPR in set(flagged["school_id"])
    r = flagged[flagged["school_id"] == SUSPICIOUS_VPR].iloc[0]
    shown = texts(at)
    # the school's explanation: persistent signs (2025 and 2026) get the strong wording
    assert bool(r["persistent"]) and int(r["years_flagged"]) == 2
    assert f"**СОШ № 3.** {point_markdown(r['explanation'].headline)}" in shown
    assert "повторяются" in point_markdown(r["explanation"].headline)
    # the per-work explanations, one per flagged work, in the expander
    works = of[(of["year"] == 2026) & (of["school_id"] == SUSPICIOUS_VPR) & of["flagged"]]
    assert shown.count("**Работа.**") == len(works)
    assert any(f"school={SUSPICIOUS_VPR}" in p.query_string for p in page_links(at))


def test_bars_by_schools_for_one_grade_and_subject(shared_store, run_page, sample_tables):
    at = run_page("objectivity", year=2026)
    at.selectbox(key="obj_grade").set_value(5).run()
    at.selectbox(key="obj_subject").set_value("Математика").run()
    no_exception(at)
    of = metrics.objectivity_flags(sample_tables["results"], 2026)
    rows = of[(of["year"] == 2026) & (of["grade"] == 5) & (of["subject"] == "Математика") & of["confirmed_pct"].notna()]
    spec = _bars(at)
    confirmed = next(tr for tr in spec["data"] if tr["name"] == "ВПР = журнал")
    assert len(confirmed["y"]) == len(rows)
    sos3 = rows[rows["school_id"] == SUSPICIOUS_VPR].iloc[0]
    i = next(k for k, y in enumerate(confirmed["y"]) if y.endswith("СОШ № 3"))
    assert abs(_arr(confirmed["x"])[i] - sos3["confirmed_pct"]) < 1e-9
    assert confirmed["y"][i].startswith("⚠") == bool(sos3["flagged"])
    # threshold lines at 70 % confirmed and 100 − 15 % raised
    xs = sorted(s["x0"] for s in spec["layout"]["shapes"])
    assert xs == [70.0, 85.0]


def test_bars_for_one_school_by_grade_and_subject(shared_store, run_page, sample_tables):
    at = run_page("objectivity", year=2026, school=SUSPICIOUS_VPR)
    no_exception(at)
    of = metrics.objectivity_flags(sample_tables["results"], 2026)
    rows = of[(of["year"] == 2026) & (of["school_id"] == SUSPICIOUS_VPR) & of["confirmed_pct"].notna()]
    spec = _bars(at)
    assert len(next(tr for tr in spec["data"] if tr["name"] == "ВПР выше журнала")["y"]) == len(rows)
    # the table is filtered to the chosen school, with the metric's percentages
    table = next(d.value for d in at.dataframe if "confirmed_text" in d.value.columns)
    assert len(table) == len(of[(of["year"] == 2026) & (of["school_id"] == SUSPICIOUS_VPR)])
    first = rows.sort_values(["grade", "subject"]).iloc[0]
    match = table[(table["grade_text"] == str(int(first["grade"]))) & (table["subject"] == first["subject"])].iloc[0]
    assert match["raised_text"] == fmt.value(first["raised_pct"], "%", 1)


def test_other_year(shared_store, run_page, sample_tables):
    at = run_page("objectivity", year=2024)
    no_exception(at)
    assert "2023/24 учебный год" in texts(at)
    of = metrics.objectivity_flags(sample_tables["results"], 2024)
    n = int((pd.to_numeric(of["year"]) == 2024).sum())
    table = next(d.value for d in at.dataframe if "confirmed_text" in d.value.columns)
    assert len(table) == n


def test_empty_store_shows_the_hint(empty_store, run_page):
    at = run_page("objectivity")
    no_exception(at)
    assert any("Нечего показать" in i.value for i in at.info)
