"""Are a school's findings ordered by weight: persistent ШНОР, repeated ВПР objectivity, then the rest?"""
from __future__ import annotations

import pandas as pd

from metrics.explain import Explanation, Point
from metrics.weights import school_findings, weight

E = Explanation(Point("x"))


def _flags(*names: str) -> pd.DataFrame:
    sev = {"min_fail_warning": "warning", "social": "info", "exit": "good"}
    return pd.DataFrame([dict(flag=f, severity=sev.get(f, "flag"), label=f, explanation=E, years=[2026],
                              details={}) for f in names])


def test_order_by_weight():
    obj = {"n_flagged_rows": 19, "n_rows": 19, "persistent": True, "explanation": E}
    out = school_findings(_flags("min_fail_warning", "social", "low_results", "stable_low"), obj)
    assert list(out["flag"]) == ["stable_low", "objectivity_persistent", "low_results", "min_fail_warning", "social"]
    assert out.loc[1, "severity"] == "flag" and out.loc[1, "label"] == "Объективность ВПР"


def test_objectivity_of_one_year_is_a_warning_below_shnor_and_context():
    obj = {"n_flagged_rows": 2, "n_rows": 19, "persistent": False, "explanation": E}
    out = school_findings(_flags("min_fail_warning", "below_expectation"), obj)
    assert list(out["flag"]) == ["below_expectation", "objectivity", "min_fail_warning"]
    assert out.loc[1, "severity"] == "warning"


def test_no_flagged_works_no_objectivity_finding_and_unknown_flags_go_last():
    out = school_findings(_flags("something_new", "exit"), {"n_flagged_rows": 0, "n_rows": 19, "explanation": None})
    assert list(out["flag"]) == ["exit", "something_new"]
    assert weight("something_new") == 0
    assert school_findings(pd.DataFrame(), None).empty
