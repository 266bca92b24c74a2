"""School rankings: ties, rank change, low reliability, 3:2:1 average, composite, ВПР refusal."""
import numpy as np
import pandas as pd
import pytest

from metrics.explain import render
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
    assert r.loc["a", "participants"] == 20  # the largest component's participants


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


def test_composite_is_weighted_by_participants_and_drops_small_components():
    rows = []
    for s, ege, oge, n_oge in (("a", 70.0, 3.5, 20), ("b", 60.0, 4.5, 20), ("c", 50.0, 4.0, 4), ("d", 55.0, 4.0, 20)):
        rows.append(_row(2024, "ЕГЭ", "Русский язык", s, 60, ege))
        rows.append(_row(2024, "ОГЭ", "Математика", s, n_oge, oge))
    r = rank_schools(pd.DataFrame(rows), 2024, settings={"ranking": {"composite_below_share": False}}).set_index(
        "school_id")
    # c's ОГЭ has 4 participants: dropped from c's composite and from the others' percentiles.
    # ЕГЭ: a 100, b 66,7, d 33,3, c 0; ОГЭ among a, b, d: a 0, d 50, b 100; weights 60 and 20:
    # a (60·100 + 20·0) / 80 = 75; b (60·66,7 + 20·100) / 80 = 75; d (60·33,3 + 20·50) / 80 = 37,5; c 0
    assert r.loc["a", "value"] == pytest.approx(75.0)
    assert r.loc["b", "value"] == pytest.approx(75.0)
    assert r.loc["d", "value"] == pytest.approx(37.5)
    assert r.loc["c", "value"] == pytest.approx(0.0) and r.loc["c", "n_measures"] == 1
    assert r.loc["c", "excluded"] == ["ОГЭ · Математика · средний результат (меньше 10 участников)"]
    assert "не учтены результаты, где меньше 10\u00a0участников: ОГЭ · Математика" in render(r.loc["c", "explanation"])


def test_counts_are_divided_by_graduates_or_left_out():
    names = {"grads": "Число выпускников 11 классов", "medals": "Награждены медалью", "pct": "Доля участников ВсОШ, %"}
    units = {"grads": "чел.", "medals": "чел.", "pct": "%"}
    indicators = pd.DataFrame([dict(indicator_id=i, name=n, unit=units[i], direction="higher") for i, n in names.items()])
    facts = {"a": (100, 5, 10.0), "b": (10, 3, 20.0), "c": (50, 5, 30.0)}
    values = pd.DataFrame([dict(indicator_id=i, school_id=s, year=2024, kind="fact", value=v)
                           for s, vs in facts.items() for i, v in zip(names, vs)])
    r = rank_schools(None, 2024, values=values, indicators=indicators).set_index("school_id")
    # medals per graduate: a 5 %, b 30 %, c 10 % — b's 3 medals beat a's 5; the number of graduates is not a merit
    assert r.loc["b", "components"]["Награждены медалью — доля выпускников, %"] == 100.0
    assert r.loc["a", "components"]["Награждены медалью — доля выпускников, %"] == 0.0
    assert "Число выпускников 11 классов" not in r.loc["a", "components"]
    assert any("Число выпускников" in e for e in r.loc["a", "excluded"])
    with pytest.raises(ValueError, match="количество"):
        rank_schools(None, 2024, by="indicator", indicator_id="grads", values=values, indicators=indicators)


def test_separate_lists_per_school_type():
    rows = [_row(2024, "ЕГЭ", "Русский язык", s, 30, m) for s, m in (("a", 70.0), ("b", 60.0), ("g", 80.0))]
    rows += [_row(2024, "ОГЭ", "Русский язык", s, 30, m) for s, m in (("a", 4.0), ("b", 3.5), ("g", 4.5),
                                                                      ("o1", 3.0), ("o2", 3.2), ("o3", 4.9))]
    schools = pd.DataFrame({"school_id": ["a", "b", "g", "o1", "o2", "o3"],
                            "type": ["СОШ", "СОШ", "гимназия", "ООШ", "ООШ", "ООШ"]})
    r = rank_schools(pd.DataFrame(rows), 2024, schools=schools, settings={"ranking": {"composite_below_share": False}})
    lists = {g: d["school_id"].tolist() for g, d in r.groupby("type_group")}
    assert lists == {"Основные школы": ["o3", "o2", "o1"], "Средние школы": ["g", "a", "b"]}
    assert r.set_index("school_id").loc["o3", "rank"] == 1 and r.set_index("school_id").loc["g", "rank"] == 1
    assert set(r["n_in_group"]) == {3}
    one_list = rank_schools(pd.DataFrame(rows), 2024, schools=schools,
                            settings={"ranking": {"by_type": False, "composite_below_share": False}})
    assert set(one_list["type_group"]) == {"Все школы"} and len(one_list) == 6


def test_rank_intervals_and_arrows_only_beyond_chance():
    # six schools 30 pupils apart by 1 point (se 15 / √30 = 2,7): places swap by chance, intervals are wide;
    # school z is 20 points above everyone and stays first with certainty
    rows = []
    for y, shift in ((2023, 0.0), (2024, 1.0)):
        for i, s in enumerate("abcdef"):
            m = 60.0 + (i if y == 2023 else 5 - i)  # the order reverses: a was last, is first
            rows.append(_row(y, "ЕГЭ", "Русский язык", s, 30, m))
        rows.append(_row(y, "ЕГЭ", "Русский язык", "z", 200, 85.0))
    r = rank_schools(pd.DataFrame(rows), 2024, by="exam", exam="ЕГЭ", subject="Русский язык").set_index("school_id")
    assert (r.loc["z", "rank_low"], r.loc["z", "rank_high"]) == (1, 1)
    assert r.loc["a", "rank"] == 2 and r.loc["a", "prev_rank"] == 7 and r.loc["a", "rank_change"] == 5
    assert r.loc["a", "rank_high"] - r.loc["a", "rank_low"] >= 3          # a wide interval
    assert r.loc["a", "rank_moved"] == 0                                  # «+5 мест» is within chance
    assert (r["rank_low"] <= r["rank"]).all() and (r["rank"] <= r["rank_high"]).all()
    assert r.loc["a", "value_se"] == pytest.approx(15 / 30 ** 0.5)
    # the same data twice gives the same intervals (fixed seed)
    again = rank_schools(pd.DataFrame(rows), 2024, by="exam", exam="ЕГЭ", subject="Русский язык").set_index("school_id")
    assert again["rank_low"].equals(r["rank_low"])
    # a real move: b climbs from 60 to 95 with 200 pupils
    rows2 = [dict(x) for x in rows]
    for x in rows2:
        if x["school_id"] == "b":
            x["participants"] = 200
            x["mean"] = 40.0 if x["year"] == 2023 else 95.0
    m = rank_schools(pd.DataFrame(rows2), 2024, by="exam", exam="ЕГЭ", subject="Русский язык").set_index("school_id")
    assert m.loc["b", "rank"] == 1 and m.loc["b", "rank_moved"] == 1
    assert "сверх случайных колебаний" in str(m.loc["b", "explanation"].points[1].template)


def _draw_ranks_reference(M, SE, W, B, rng):
    """The composite bootstrap written plainly (schools sorted along a strided axis): the reference the
    faster layout of `_draw_ranks` must reproduce exactly."""
    S, K = M.shape
    X = M[None, :, :] + np.nan_to_num(SE)[None, :, :] * rng.standard_normal((B, S, K))
    valid = ~np.isnan(M)
    cnt = valid.sum(axis=0)
    order = np.argsort(np.where(valid[None], X, np.inf), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(S)[None, :, None], axis=1)
    scale = np.where(cnt > 1, 100.0 / np.maximum(cnt - 1, 1), 0.0)
    Wv = np.where(valid, W, 0.0)
    value = (np.einsum("bsk,k,sk->bs", ranks.astype(np.float32), scale.astype(np.float32), Wv.astype(np.float32))
             + (Wv * np.where(cnt > 1, 0.0, 50.0)).sum(axis=1)[None]) / Wv.sum(axis=1)[None]
    order = np.argsort(-value, axis=1)
    r = np.empty_like(order)
    np.put_along_axis(r, order, np.arange(1, S + 1)[None, :].repeat(B, 0), axis=1)
    return (np.quantile(r, 0.025, axis=0, method="inverted_cdf"), np.quantile(r, 0.975, axis=0, method="inverted_cdf"),
            value.std(axis=0))


def test_composite_bootstrap_is_exactly_the_plain_computation():
    """Ties (equal values without a standard error), absent measures and a measure only one school has."""
    from metrics.ranking import _draw_ranks

    rng = np.random.default_rng(7)
    S, K = 40, 6
    M = np.round(rng.normal(size=(S, K)), 1)
    M[rng.random((S, K)) < 0.3] = np.nan
    M[1:, 5] = np.nan  # only school 0 has measure 5
    SE = np.abs(rng.normal(size=(S, K))) * 0.2
    SE[rng.random((S, K)) < 0.5] = np.nan  # no error: draws tie on equal values
    W = rng.random((S, K)) + 0.1
    got = _draw_ranks(M, SE, W, True, 60, np.random.default_rng(11))
    want = _draw_ranks_reference(M, SE, W, 60, np.random.default_rng(11))
    for g, w in zip(got, want):
        assert np.array_equal(g, w, equal_nan=True)
