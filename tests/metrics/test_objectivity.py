"""ВПР objectivity: each flag triggering and not, small groups, persistence, schools without ВПР."""
import math

import pandas as pd
import pytest

from metrics.objectivity import objectivity_flags, objectivity_summary


def _vpr(year, school, n=20, mean=None, marks=None, lcr=(2, 16, 2), grade=5, subject="Математика"):
    row = dict(year=year, exam="ВПР", subject=subject, grade=grade, school_id=school, participants=n, mean=mean,
               lowered=lcr[0], confirmed=lcr[1], raised=lcr[2])
    if marks:
        row.update(mark2=marks[0], mark3=marks[1], mark4=marks[2], mark5=marks[3])
    return row


def _oge(year, school, mean, n=20):
    return dict(year=year, exam="ОГЭ", subject="Математика", grade=9, school_id=school, participants=n, mean=mean)


def _frame(rows):
    df = pd.DataFrame(rows)
    for c in df.columns:
        if c in ("participants", "grade", "lowered", "confirmed", "raised", "mark2", "mark3", "mark4", "mark5"):
            df[c] = df[c].astype("Int64")
    return df


def _flags(rows, year=2024):
    return objectivity_flags(_frame(rows), year).set_index(["school_id", "year"])


def test_confirmation_and_raised_shares():
    rows = [_vpr(2024, "a", lcr=(2, 12, 6)), _vpr(2024, "b", lcr=(2, 16, 2)), _vpr(2024, "c", lcr=(1, 16, 3)),
            _vpr(2024, "d", lcr=(3, 14, 3))]
    f = _flags(rows)
    a = f.loc[("a", 2024)]
    assert (a["lowered_pct"], a["confirmed_pct"], a["raised_pct"]) == (pytest.approx(10), pytest.approx(60),
                                                                         pytest.approx(30))
    assert a["flags"] == ["low_confirmation", "high_raised"] and bool(a["flagged"])
    assert "подтвердили отметку 60,0\u00a0% участников (порог — не менее 70\u00a0%)" in a["reason"]
    assert "повысили отметку 30,0\u00a0%" in a["reason"]
    assert a["reason"].startswith("ВПР, Математика, 5 класс, 2024: ")
    assert f.loc[("b", 2024), "flags"] == [] and f.loc[("b", 2024), "reason"] == ""
    # exactly 70 % confirmed and exactly 15 % raised are not flagged
    assert f.loc[("d", 2024), "confirmed_pct"] == pytest.approx(70) and f.loc[("d", 2024), "flags"] == []
    assert f.loc[("c", 2024), "raised_pct"] == pytest.approx(15) and f.loc[("c", 2024), "flags"] == []


def test_small_groups_are_not_flagged():
    f = _flags([_vpr(2024, "a", n=6, lcr=(0, 3, 3)), _vpr(2024, "b")])
    assert bool(f.loc[("a", 2024), "small_n"]) is True
    assert f.loc[("a", 2024), "confirmed_pct"] == pytest.approx(50)
    assert not f.loc[("a", 2024), "flagged"]


def _above_rows(oge_a):
    means = {"a": 4.6, "b": 3.5, "c": 3.5, "d": 3.4, "e": 3.5}
    rows = [_vpr(2024, s, mean=m) for s, m in means.items()]
    rows += [_oge(2024, s, m) for s, m in {"a": oge_a, "b": 3.8, "c": 3.8, "d": 3.6, "e": 3.8}.items()]
    return rows


def test_vpr_far_above_district_while_oge_is_not():
    f = _flags(_above_rows(oge_a=3.2))
    a = f.loc[("a", 2024)]
    # district 3.7; between-school SD √(1.02/5); z = 0.9 / 0.4517 = 1.99
    assert a["district_mean"] == pytest.approx(3.7)
    assert a["between_sd"] == pytest.approx(math.sqrt(1.02 / 5))
    assert a["z_district"] == pytest.approx(0.9 / math.sqrt(1.02 / 5))
    assert a["oge_score"] < 0
    assert a["flags"] == ["above_district_vs_oge"]
    assert "выше районной (3,70) на 2,0 межшкольных ст. откл." in a["reason"]
    # the same ВПР with a strong ОГЭ is not suspicious
    f = _flags(_above_rows(oge_a=4.4))
    assert f.loc[("a", 2024), "oge_score"] > 0 and f.loc[("a", 2024), "flags"] == []


def test_vpr_above_district_without_oge_is_not_judged():
    rows = [r for r in _above_rows(oge_a=3.2) if not (r["exam"] == "ОГЭ" and r["school_id"] == "a")]
    f = _flags(rows)
    assert pd.isna(f.loc[("a", 2024), "oge_score"]) and f.loc[("a", 2024), "flags"] == []


def test_year_over_year_jump():
    rows = [_vpr(2023, s, mean=m) for s, m in {"a": 3.5, "b": 3.5, "c": 3.5, "d": 3.4, "e": 3.5}.items()]
    rows += _above_rows(oge_a=4.4)  # 2024: a 4.6 (+1.1), strong ОГЭ so only the jump can fire
    f = _flags(rows)
    a = f.loc[("a", 2024)]
    assert a["prev_mean"] == pytest.approx(3.5) and a["jump"] == pytest.approx(1.1)
    assert a["flags"] == ["jump"]  # 1.1 > 2 · 0.4517
    assert "рост средней отметки за год 3,50 → 4,60 (+1,10 при пороге 2,0 ст. откл. района = 0,90)" in a["reason"]
    assert f.loc[("b", 2024), "flags"] == []
    # a fall of the same size is not a sign of inflated marks
    rows = [_vpr(2023, s, mean=m) for s, m in {"a": 4.6, "b": 3.5, "c": 3.5, "d": 3.4, "e": 3.5}.items()]
    rows += [_vpr(2024, s, mean=m) for s, m in {"a": 3.5, "b": 4.6, "c": 3.5, "d": 3.4, "e": 3.5}.items()]
    rows += [_oge(2024, s, 3.8) for s in "abcde"]
    f = _flags(rows)
    assert "jump" not in f.loc[("a", 2024), "flags"]


def _spike_rows(s_marks):
    rows = [_vpr(2024, "s", marks=s_marks)]
    rows += [_vpr(2024, k, marks=(3, 7, 7, 3)) for k in "abcd"]
    return rows


def test_spike_just_above_the_pass_mark():
    f = _flags(_spike_rows((0, 16, 3, 1)))
    s = f.loc[("s", 2024)]
    # district: «3» 44 of 100, «2» 12 of 100
    assert s["mark3_pct"] == pytest.approx(80) and s["district_mark3_pct"] == pytest.approx(44)
    assert s["mark2_pct"] == 0 and s["district_mark2_pct"] == pytest.approx(12)
    assert s["flags"] == ["cut_spike"]
    assert "«3» получили 80,0\u00a0% (по району 44,0\u00a0%)" in s["reason"]
    assert f.loc[("a", 2024), "flags"] == []
    # with «2» present the pattern is not a spike
    assert _flags(_spike_rows((3, 14, 2, 1))).loc[("s", 2024), "flags"] == []


def test_years_flagged_and_summary():
    bad, good = (2, 12, 6), (2, 16, 2)
    rows = [_vpr(2022, "a", lcr=bad), _vpr(2023, "a", lcr=good), _vpr(2024, "a", lcr=bad),
            _vpr(2024, "a", lcr=bad, subject="Русский язык"), _vpr(2024, "b", lcr=good),
            _vpr(2022, "b", lcr=good), _vpr(2023, "b", lcr=good)]
    df = objectivity_flags(_frame(rows), 2024)
    a24 = df[(df["school_id"] == "a") & (df["year"] == 2024)]
    assert a24["years_flagged"].tolist() == [2, 2]
    assert df[(df["school_id"] == "a") & (df["year"] == 2022)]["years_flagged"].tolist() == [1]
    s = objectivity_summary(df, 2024).set_index("school_id")
    assert s.loc["a", "n_flagged_rows"] == 2 and s.loc["a", "years_flagged"] == 2
    assert s.loc["a", "flags"] == ["high_raised", "low_confirmation"]
    assert "ВПР, Русский язык, 5 класс, 2024" in s.loc["a", "reasons"]
    assert s.loc["b", "n_flagged_rows"] == 0 and s.loc["b", "reasons"] == ""
    assert list(s.index) == ["a", "b"]
    # rows after the asked year are not included
    assert objectivity_flags(_frame(rows), 2023)["year"].max() == 2023


def test_schools_without_vpr_have_no_rows():
    rows = [_vpr(2024, "a"), _oge(2024, "o", 3.5)]
    df = objectivity_flags(_frame(rows), 2024)
    assert df["school_id"].tolist() == ["a"]
    empty = objectivity_flags(_frame([_oge(2024, "o", 3.5)]), 2024)
    assert empty.empty and "flags" in empty.columns
    assert objectivity_summary(empty, 2024).empty
