"""Does the head record an interview on the school card, see its state on the next card, and does the district
page list every open commitment by due date? Are the documents one click from «Обзор» and the card?"""
from __future__ import annotations

from datetime import date

import pandas as pd

from store import open_store
from tests.pages.conftest import no_exception, texts


def _store(path):
    return open_store(path=path, seed_folder=path.parent / "_none")


def test_record_on_the_card_then_the_next_card_shows_its_state(sample_store, run_page):
    at = run_page("school", school="kedr", year=2026)
    no_exception(at)
    assert "Договорённостей с прошлых собеседований нет" in texts(at)
    at.date_input(key="iv_held").set_value(date(2026, 3, 12))
    at.text_input(key="iv_what_0").set_value("Провести пробный ОГЭ по математике")
    at.text_input(key="iv_who_0").set_value("Заместитель директора по УВР")
    at.date_input(key="iv_due_0").set_value(date(2026, 4, 30))
    at.text_input(key="iv_what_1").set_value("План работы с группой риска")
    at.text_input(key="iv_who_1").set_value("Директор")
    at.date_input(key="iv_due_1").set_value(date(2026, 12, 20))
    at.button[[b.label for b in at.button].index("Записать")].click().run()
    no_exception(at)
    assert any("Протокол № 1 записан: 2 пункта" in s.value for s in at.success)
    stored = _store(sample_store).commitments("kedr")
    assert stored["what"].tolist() == ["Провести пробный ОГЭ по математике", "План работы с группой риска"]
    assert set(stored["created_by"]) == {"локальный редактор"}  # on localhost without accounts: the local editor

    nxt = run_page("school", school="kedr", year=2026)  # the next card, a new session
    no_exception(nxt)
    table = next(d.value for d in nxt.dataframe if "what" in d.value.columns)
    assert table["what"].tolist() == stored["what"].tolist()
    assert table["state_text"].tolist() == ["просрочено", "в работе"]  # on 22.11.2026
    # the printed handout lists them too
    from reports.content import Inputs, handout_content

    c = handout_content(Inputs(_store(sample_store).read_all(), date(2026, 11, 22),
                               commitments=_store(sample_store).commitments()), "kedr", 2026)
    assert c.commitments["state"].tolist() == ["overdue", "open"] and c.last_interview == "12.03.2026"


def test_marking_done_and_withdrawing_on_the_card_is_audited(sample_store, run_page):
    s = _store(sample_store)
    s.record_interview("kedr", "2026-03-12", [{"what": "Пробный ОГЭ", "who": "Завуч", "due": "2026-04-30"},
                                             {"what": "Лишний пункт", "who": "Директор", "due": "2026-12-01"}],
                       user="Петрова")
    first, second = s.commitments("kedr")["item_id"].tolist()
    at = run_page("school", school="kedr", year=2026)
    at.selectbox(key="iv_item").set_value(first).run()
    at.date_input(key="iv_done_on").set_value(date(2026, 4, 28))
    at.button(key="iv_done").click().run()
    no_exception(at)
    assert s.commitments("kedr").set_index("item_id").loc[first, "done_on"] == "2026-04-28"
    at.selectbox(key="iv_item").set_value(second).run()
    at.segmented_control(key="iv_action").set_value("Отозвать пункт").run()
    at.text_input(key="iv_withdraw_reason").set_value("записано по ошибке")
    at.button(key="iv_withdraw").click().run()
    no_exception(at)
    assert s.commitments("kedr")["item_id"].tolist() == [first]
    log = s.interview_log()
    assert log["action"].tolist()[-2:] == ["done", "withdraw"] and log["reason"].iloc[-1] == "записано по ошибке"
    assert log["user"].iloc[-1] == "локальный редактор"


def test_district_page_lists_open_commitments_by_due_date(sample_store, run_page):
    s = _store(sample_store)
    s.record_interview("lesn", "2026-10-01", [{"what": "Б", "who": "Директор", "due": "2027-02-01"}], user="Петрова")
    s.record_interview("kedr", "2026-03-12", [{"what": "А", "who": "Завуч", "due": "2026-04-30"},
                                             {"what": "В", "who": "Завуч", "due": "2026-05-30"}], user="Петрова")
    done = int(s.commitments("kedr").set_index("what").loc["В", "item_id"])
    s.set_commitment_done(done, "2026-05-20", user="Петрова")
    at = run_page("commitments")
    no_exception(at)
    table = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert table["what"].tolist() == ["А", "Б"]  # by due date, the done one left out
    assert table["school"].tolist() == ["Кедровская ООШ", "Лесновская СОШ"]
    assert table["state_text"].tolist() == ["просрочено", "в работе"]
    at.toggle(key="commitments_done").set_value(True).run()
    table = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert table["what"].tolist() == ["А", "В", "Б"] and table["state_text"].iloc[1] == "выполнено 20.05.2026"


def test_documents_are_one_click_away(shared_store, run_page):
    at = run_page("overview", year=2026)
    no_exception(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Справка к совещанию · PDF" in labels and "Справка · Word" in labels
    assert "Отчёт · Word" in labels and "Отчёт · PDF" in labels
    assert at.selectbox(key="doc_period").value.code == "2025/26"  # the latest period ended by 22.11.2026 (31.08)
    card = run_page("school", school="sos1", year=2026)
    assert "Материалы к собеседованию (PDF, 2 стр.)" in [b.proto.label for b in card.get("download_button")]


def test_excel_download_of_a_page_table_keeps_numbers(shared_store, run_page, sample_tables):
    """The «Показатели программы» table on «Обзор»: its file has a first line, numeric facts and plans."""
    import io

    import openpyxl

    from ui.tables import excel_bytes, raw_numbers, download_frame
    from ui.indicator_view import plan_fact_display
    import metrics

    pvf = metrics.plan_vs_fact(sample_tables["indicators"], sample_tables["values"], year=2026)
    district = pvf[pvf["school_id"].isna()]
    view = plan_fact_display(district, {})
    cols = {"name": "Показатель", "fact_text": "Факт", "plan_text": "План"}
    ws = openpyxl.load_workbook(io.BytesIO(excel_bytes(download_frame(view, cols), title="Показатели программы",
                                                       raw=raw_numbers(view, cols)))).active
    facts = [ws.cell(row=r, column=2) for r in range(3, ws.max_row + 1)]
    numeric = [c for c in facts if c.value is not None]
    assert numeric and all(c.data_type == "n" for c in numeric)
    expected = pd.to_numeric(district["fact"]).dropna().tolist()
    assert sorted(c.value for c in numeric) == sorted(expected)  # the unrounded facts, not the shown texts
    pct = [c for c, u in zip(facts, district["unit"]) if u == "%" and c.value is not None]
    assert pct and all('"\u00a0%"' in c.number_format for c in pct)
