"""Structured explanations render numbers by unit and never interpret file strings."""
from metrics.explain import Explanation, Point, Quantity, plain, point_text, quantity_text, render

NB = "\u00a0"


def test_units_decide_digits_and_suffix():
    assert quantity_text(Quantity(45, "%")) == f"45,0{NB}%"
    assert quantity_text(Quantity(0.4, "pp", signed=True)) == f"+0,4{NB}п.{NB}п."
    assert quantity_text(Quantity(-1.2, "mark", signed=True)) == "\u22121,20"
    assert quantity_text(Quantity(12.0, "people")) == f"12{NB}чел."
    assert quantity_text(Quantity(4.381, "mark", n=25, low=3.95, high=4.81), with_n=True, with_interval=True) \
        == f"4,38 (3,95–4,81), n{NB}={NB}25"
    assert quantity_text(Quantity(None, "%")) == "—"


def test_file_strings_are_arguments_not_templates():
    subject = "Русский язык. Часть 1 {0} [ссылка](http://x)"
    p = Point("{0}: средняя отметка {1}", (subject, Quantity(3.5, "mark")))
    assert point_text(p) == subject + ": средняя отметка 3,50"


def test_render_joins_sentences():
    e = Explanation(Point("Ниже района"), (Point("доля {0}", (Quantity(30, "%"),)),), (Point("мало работ"),))
    assert render(e) == f"Ниже района. доля 30,0{NB}%. мало работ."
    assert render(plain("Текст {с} скобками")) == "Текст {с} скобками."


def test_a_quantity_with_an_interval_shows_it_in_a_point():
    p = Point("средняя отметка {0}, район {1}", (Quantity(4.381, "mark", 25, 3.95, 4.81), Quantity(3.7, "mark")))
    assert point_text(p) == "средняя отметка 4,38 (3,95–4,81), район 3,70"


def test_counts_agree_with_their_noun_and_zero_has_no_sign():
    assert [quantity_text(Quantity(k, "schools")) for k in (1, 3, 5, 11, 21, 22)] == [
        f"1{NB}школа", f"3{NB}школы", f"5{NB}школ", f"11{NB}школ", f"21{NB}школа", f"22{NB}школы"]
    assert quantity_text(Quantity(2, "years")) == f"2{NB}года" and quantity_text(Quantity(5, "years")) == f"5{NB}лет"
    assert quantity_text(Quantity(6.0, "items")) == f"6{NB}шт."   # never «6,00 шт.»
    assert quantity_text(Quantity(-0.004, "mark")) == "0,00" and quantity_text(Quantity(-0.04, "pp", signed=True)) \
        == f"±0,0{NB}п.{NB}п."
    assert quantity_text(Quantity(0.0, "pp", signed=True)) == f"±0,0{NB}п.{NB}п."
    assert quantity_text(Quantity(3.0, "руб.")) == f"3,0{NB}руб."


def test_a_deferred_explanation_is_made_once_when_first_read_and_is_the_explanation_to_every_reader():
    import copy
    import pickle

    from metrics.explain import Deferred, deferred

    made = []
    e = Explanation(Point("Ниже района: {0}", (Quantity(3.2, "mark"),)), (Point("мало работ"),), extra={"k": 1})

    def make(i):
        made.append(i)
        return e
    rows = deferred(make, [7, 9])
    assert made == []  # nothing made until read
    d = rows[1]
    assert isinstance(d, Explanation) and isinstance(d, Deferred)
    assert render(d) == "Ниже района: 3,20. мало работ." and d.extra == {"k": 1} and d.details is None
    assert d == e and e == d and not (d != e)
    assert made == [9]  # the row asked for, once, though read many times
    assert rows[0] == rows[1] and made == [9, 7]
    for twin in (pickle.loads(pickle.dumps(d)), copy.copy(d), copy.deepcopy(d)):
        assert type(twin) is Explanation and twin == e  # a copy or a pickle (st.cache_data) is the plain explanation
    assert d != Explanation(Point("Другое"))


def test_plan_against_fact_makes_an_explanation_only_for_the_row_that_is_read(monkeypatch):
    import pandas as pd

    from metrics import plan_fact

    calls = []
    real = plan_fact.Explanation
    monkeypatch.setattr(plan_fact, "Explanation", lambda *a, **k: calls.append(a) or real(*a, **k))
    ind = pd.DataFrame([("q", "Доля выпускников", "%", "higher", None, None)],
                       columns=["indicator_id", "name", "unit", "direction", "group", "tolerance"])
    vals = pd.DataFrame([("q", None, y, k, v, None, None) for y in range(2020, 2026) for k, v in (("plan", 45),
                                                                                                   ("fact", 42))],
                        columns=["indicator_id", "school_id", "year", "kind", "value", "low", "high"])
    out = plan_fact.plan_vs_fact(ind, vals)
    assert len(out) == 6 and calls == []
    last = out.loc[out["year"] == 2025, "explanation"].iloc[0]
    assert render(last) == "Не достигнут: факт 42,0\u00a0% при плане 45,0\u00a0%. отклонение \u22123,0\u00a0п.\u00a0п."
    assert len(calls) == 1
