"""ВПР objectivity: each sign as a test against its threshold (not a point estimate), the minimum of 20 works,
the «ориентир» band, Benjamini–Hochberg over a school's works, persistence and the exclusion from the district."""
import math

import pandas as pd
import pytest
from scipy.special import ndtr

from metrics.explain import render
from metrics.measures import prepare
from metrics.objectivity import objectivity_flags, objectivity_summary


def _vpr(year, school, n=100, mean=None, marks=None, lcr=(10, 85, 5), grade=5, subject="Математика"):
    row = dict(year=year, exam="ВПР", subject=subject, grade=grade, school_id=school, participants=n, mean=mean,
               lowered=lcr[0], confirmed=lcr[1], raised=lcr[2])
    if marks:
        row.update(mark2=marks[0], mark3=marks[1], mark4=marks[2], mark5=marks[3])
    return row


def _oge(year, school, mean, n=40):
    return dict(year=year, exam="ОГЭ", subject="Математика", grade=9, school_id=school, participants=n, mean=mean)


def _frame(rows):
    df = pd.DataFrame(rows)
    for c in df.columns:
        if c in ("participants", "grade", "lowered", "confirmed", "raised", "mark2", "mark3", "mark4", "mark5"):
            df[c] = df[c].astype("Int64")
    return df


def _flags(rows, year=2024):
    return objectivity_flags(_frame(rows), year).set_index(["school_id", "year"])


def test_thresholds_are_tested_not_compared_with_point_estimates():
    rows = [_vpr(2024, "a", lcr=(10, 55, 35)), _vpr(2024, "c", n=30, lcr=(3, 19, 8)),
            _vpr(2024, "d", n=15, lcr=(1, 9, 5)), _vpr(2024, "e", n=6, lcr=(0, 3, 3)), _vpr(2024, "b")]
    f = _flags(rows)
    a = f.loc[("a", 2024)]
    assert (a["confirmed_pct"], a["raised_pct"]) == (pytest.approx(55), pytest.approx(35))
    # z = (0,55 − 0,70) / √(0,21 / 100) = −3,273; (0,35 − 0,15) / √(0,1275 / 100) = 5,601
    assert a["p_low_confirmation"] == pytest.approx(ndtr(-0.15 / math.sqrt(0.0021)))
    assert a["p_high_raised"] == pytest.approx(1 - ndtr(0.2 / math.sqrt(0.001275)))
    assert a["flags"] == ["low_confirmation", "high_raised"] and a["status"] == "flagged"
    # 63,3 % confirmed and 26,7 % raised of 30 works: past both thresholds, but within chance (p = 0,21 and 0,037;
    # Benjamini–Hochberg over the school's two tests needs 0,025) — the old rule flagged it
    c = f.loc[("c", 2024)]
    assert c["confirmed_pct"] < 70 and c["raised_pct"] > 15 and c["flags"] == [] and not c["flagged"]
    assert c["p_high_raised"] == pytest.approx(1 - ndtr((8 / 30 - 0.15) / math.sqrt(0.1275 / 30)))
    # 10–19 works: «мало работ — ориентир», no sign; under 10: nothing
    d = f.loc[("d", 2024)]
    assert d["status"] == "indicative" and d["flags"] == [] and bool(d["small_n"])
    assert "мало работ" in render(d["explanation"]) and "ориентир" in render(d["explanation"])
    assert f.loc[("e", 2024), "status"] == "" and f.loc[("e", 2024), "explanation"] is None
    assert f.loc[("b", 2024), "flags"] == [] and f.loc[("b", 2024), "explanation"] is None


def test_one_borderline_work_among_many_is_not_a_sign():
    # raised 23 of 100: p = 1 − Φ(0,08 / 0,0357) = 0,0125 — alone (2 tests) it passes 0,025; among 8 works
    # (16 tests, threshold 0,05 / 16) it does not
    alone = _flags([_vpr(2024, "a", lcr=(10, 67, 23))])
    assert alone.loc[("a", 2024), "flags"] == ["high_raised"]
    many = [_vpr(2024, "a", lcr=(10, 67, 23))] + [_vpr(2024, "a", subject=f"Предмет {i}", lcr=(10, 75, 15))
                                                  for i in range(7)]
    df = objectivity_flags(_frame(many), 2024)
    assert not df["flagged"].any()


def _above_rows(oge_a):
    marks = {"a": (0, 4, 8, 28), "b": (4, 16, 16, 4), "c": (4, 16, 16, 4), "d": (6, 16, 14, 4), "e": (4, 16, 16, 4)}
    rows = [_vpr(2024, s, n=40, marks=m, lcr=(4, 34, 2)) for s, m in marks.items()]
    rows += [_oge(2024, s, m) for s, m in {"a": oge_a, "b": 3.8, "c": 3.8, "d": 3.6, "e": 3.8}.items()]
    return rows


def test_vpr_far_above_the_other_schools_while_oge_is_not():
    f = _flags(_above_rows(oge_a=3.2))
    a = f.loc[("a", 2024)]
    # the reference is the other four schools: (3,5 + 3,5 + 3,4 + 3,5) / 4
    assert a["mean"] == pytest.approx(4.6) and a["district_mean"] == pytest.approx(3.475)
    assert a["oge_score"] < 0
    assert a["flags"] == ["above_district_vs_oge"] and a["p_above_district_vs_oge"] < 1e-3
    assert "намного выше, чем в остальных школах района (3,48)" in render(a["explanation"])
    # the same ВПР with a strong ОГЭ is not tested at all
    f = _flags(_above_rows(oge_a=4.4))
    assert f.loc[("a", 2024), "oge_score"] > 0 and math.isnan(f.loc[("a", 2024), "p_above_district_vs_oge"])


def test_year_over_year_jump_rises_only():
    prev = [_vpr(2023, "a", n=40, marks=(10, 16, 10, 4), lcr=(4, 34, 2))]
    prev += [_vpr(2023, s, n=40, marks=(4, 16, 16, 4), lcr=(4, 34, 2)) for s in "bcde"]
    f = _flags(prev + _above_rows(oge_a=4.4))
    a = f.loc[("a", 2024)]
    assert a["prev_mean"] == pytest.approx(3.2) and a["jump"] == pytest.approx(1.4)
    # threshold: 2 × the 2024 spread between school means √(1,02 / 5) = 0,90; the rise beyond it, against both
    # years' sampling errors, is beyond chance
    assert a["between_sd"] == pytest.approx(math.sqrt(1.02 / 5))
    assert a["flags"] == ["jump"]
    assert "выросла за год с 3,20 до 4,60 (+1,40)" in render(a["explanation"])
    # a rise of the same size with the 2023 mean 3,50 is within chance: no sign
    same = [_vpr(2023, s, n=40, marks=(4, 16, 16, 4), lcr=(4, 34, 2)) for s in "abcde"]
    assert _flags(same + _above_rows(oge_a=4.4)).loc[("a", 2024), "flags"] == []
    falling = [_vpr(2023, "a", n=40, marks=(0, 4, 8, 28), lcr=(4, 34, 2))] + \
        [_vpr(2024, "a", n=40, marks=(4, 16, 16, 4), lcr=(4, 34, 2))] + \
        [_vpr(y, s, n=40, marks=(4, 16, 16, 4), lcr=(4, 34, 2)) for y in (2023, 2024) for s in "bcd"]
    assert "jump" not in _flags(falling).loc[("a", 2024), "flags"]


def test_many_threes_and_no_twos_is_a_reason_to_look_at_primary_scores():
    rows = [_vpr(2024, "s", n=40, marks=(0, 36, 3, 1), lcr=(4, 34, 2))]
    rows += [_vpr(2024, k, n=40, marks=(6, 14, 14, 6), lcr=(4, 34, 2)) for k in "abcd"]
    s = _flags(rows).loc[("s", 2024)]
    # district «3» (36 + 56) / 200 = 46 %, «2» 24 / 200 = 12 %; 90 % «3» is beyond 46 + 20 by far
    assert s["district_mark3_pct"] == pytest.approx(46) and s["district_mark2_pct"] == pytest.approx(12)
    assert s["flags"] == ["cut_spike"] and s["status"] == "note" and not s["flagged"]
    assert "стоит посмотреть первичные баллы" in render(s["explanation"])
    rows[0] = _vpr(2024, "s", n=40, marks=(3, 33, 3, 1), lcr=(4, 34, 2))  # with «2» present it is not the pattern
    assert _flags(rows).loc[("s", 2024), "flags"] == []


def test_persistence_gates_the_strong_wording():
    bad, good = (10, 55, 35), (10, 85, 5)
    rows = [_vpr(2022, "a", lcr=bad), _vpr(2023, "a", lcr=good), _vpr(2024, "a", lcr=bad),
            _vpr(2024, "a", lcr=bad, subject="Русский язык"), _vpr(2024, "b", lcr=good),
            _vpr(2022, "b", lcr=good), _vpr(2023, "b", lcr=good), _vpr(2023, "c", lcr=bad), _vpr(2024, "c", lcr=good)]
    df = objectivity_flags(_frame(rows), 2024)
    a24 = df[(df["school_id"] == "a") & (df["year"] == 2024)]
    assert a24["years_flagged"].tolist() == [2, 2] and a24["persistent"].all()
    assert "повторяются" in render(a24["explanation"].iloc[0])
    c23 = df[(df["school_id"] == "c") & (df["year"] == 2023)].iloc[0]
    assert c23["flagged"] and not c23["persistent"] and "в этом году — стоит посмотреть" in render(c23["explanation"])
    s = objectivity_summary(df, 2024).set_index("school_id")
    assert s.loc["a", "n_flagged_rows"] == 2 and s.loc["a", "years_flagged"] == 2 and s.loc["a", "persistent"]
    assert s.loc["a", "flags"] == ["high_raised", "low_confirmation"]
    assert s.loc["a", "reasons"].startswith("Признаки необъективности ВПР повторяются: 2\u00a0работы из 2")
    assert s.loc["b", "n_flagged_rows"] == 0 and s.loc["b", "explanation"] is None
    assert list(s.index) == ["a", "c", "b"]  # persistent first, then by years with signs
    assert objectivity_flags(_frame(rows), 2023)["year"].max() == 2023


def test_inflated_works_are_left_out_of_the_district_reference():
    rows = [_vpr(2024, "a", mean=4.8, lcr=(0, 60, 40)), _vpr(2024, "b", mean=3.5), _vpr(2024, "c", mean=3.7),
            _vpr(2024, "d", mean=3.6, subject="Русский язык", lcr=(40, 55, 5)), _vpr(2024, "e", mean=3.4,
                                                                                     subject="Русский язык")]
    prep = prepare(_frame(rows)).set_index(["school_id", "subject"])
    assert bool(prep.loc[("a", "Математика"), "nonobjective"])
    assert prep.loc[("b", "Математика"), "district_mean"] == pytest.approx(3.6)  # (3,5 + 3,7) / 2, a left out
    # low confirmation with many «lowered» says the journal is generous, not the ВПР: that work stays in
    assert not prep.loc[("d", "Русский язык"), "nonobjective"]
    assert prep.loc[("e", "Русский язык"), "district_mean"] == pytest.approx(3.5)
    kept = prepare(_frame(rows), {"objectivity": {"exclude_from_reference": False}}).set_index(["school_id", "subject"])
    assert kept.loc[("b", "Математика"), "district_mean"] == pytest.approx(4.0)


def test_schools_without_vpr_have_no_rows():
    rows = [_vpr(2024, "a"), _oge(2024, "o", 3.5)]
    df = objectivity_flags(_frame(rows), 2024)
    assert df["school_id"].tolist() == ["a"]
    empty = objectivity_flags(_frame([_oge(2024, "o", 3.5)]), 2024)
    assert empty.empty and "flags" in empty.columns
    assert objectivity_summary(empty, 2024).empty
