"""«Данные»: what is loaded, from where, how fresh, and what went wrong?

The store's file name (never its folder); what each tidy table holds, counted in its own units (schools,
not registry rows; result rows and the schools they cover), with rows and years (`ui.loaded`); the sources
(files and uploads as the store records them), the warnings and errors from the first seeding, the blank
template of every table for download, and the upload history with «Отменить» (`ui.history`).
"""
from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from loaders.model import TABLE_TITLES, TABLES
from ui import data, empty
from ui import format as fmt
from ui.admin import users_panel
from ui.history import SOURCE_LABELS, upload_history_table
from ui.loaded import count_card, loaded_frame, store_name, without_folders
from ui.tables import show_table

st.title("Данные")

store = data.get_store()
if store is None:
    st.error(without_folders(data.store_error() or "Хранилище данных недоступно."))
    st.stop()

st.caption(f"Хранилище «{store_name(store.path)}» · версия данных {data.version()}")

# --- what is loaded ------------------------------------------------------------------
st.subheader("Что загружено")
summary = data.summary()
loaded = loaded_frame(summary)
cols = st.columns(len(loaded))
for col, r in zip(cols, loaded.to_dict("records")):  # five tables
    with col:
        count_card(r)

by_exam = summary.get("results", {}).get("last_year_by_exam", {})
if by_exam:
    parts = ", ".join(f"{e} — {y}" for e, y in by_exam.items())
    st.markdown(f"Последние результаты: **{max(by_exam.values())} год** ({parts}).")
last_fact = summary.get("values", {}).get("last_fact_year")
if last_fact is not None:
    st.markdown(f"Последние фактические значения показателей: **{int(last_fact)} год**.")

show_table(loaded, {"title": "Таблица", "rows_text": st.column_config.TextColumn("Строк", alignment="right"),
                    "schools_text": st.column_config.TextColumn("Школ", alignment="right"),
                    "first_year": "С года", "last_year": "По год", "what": "Что загружено", "detail": "Что это"},
           what=("загруженные_таблицы",), key="data_tables")

if not loaded["rows"].any():
    empty.empty_hint(list(TABLES), "хранилище пустое", key="data_empty")

# --- sources -------------------------------------------------------------------------------
st.subheader("Источники")
with data.guard("Источники"):
    src = data.sources()
    if src is None or src.empty:
        st.caption("Источников пока нет.")
    else:
        src = src.copy()
        if "table" in src:
            src["table"] = src["title"] if "title" in src else src["table"].map(lambda x: TABLE_TITLES.get(str(x), x))
        if "at" in src:
            src["at"] = src["at"].map(fmt.datetime_ru)
        if "latest_year" in src:
            src["latest_year"] = pd.to_numeric(src["latest_year"], errors="coerce").astype("Int64").astype(str).replace("<NA>", "—")
        for c in ("written", "rows"):  # counts with a space between thousands; Excel keeps the numbers
            if c in src:
                src[f"{c}_text"] = src[c].map(lambda n: "—" if fmt.is_missing(n) else fmt.num(int(n)))
        labels = {"table": "Таблица", "rows_text": st.column_config.TextColumn("Строк сейчас", alignment="right"),
                  "latest_year": "Последний год", "file_name": "Файл",
                  "upload_id": st.column_config.NumberColumn("Загрузка №", format="%d"), "at": "Когда",
                  "written_text": st.column_config.TextColumn("Записано строк", alignment="right"),
                  "source": "Источник", "user": "Кто"}  # what a table holds first, how it got there after
        src["source"] = src["source"].map(lambda v: SOURCE_LABELS.get(str(v), v)) if "source" in src else None
        show_table(src, {c: labels[c] for c in labels if c in src.columns},
                   what=("источники_данных",), key="data_sources")

# --- warnings ------------------------------------------------------------------------------
st.subheader("Предупреждения и ошибки загрузки")
problems = list(getattr(store, "seed_problems", None) or [])
if not problems:
    st.caption("При начальной загрузке замечаний не было.")
else:
    rows = [p.as_dict() if hasattr(p, "as_dict") else {"severity": "warning", "text": str(p)} for p in problems]
    pr = pd.DataFrame(rows)
    n_err = int((pr["severity"] == "error").sum())
    n_warn = int((pr["severity"] == "warning").sum())
    (st.error if n_err else st.warning)(f"Начальная загрузка: ошибок {n_err}, предупреждений {n_warn}. "
                                        "Файлы с ошибками не загружены целиком.")
    pr["severity"] = pr["severity"].map({"error": "ошибка", "warning": "предупреждение"}).fillna(pr["severity"])
    if "file" in pr:  # the file's name, not the server's folder
        pr["file"] = pr["file"].map(lambda f: f if fmt.is_missing(f) or not str(f) else PurePath(str(f)).name)
    if "row" in pr:
        pr["row"] = pd.to_numeric(pr["row"], errors="coerce").astype("Int64")
    show_table(pr, {"severity": "Вид", "file": "Файл", "sheet": "Лист", "row": "Строка", "column": "Столбец",
                    "message": "Сообщение"}, what=("замечания_загрузки",), key="data_problems")

# --- templates -----------------------------------------------------------------------------
st.subheader("Шаблоны для заполнения")
st.caption("Пустые таблицы с правильными заголовками: заполните и загрузите через боковую панель.")
empty.template_row(TABLES, key="data_tpl")

# --- history -------------------------------------------------------------------------------
st.subheader("История загрузок")
with data.guard("История загрузок"):
    upload_history_table(store)

# --- users and the audit log (administrators only) -------------------------------------------
users_panel(store)
