"""Does `school_concerns` order the schools by the weight of their concern, and read each through the right explanation?"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import metrics
from metrics.concerns import CONCERNS, min_fail_schools, school_concerns
from metrics.explain import Explanation, Point, headline_text


def E(text: str) -> Explanation:
    return Explanation(Point(text))


def flags(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"school_id": [r[0] for r in rows], "flag": [r[1] for r in rows],
                         "explanation": [E(f"{r[0]} {r[1]}") for r in rows]})


def objectivity(*rows: tuple[str, int, bool]) -> pd.DataFrame:
    return pd.DataFrame({"school_id": [r[0] for r in rows], "n_flagged_rows": [r[1] for r in rows],
                         "persistent": [r[2] for r in rows],
                         "explanation": [E(f"{r[0]} objectivity") if r[1] else None for r in rows]})


def test_weights_are_the_reading_order():
    assert CONCERNS[:3] == ("stable_low", "objectivity_persistent", "low_results")


def test_persistent_low_first_then_repeated_objectivity_then_the_rest():
    f = flags(("a", "min_fail_warning"), ("b", "low_results"), ("c", "low_results"), ("c", "stable_low"),
              ("d", "below_expectation"), ("e", "social"), ("f", "resilient"), ("g", "exit"))
    o = objectivity(("h", 4, True), ("i", 2, False), ("j", 0, False))
    out = school_concerns(f, o)
    assert list(out["school_id"]) == ["c", "h", "b", "d", "i"]
    assert list(out["concern"]) == ["stable_low", "objectivity_persistent", "low_results", "below_expectation",
                                    "objectivity"]
    assert list(out["weight"]) == [0, 1, 2, 3, 4]
    # a graduate below the minimum (a count, not a comparison), ШНСУ, resilient and exit are no concern;
    # a school without flagged works neither
    assert not {"a", "e", "f", "g", "j"} & set(out["school_id"])
    assert min_fail_schools(f) == 1


def test_stable_low_is_read_through_the_low_results_explanation_and_counted_once():
    out = school_concerns(flags(("c", "low_results"), ("c", "stable_low")))
    row = out.iloc[0]
    assert headline_text(row["explanation"]) == "c low_results"
    assert row["concerns"] == ["stable_low"] and row["n_concerns"] == 1


def test_within_a_weight_more_concerns_first_then_the_code():
    f = flags(("z", "low_results"), ("z", "stable_low"), ("z", "below_expectation"),
              ("b", "low_results"), ("b", "stable_low"), ("a", "low_results"), ("a", "stable_low"))
    out = school_concerns(f, objectivity(("a", 3, False)))
    assert list(out["school_id"]) == ["a", "z", "b"]  # a and z have 2 concerns each, b one
    assert out.iloc[0]["concerns"] == ["stable_low", "objectivity"]


def test_nothing_flagged_gives_an_empty_frame_with_the_columns():
    out = school_concerns(pd.DataFrame(columns=["school_id", "flag", "explanation"]), None)
    assert out.empty and list(out.columns) == ["school_id", "concern", "weight", "explanation", "concerns",
                                               "n_concerns"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from tests.pages.conftest import seed_sample_store
    from store import open_store

    path = seed_sample_store(tmp_path_factory.mktemp("concerns") / "store.sqlite")
    return open_store(path=path, seed_folder=Path(path).parent / "_none").read_all()


def test_the_sample_district_2026(sample):
    """СОШ № 3's repeated objectivity signs (19 of 19 works) come right after the three persistent ШНОР schools,
    ahead of everything lighter."""
    f = metrics.risk_flags(sample["results"], sample["schools"], 2026)
    o = metrics.objectivity_summary(metrics.objectivity_flags(sample["results"], 2026), 2026)
    out = school_concerns(f, o)
    assert list(out["school_id"]) == ["kedr", "lesn", "nosh5", "sos3"]
    assert list(out["concern"]) == ["stable_low"] * 3 + ["objectivity_persistent"]
    assert headline_text(out.iloc[3]["explanation"]).startswith("Признаки необъективности ВПР повторяются: 19")
