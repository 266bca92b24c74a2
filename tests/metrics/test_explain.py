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
