"""Do point labels on the funnel and the context scatter keep clear of each other?"""
from __future__ import annotations

from ui.charts import label_positions

RANGE = dict(x_range=(0, 100), y_range=(0, 100), width_px=500, height_px=400)


def test_a_lone_point_is_labelled_above():
    assert label_positions([50], [50], ["Лицей"], **RANGE) == ["top center"]


def test_two_close_points_get_different_places():
    # 1 unit apart = 5 px: the second label cannot sit above too
    pos = label_positions([50, 51], [50, 50], ["СОШ № 1", "СОШ № 4"], **RANGE)
    assert pos[0] == "top center"
    assert pos[1] not in ("", "top center")


def test_point_at_the_top_edge_is_labelled_below():
    assert label_positions([50], [99], ["Гимназия № 1"], **RANGE) == ["bottom center"]


def test_no_room_leaves_the_label_off_and_order_decides_who_keeps_it():
    xs, ys = [50] * 9, [50] * 9  # nine schools on one spot: at most eight places around it
    names = [f"Школа {i}" for i in range(9)]
    pos = label_positions(xs, ys, names, **RANGE)
    assert pos.count("") >= 1 and pos[0] == "top center"
    first = label_positions([50, 50], [50, 50], ["Ключевская НОШ", "Лицей"], order=[1, 0], **RANGE)
    assert first[1] == "top center"


def test_empty_and_missing_points_get_no_label():
    assert label_positions([10, float("nan")], [10, 20], ["", "Лицей"], **RANGE) == ["", ""]
