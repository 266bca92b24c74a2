"""How does the head record, follow and correct what was agreed at an interview?

On the school card: the commitments of the school with their state today
(выполнено / в работе / просрочено), a form to record a new interview (up to
ROWS items: what, who, by when), and a panel to mark an item done, correct it or
withdraw it (or the whole record) — every change is stored with its author and
time and logged (`store/interviews.py`). `commitments_frame` gives the display
table the district page «Договорённости» shows too.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from reports.content import COMMITMENT_STATES, with_states
from store import StoreError
from ui import auth, data, filters, safe
from ui import format as fmt
from ui.tables import show_table

ROWS = 5
STATE_BG = {"done": "#c8e6c9", "open": "", "overdue": "#ffcdd2"}
COLUMNS = {"school": "Школа", "what": "Что сделать", "who": "Кто", "due_text": "Срок", "state_text": "Состояние",
           "held_text": "Собеседование", "created_by": "Записал"}


def commitments_frame(records: pd.DataFrame, on_date: date, names: dict[str, str]) -> pd.DataFrame:
    """Live commitments with their state and display columns, by due date."""
    c = with_states(records, on_date)
    if c.empty:
        return c.assign(**{k: pd.Series(dtype=object) for k in ("school", "due_text", "state_text", "held_text")})
    return c.assign(school=c["school_id"].astype(str).map(lambda s: names.get(s, s)),
                    due_text=c["due"].map(fmt.date_ru), held_text=c["held_on"].map(fmt.date_ru),
                    state_text=[COMMITMENT_STATES[s] + (f" {fmt.date_ru(d)}" if s == "done" else "")
                                for s, d in zip(c["state"], c["done_on"])])


def state_styler(states: Any) -> Any:
    return fmt.state_styler(states, STATE_BG)


def section(school_id: str, label: str) -> None:
    """The school card's block: commitments with states, the record form, corrections."""
    store = data.get_store()
    if store is None:
        st.caption("Хранилище недоступно: договорённости не показать.")
        return
    today = filters.today()
    view = commitments_frame(store.commitments(school_id), today, data.school_names())
    if view.empty:
        st.caption("Договорённостей с прошлых собеседований нет.")
    else:
        cols = {k: v for k, v in COLUMNS.items() if k != "school"}
        show_table(view, cols, what=("договорённости", school_id), key="school_commitments",
                   styler=state_styler(view["state"]))
    if not auth.can("interview"):
        st.caption("Записывать протоколы собеседований и отмечать выполнение могут редакторы.")
        return
    record_form(store, school_id, label, today)
    if not view.empty:
        manage(store, view, today)


def record_form(store: Any, school_id: str, label: str, today: date) -> None:
    with st.expander("Записать протокол собеседования", icon=":material/edit_note:"):
        with st.form("interview_form", clear_on_submit=True):
            held = st.date_input("Дата собеседования", value=today, format="DD.MM.YYYY", key="iv_held")
            st.caption("Каждая строка — одна договорённость: что сделать, кто отвечает, к какому сроку. "
                       "Пустые строки не записываются.")
            items = []
            for i in range(ROWS):
                c1, c2, c3 = st.columns([5, 2, 1.4])
                what = c1.text_input("Что сделать", key=f"iv_what_{i}", label_visibility="visible" if i == 0 else "collapsed")
                who = c2.text_input("Кто", key=f"iv_who_{i}", label_visibility="visible" if i == 0 else "collapsed")
                due = c3.date_input("Срок", value=today + timedelta(days=30), format="DD.MM.YYYY", key=f"iv_due_{i}",
                                    label_visibility="visible" if i == 0 else "collapsed")
                items.append({"what": what, "who": who, "due": due})
            if st.form_submit_button("Записать", icon=":material/save:"):
                try:
                    auth.require("interview")
                    iid = store.record_interview(school_id, held, items, user=auth.user_name())
                except (StoreError, PermissionError) as exc:
                    st.error(str(exc))
                else:
                    n = sum(1 for it in items if str(it["what"]).strip() or str(it["who"]).strip())
                    st.success(f"Протокол № {iid} записан: {n} {fmt.plural(n, 'пункт', 'пункта', 'пунктов')} "
                               f"(школа «{safe.md(label)}», {fmt.date_ru(held)}).")


def _item_label(r: dict) -> str:
    return f"№ {r['item_id']} · {r['what'][:70]} · {r['who'][:30]} · до {fmt.date_ru(r['due'])}"


def manage(store: Any, view: pd.DataFrame, today: date) -> None:
    """Mark done, correct or withdraw one item; withdraw a whole record."""
    with st.expander("Отметить выполнение, исправить или отозвать", icon=":material/rule:"):
        records = {int(r["item_id"]): r for r in view.to_dict("records")}
        item_id = st.selectbox("Пункт", list(records), format_func=lambda i: _item_label(records[i]), key="iv_item")
        if item_id is None:
            return
        r = records[item_id]
        action = st.segmented_control("Что сделать", ["Выполнено", "Исправить", "Отозвать пункт", "Отозвать протокол"],
                                      key="iv_action", default="Выполнено")
        user = auth.user_name()
        try:
            auth.require("interview")
            if action == "Выполнено":
                done = st.date_input("Дата выполнения", value=today, format="DD.MM.YYYY", key="iv_done_on")
                c1, c2 = st.columns(2)
                if c1.button("Отметить выполненным", key="iv_done", icon=":material/check:"):
                    store.set_commitment_done(item_id, done, user=user)
                    st.rerun()
                if r["state"] == "done" and c2.button("Снять отметку", key="iv_reopen"):
                    store.set_commitment_done(item_id, None, user=user)
                    st.rerun()
            elif action == "Исправить":
                what = st.text_input("Что сделать", value=r["what"], key=f"iv_fix_what_{item_id}")
                who = st.text_input("Кто", value=r["who"], key=f"iv_fix_who_{item_id}")
                due = st.date_input("Срок", value=pd.Timestamp(r["due"]).date(), format="DD.MM.YYYY",
                                    key=f"iv_fix_due_{item_id}")
                reason = st.text_input("Причина исправления", key=f"iv_fix_reason_{item_id}")
                if st.button("Сохранить исправление", key="iv_fix", icon=":material/save:"):
                    store.correct_commitment(item_id, user=user, reason=reason, what=what, who=who, due=due)
                    st.rerun()
            else:
                whole = action == "Отозвать протокол"
                reason = st.text_input("Причина отзыва (обязательно)", key="iv_withdraw_reason")
                what = f"протокол № {r['interview_id']} от {fmt.date_ru(r['held_on'])} целиком" if whole \
                    else f"пункт № {item_id}"
                if st.button(f"Отозвать {what}", key="iv_withdraw", icon=":material/delete:", type="primary"):
                    if whole:
                        store.withdraw_interview(int(r["interview_id"]), user=user, reason=reason)
                    else:
                        store.withdraw_commitment(item_id, user=user, reason=reason)
                    st.rerun()
        except (StoreError, PermissionError) as exc:
            st.error(str(exc))
        st.caption("Записи не удаляются: исправления и отзывы сохраняются в журнале с автором и временем.")
