"""School rankings: ties, rank change, low reliability, 3:2:1 average, composite, ВПР refusal."""
import pandas as pd
import pytest

from metrics.ranking import percentile_ranks, rank_schools


def _row(year, exam, subject, school, n, mean, below=None, grade=None):
    return dict(year=year, exam=exam, subject=subject, grade=grade or (11 if exam == "ЕГЭ" else 9),
                school_id=school, participants=n, mean=mean, below_min=below)


def _ege():
    return pd.DataFrame([
        _row(2024, "ЕГЭ", "Русский язык", "a", 30, 60.0),
        _row(2024, "ЕГЭ", "Русский язык", "b", 30, 60.0),
        _row(2024, "ЕГЭ", "Русский язык", "c", 8, 50.0),
        _row(2023, "ЕГЭ", "Русский язык", "a", 30, 55.0),
        _row(2023, "ЕГЭ", "Русский язык", "b", 30, 65.0),
        _row(2023, "ЕГЭ", "Русский язык", "c", 8, 40.0),
        _row(2022, "ЕГЭ", "Русский язык", "a", 30, 50.0),
    ])


def test_exam_ranking_ties_change_reliability_and_avg3():
    r = rank_schools(_ege(), 2024, by="exam", exam="ЕГЭ", subject="Русский язык").set_index("school_id")
    assert r.loc["a", "rank"] == 1 and r.loc["b", "rank"] == 1 and r.loc["c", "rank"] == 3  # ties: method "min"
    assert r.loc["a", "prev_rank"] == 2 and r.loc["a", "rank_change"] == 1  # moved up
    assert r.loc["b", "rank_change"] == 0
    assert r.loc["c", "prev_rank"] == 3 and r.loc["c", "rank_change"] == 0
    assert bool(r.loc["c", "low_reliability"]) is True and bool(r.loc["a", "low_reliability"]) is False
    # a: (3·60 + 2·55 + 1·50) / 6
    assert r.loc["a", "avg3"] == pytest.approx(340 / 6)
    assert r.loc["a", "n_years"] == 3
    # b: 2022 missing -> weights 3:2 renormalised
    assert r.loc["b", "avg3"] == pytest.approx((3 * 60 + 2 * 65) / 5)


def test_avg3_with_a_missing_middle_year():
    df = pd.DataFrame([_row(2024, "ЕГЭ", "Русский язык", "a", 30, 60.0),
                       _row(2022, "ЕГЭ", "Русский язык", "a", 30, 50.0)])
    r = rank_schools(df, 2024, by="exam", exam="ЕГЭ", subject="Русский язык").iloc[0]
    assert r["avg3"] == pytest.approx((3 * 60 + 1 * 50) / 4)
    assert r["n_years"] == 2
    assert pd.isna(r["prev_rank"])


def test_below_share_ranking_lower_is_better():
    df = pd.DataFrame([_row(2024, "ЕГЭ", "Русский язык", "a", 20, 60.0, below=4),
                       _row(2024, "ЕГЭ", "Русский язык", "b", 20, 55.0, below=1)])
    r = rank_schools(df, 2024, by="exam", exam="ЕГЭ", subject="Русский язык", measure="below_share")
    assert r["school_id"].tolist() == ["b", "a"]
    assert r["value"].tolist() == pytest.approx([5.0, 20.0])


def test_vpr_ranking_is_refused_in_russian():
    df = pd.DataFrame([_row(2024, "ВПР", "Математика", "a", 20, 4.0, grade=5)])
    with pytest.raises(ValueError, match="ВПР"):
        rank_schools(df, 2024, by="exam", exam="ВПР", subject="Математика")
    with pytest.raises(ValueError, match="Рособнадзор"):
        rank_schools(df, 2024, measures=["ВПР|Математика|mean"])
    with pytest.raises(ValueError, match="ВПР"):
        rank_schools(df, 2024, settings={"ranking": {"composite_exams": ["ЕГЭ", "ВПР"]}})


def test_percentile_ranks_direction_and_ties():
    v = pd.Series([10.0, 20.0, 20.0, 40.0])
    keys = pd.Series(["m"] * 4)
    assert percentile_ranks(v, keys, True).tolist() == pytest.approx([0.0, 50.0, 50.0, 100.0])
    assert percentile_ranks(v, keys, False).tolist() == pytest.approx([100.0, 50.0, 50.0, 0.0])


def _composite_data():
    rows = []
    for s, ege, oge, below in (("a", 70.0, 4.0, 0), ("b", 60.0, 4.5, 2), ("c", 50.0, 3.5, 4)):
        rows.append(_row(2024, "ЕГЭ", "Русский язык", s, 20, ege, below=below))
        rows.append(_row(2024, "ОГЭ", "Математика", s, 20, oge))
        # ВПР would put c first: it must not count
        rows.append(_row(2024, "ВПР", "Математика", s, 20, {"a": 3.0, "b": 3.2, "c": 4.9}[s], grade=5))
    return pd.DataFrame(rows)


def test_composite_hand_computed_and_excludes_vpr():
    r = rank_schools(_composite_data(), 2024).set_index("school_id")
    # percentiles: ЕГЭ mean a100 b50 c0; ЕГЭ below (lower better) a100 b50 c0; ОГЭ mean a50 b100 c0
    assert r.loc["a", "value"] == pytest.approx(250 / 3)
    assert r.loc["b", "value"] == pytest.approx(200 / 3)
    assert r.loc["c", "value"] == pytest.approx(0.0)
    assert r.loc["a", "rank"] == 1 and r.loc["c", "rank"] == 3
    assert r.loc["a", "n_measures"] == 3
    assert not any("ВПР" in k for k in r.loc["a", "components"])
    assert r.loc["b", "components"]["ОГЭ · Математика · средний результат"] == 100.0
    assert r.loc["a", "participants"] == 40  # ЕГЭ cohort 20 + ОГЭ cohort 20


def test_composite_with_lower_is_better_indicator():
    values = pd.DataFrame([
        dict(indicator_id="drop", school_id=s, year=2024, kind="fact", value=v)
        for s, v in (("a", 9.0), ("b", 1.0), ("c", 5.0))
    ] + [dict(indicator_id="drop", school_id=None, year=2024, kind="fact", value=4.0)])
    indicators = pd.DataFrame([dict(indicator_id="drop", name="Доля отчисленных", direction="lower")])
    r = rank_schools(_composite_data(), 2024, values=values, indicators=indicators).set_index("school_id")
    # indicator percentiles (lower better): a0 b100 c50
    assert r.loc["a", "value"] == pytest.approx(250 / 4)
    assert r.loc["b", "value"] == pytest.approx(300 / 4)
    assert r.loc["c", "value"] == pytest.approx(50 / 4)
    assert r.loc["b", "rank"] == 1
    assert r.loc["c", "components"]["Доля отчисленных"] == 50.0
    only = rank_schools(_composite_data(), 2024, values=values, indicators=indicators, measures=["indicator:drop"])
    assert only["school_id"].tolist() == ["b", "c", "a"]


def test_indicator_ranking_direction():
    values = pd.DataFrame([dict(indicator_id="q", school_id=s, year=2024, kind="fact", value=v)
                           for s, v in (("a", 40.0), ("b", 55.0))])
    r = rank_schools(None, 2024, by="indicator", indicator_id="q", values=values)
    assert r["school_id"].tolist() == ["b", "a"]
    assert not r["low_reliability"].any()


def test_measure_needs_enough_schools():
    df = pd.DataFrame([_row(2024, "ЕГЭ", "Физика", "a", 20, 70.0), _row(2024, "ЕГЭ", "Физика", "b", 20, 50.0)])
    assert rank_schools(df, 2024).empty  # two schools < min_schools_per_measure (3)
    r = rank_schools(df, 2024, settings={"ranking": {"min_schools_per_measure": 2}})
    assert r["school_id"].tolist() == ["a", "b"]
