"""Do tables show long texts whole (wide, wrapped) and keep the long explanations for the Excel file?"""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import streamlit as st

from ui import format as fmt
from ui import safe
from ui.tables import (CELL_PAD, CHARS_PER_LINE, FULL, HEAD_PAD, MIN_TEXT, WIDE, WRAP_ROW_HEIGHT, download_frame,
                       excel_bytes, fit, layout, text_px)

TITLE = "Распространение опыта МКОУ «Родниковская СОШ» (устойчивые результаты в сложном контексте)"


def _cfg(*names):
    return {n: st.column_config.Column(n) for n in names}


def test_long_text_column_takes_the_room_and_a_short_table_wraps_when_there_is_none():
    view = pd.DataFrame({"number": ["3.2.3", "1.3"], "title": [TITLE, "Разработка модели"]})
    # the short column is as wide as its header «number»: 6 lower-case letters × 7,6 px + 30 px around it
    number = int(6 * 7.6 + HEAD_PAD)
    assert number == 75
    # room enough on the page: the title takes its whole width, on one line (first WIDE, then the room left)
    config, row_height, height = layout(view, _cfg("number", "title"))
    assert config["title"]["width"] == int(text_px(TITLE) + CELL_PAD) > WIDE
    assert config["number"]["width"] == number and row_height is None
    # in 500 px the title gets what is left and wraps over three lines; every row is shown
    config, row_height, height = layout(view, _cfg("number", "title"), budget=500)
    assert config["title"]["width"] == int(500 - (6 * 7.6 + HEAD_PAD)) == 424  # the rest, rounded down
    assert len(TITLE) > CHARS_PER_LINE
    assert row_height == WRAP_ROW_HEIGHT > 64  # Streamlit wraps only above 4rem
    assert height == 38 + 2 * WRAP_ROW_HEIGHT  # every row shown, no inner scrolling


def test_a_set_width_gives_way_to_the_text_when_there_is_room_and_long_tables_do_not_wrap():
    view = pd.DataFrame({"title": [TITLE] * 40})
    cfg = {"title": st.column_config.TextColumn("Мероприятие", width=560)}
    config, row_height, height = layout(view, cfg)
    assert config["title"]["width"] == int(text_px(TITLE) + CELL_PAD)  # 560 would cut it; the page has room
    assert row_height is None and height == "auto"
    config, row_height, height = layout(view, {"title": st.column_config.TextColumn("Мероприятие", width=560)},
                                        budget=400)
    assert config["title"]["width"] == 400 and row_height is None  # 40 rows: cut with «…», not wrapped
    short = pd.DataFrame({"title": ["Мониторинг социального паспорта школ"]})
    assert layout(short, _cfg("title"))[1] is None
    assert layout(pd.DataFrame({"title": [TITLE]}), _cfg("title"), wrap=False)[1] is None


def test_a_wide_table_fits_the_page_and_long_texts_give_way_first():
    # a long name and four short numbers — at 1366 px the table must not scroll sideways
    view = pd.DataFrame({"name": [TITLE, "Гимназия № 1"], **{f"n{i}": ["12,5 %", "7,0 %"] for i in range(4)}})
    cfg = {"name": st.column_config.TextColumn("Школа"),
           **{f"n{i}": st.column_config.Column(f"Доля участников {i}") for i in range(4)}}
    config, cut = fit(view, dict(cfg), budget=FULL)
    widths = {c: config[c]["width"] for c in view.columns}
    assert sum(widths.values()) <= FULL
    # the short columns keep their header: «Доля участников 0» = 1 capital, 13 letters, 2 spaces, 1 digit
    head = 8.8 + 13 * 7.6 + 2 * 4.4 + 7.2 + HEAD_PAD
    assert all(widths[f"n{i}"] == int(head) == 153 for i in range(4))
    assert widths["name"] == int(FULL - 4 * head) == 275  # what is left goes to the name, which wraps
    assert widths["name"] >= MIN_TEXT and cut == {"name"}


def test_when_even_the_floors_do_not_fit_every_column_gives_way():
    view = pd.DataFrame({f"Показатель {i}": ["1"] for i in range(12)})
    config, _ = fit(view, {}, budget=600)
    assert sum(config[c]["width"] for c in view.columns) <= 600
    assert text_px("Показатель 1") + HEAD_PAD > 600 / 12  # the headers do not fit: every column narrows alike
    assert {config[c]["width"] for c in view.columns} == {50}  # 600 / 12


def test_true_minus_sign_in_numbers_for_people():
    assert fmt.num(-1.5, 1) == "−1,5"
    assert fmt.pct(-160, 0) == "−160\u00a0%"
    assert fmt.value(-3.24, "%") == "−3,2\u00a0%"
    assert fmt.num(2.5, 1) == "2,5"


def test_excel_file_has_the_russian_headers():
    data = excel_bytes(pd.DataFrame({"Мероприятие": [TITLE], "Пояснение": ["=1+1"]}))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == ["Мероприятие", "Пояснение"]
    assert ws["B2"].value == "'=1+1"  # never a formula


def test_download_only_columns_go_to_the_excel_file():
    df = pd.DataFrame({"name": ["Доля выпускников, %"], "fact_text": ["2,8 %"], "reason": ["Факт 2,8 % при плане 0,4 %"],
                       "status": ["missed"]})
    cols = {"name": st.column_config.TextColumn("Показатель", width=330), "fact_text": "Факт"}
    out = download_frame(df, cols, {"reason": "Пояснение"})
    assert list(out.columns) == ["Показатель", "Факт", "Пояснение"]
    assert out.iloc[0].tolist() == ["Доля выпускников, %", "2,8 %", "Факт 2,8 % при плане 0,4 %"]
    assert list(download_frame(df, cols).columns) == ["Показатель", "Факт"]


def test_indicators_page_keeps_reasons_for_the_excel_file_only(shared_store, run_page):
    from tests.pages.conftest import no_exception, table_with

    at = run_page("indicators", year=2026)
    no_exception(at)
    table = table_with(at, "name", "status_label", "plan_text", "fact_text")
    assert "reason" not in table.columns  # the words repeat the numbers beside them


def test_key_figure_change_that_rounds_to_zero_is_grey_zero():
    assert fmt.metric_delta(0.004, "отметка") == "0"   # not «+0,00» with a green arrow
    assert fmt.metric_delta(-0.65, "балл") == "-0,65"  # Streamlit colours by the ASCII minus
    assert fmt.metric_delta(0.3, "%") == "+0,3\u00a0п.\u00a0п."


def test_whole_number_without_unit_is_a_count():
    assert fmt.value(4.0) == "4"
    assert fmt.value(3.65) == "3,65"
    assert fmt.value(4.0, "отметка") == "4,00"


def test_ege_scores_have_one_decimal_marks_two():
    assert fmt.value(70.64, "балл") == "70,6"   # ЕГЭ, 100-point scale
    assert fmt.value(3.876, "балл") == "3,88"   # a mark 2–5 called «балл» in a heading
    assert fmt.digits_for("балл", 70.64) == 1
    assert fmt.change(-0.65, "балл", fmt.digits_for("балл", 70.64)) == "−0,7"


def test_a_long_table_leaves_its_other_columns_to_the_excel_file(tmp_path):
    """«Все столбцы» is an expander whose table is sent and drawn even folded: over ALL_COLUMNS_MAX_ROWS rows the
    table shows its own columns and says the rest are in the Excel file, which has them all."""
    from streamlit.testing.v1 import AppTest

    from ui.tables import ALL_COLUMNS_MAX_ROWS

    assert ALL_COLUMNS_MAX_ROWS == 1000

    def script(rows: int) -> None:
        import pandas as pd

        from ui.tables import show_table

        df = pd.DataFrame({"school": [f"Школа {i}" for i in range(rows)], "mean": [3.5] * rows,
                           "sd": [0.8] * rows, "n": [25] * rows})
        show_table(df, {"school": "Школа", "mean": "Средняя"}, more={"sd": "СКО", "n": "Участников"},
                   what=("проба",), key="t")

    long = AppTest.from_function(script, args=(1001,)).run()
    assert len(long.dataframe) == 1 and not long.expander
    assert long.dataframe[0].value.shape == (1001, 2)
    assert [c.value for c in long.caption] == ["Ещё 2 столбца — в файле Excel: в таблице больше 1\u00a0000 строк."]
    short = AppTest.from_function(script, args=(1000,)).run()
    assert len(short.dataframe) == 2 and short.expander[0].label == "Все столбцы (4)"
    assert short.dataframe[1].value.shape == (1000, 4) and not short.caption


def test_a_short_static_table_is_a_plain_table_with_russian_headers_and_its_colours(tmp_path):
    from streamlit.testing.v1 import AppTest

    from ui.tables import STATIC_MAX_ROWS

    def script(rows: int) -> None:
        import pandas as pd

        from ui.indicator_view import status_styler
        from ui.tables import show_table

        status = (["missed", "achieved"] * rows)[:rows]
        df = pd.DataFrame({"status_label": ["не достигнут" if s == "missed" else "достигнут" for s in status],
                           "name": [f"Показатель {i} [ссылка](http://x.example)" for i in range(rows)],
                           "status": status})
        show_table(df, {"status_label": "Статус", "name": "Показатель"}, what=("проба",), key="t",
                   styler=status_styler(df["status"]), static=True)

    short = AppTest.from_function(script, args=(STATIC_MAX_ROWS,)).run()
    assert not short.dataframe and len(short.table) == 1
    assert list(short.table[0].value.columns) == ["Статус", "Показатель"]
    # st.table reads its cells as markdown: a file's text is escaped, never a link
    assert short.table[0].value["Показатель"].iloc[0] == safe.md("Показатель 0 [ссылка](http://x.example)")
    styles = short.table[0].proto.arrow_data.styler.styles
    assert "_col0 { background-color: #" in styles and "_col1 {" not in styles  # «Статус» coloured, by its label
    assert len(short.get("download_button")) == 1  # the Excel file stays
    long = AppTest.from_function(script, args=(STATIC_MAX_ROWS + 1,)).run()
    assert not long.table and len(long.dataframe) == 1  # longer: the grid, which scrolls and sorts


def test_per_value_writes_each_distinct_value_once_and_gives_what_map_gives():
    import numpy as np

    calls = []

    def write(v):
        calls.append(v)
        return fmt.value(v, "%", 1)
    s = pd.Series([45.0, np.nan, 45.0, 3.14159, None, 1234.5] * 1000, index=range(10, 6010), dtype=object)
    out = fmt.per_value(s, write)
    assert out.equals(s.map(lambda v: fmt.value(v, "%", 1)))  # the same texts, the same index
    assert out.iloc[:6].tolist() == ["45,0\u00a0%", "—", "45,0\u00a0%", "3,1\u00a0%", "—", "1\u00a0234,5\u00a0%"]
    assert len(calls) == 4  # 45, 3.14159, 1234.5 and once for the missing ones, not 6,000 times
