"""Is an explanation rendered as label, headline and bullets, with file strings shown exactly as written?"""
from __future__ import annotations

import pandas as pd

from metrics.explain import Explanation, Point, Quantity
from ui.reasons import details_frame, explanation_markdown, full_text, headline, point_markdown
from ui.safe import md as md_escape

NB = "\u00a0"
HOSTILE = "Русский язык. Часть 1 [ссылка](http://x) **жирный** :red[красный] $x$"


def test_file_strings_are_escaped_not_interpreted():
    p = Point("{0}: средняя отметка {1}", (HOSTILE, Quantity(3.5, "mark")))
    md = point_markdown(p)
    # every Markdown, directive and math character of the subject comes escaped; our template text does not
    for ch in "[]()*:$":
        assert f"\\{ch}" in md
    assert md.endswith(": средняя отметка 3,50")
    assert md_escape("a\nb") == "a b"


def test_markdown_has_label_headline_and_bullets_in_order():
    e = Explanation(Point("Низкие результаты {0} из {1} последних лет", (Quantity(2, "years"), "3")),
                    (Point("{0}: ниже минимума {1}", ("ОГЭ", Quantity(65.0, "%"))),
                     Point("{0}: ниже минимума {1}", ("ВПР", Quantity(42.0, "%")))),
                    (Point("Оговорка"),))
    md = explanation_markdown("ШНОР", e, "2025, 2026")
    lines = md.split("\n")
    assert lines[0] == f"**ШНОР.** Низкие результаты 2{NB}года из 3 последних лет. Годы: 2025, 2026."
    assert lines[2:] == [f"- ОГЭ: ниже минимума 65,0{NB}%", f"- ВПР: ниже минимума 42,0{NB}%"]
    assert headline(e) == f"Низкие результаты 2{NB}года из 3 последних лет"
    assert full_text(e).endswith("Оговорка.")
    assert headline(None) == "" and full_text(float("nan")) == ""


def test_more_than_eight_points_are_cut_with_a_count():
    e = Explanation(Point("Заголовок"), tuple(Point("пункт {0}", (str(i),)) for i in range(11)))
    md = explanation_markdown("Флаг", e)
    assert md.count("\n- ") == 9 and md.endswith("- … и ещё 3 (подробнее ниже)")


def test_details_frame_writes_numbers_the_russian_way():
    t = pd.DataFrame({"Год": [2026, 2025], "Процедура": ["ОГЭ", "ВПР"], "Сводный балл": [-1.234, 0.5],
                      "Ниже минимума, %": [65.0, 32.71], "Участников": [10.0, 46.0]})
    d = details_frame(t)
    assert d["Год"].tolist() == ["2026", "2025"]
    assert d["Сводный балл"].tolist() == ["\u22121,23", "0,50"]
    assert d["Ниже минимума, %"].tolist() == [f"65,0{NB}%", f"32,7{NB}%"]
    assert d["Участников"].tolist() == ["10", "46"]
    assert details_frame(None).empty
