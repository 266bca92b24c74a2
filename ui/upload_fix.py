"""What must the user see or correct in a file before it can be accepted?

- `show_errors`: every error with file, sheet, row and column (a file with errors cannot be accepted);
  `show_warnings`: the warnings, and the table of all problems;
- `show_unknown_schools`: unknown or ambiguous school names (they block accepting), each with the registry's
  candidates; `show_fuzzy_schools`: names matched only by likeness, the matched school preselected for the
  user to confirm or correct (they do not block). A choice is saved as an alias (`Store.save_alias`) and the
  file read again;
- `show_unplaced`: columns the loader could not place, with the model field to map them to (saved under the
  header signature, `Store.save_mapping`, and read again);
- `show_sheet_descriptions`: for a skipped sheet, or one with columns not placed, the whole description —
  table type, header row, first data row and a field for every column.

Every text from the file is shown as text (`ui.safe`), never as markdown.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import TABLE_TITLES, TABLES
from loaders.report import LoadResult
from ui import data, safe
from ui.upload_rows import HEADERS

SEVERITY = {"error": "ошибка", "warning": "предупреждение"}
SCHOOL_NAME_TARGET = "school_name"
SKIP = "skip"


def problems_frame(result: LoadResult) -> pd.DataFrame:
    rows = [p.as_dict() for p in result.problems]
    df = pd.DataFrame(rows, columns=["severity", "file", "sheet", "row", "column", "value", "message", "text"])
    df["severity"] = df["severity"].map(lambda s: SEVERITY.get(s, s))
    df["row"] = pd.to_numeric(df["row"], errors="coerce").astype("Int64")
    return df


def _place(p: Any) -> tuple:
    return (str(p.file or ""), str(p.sheet or ""), p.row if p.row is not None else -1, str(p.column or ""))


def show_errors(result: LoadResult) -> None:
    """The errors first (they block accepting), the first ten with their place; or one line that all is well."""
    errors = sorted(result.errors, key=_place)
    if errors:
        lines = "\n".join(f"- {safe.md(p.text())}" for p in errors[:10])
        more = f"\n\n…и ещё {len(errors) - 10}, все — в таблице «Ошибки и предупреждения» ниже." \
            if len(errors) > 10 else ""
        st.error(f"**Ошибок: {len(errors)}. Файл с ошибками не может быть принят; хранилище не изменится.**\n\n"
                 f"{lines}{more}", icon=":material/error:")
    elif not result.warnings:
        st.caption(":material/check_circle: Ошибок и предупреждений нет.")
    else:
        st.caption(f":material/warning: Предупреждений: {len(result.warnings)} — данные можно принять, "
                   "но проверьте их (ниже, в разделе «Ошибки и предупреждения»).")


def show_warnings(result: LoadResult) -> None:
    """The warnings, then the table of every problem with file, sheet, row and column."""
    if not result.problems:
        return
    st.subheader("Ошибки и предупреждения", divider="gray")
    warnings = result.warnings
    if warnings:
        st.warning(f"Предупреждений: {len(warnings)} — данные можно принять, но проверьте их.",
                   icon=":material/warning:")
    st.dataframe(problems_frame(result), hide_index=True, key="upl_problems",
                 column_order=["severity", "file", "sheet", "row", "column", "value", "message"],
                 column_config={"severity": "Вид", "file": "Файл", "sheet": "Лист",
                                "row": st.column_config.NumberColumn("Строка", format="%d"), "column": "Столбец",
                                "value": "Значение",
                                "message": st.column_config.TextColumn("Что не так", width="large")})


def _registry_choices() -> dict[str, str]:
    s = data.table("schools")
    if s.empty:
        return {}
    s = s.assign(_y=pd.to_numeric(s["year"], errors="coerce").fillna(-1)).sort_values("_y")
    s = s.drop_duplicates("school_id", keep="last")
    return dict(zip(s["school_id"].astype(str), s["name"].astype(str)))


def _unmatched_picker(u: dict, name: str, registry: dict[str, str], key: str) -> str | None:
    """One school name to decide: a select box of registry schools, best candidates first; a fuzzy match
    comes with its school preselected."""
    cands = [(str(c[0]), float(c[2]) if len(c) > 2 and c[2] is not None else None)
             for c in u.get("candidates") or []]
    score = {sid: sc for sid, sc in cands}
    order = [sid for sid, _ in cands if sid in registry] + sorted(s for s in registry if s not in score)
    fuzzy = u.get("status") == "fuzzy"
    matched = str(u.get("school_id")) if fuzzy and u.get("school_id") is not None else None
    if matched is not None and matched not in order:
        order.insert(0, matched)

    def label(sid: Any) -> str:
        if sid is None:
            return "— не подтверждать —" if fuzzy else "— не сопоставлять —"
        sc = score.get(sid)
        return f"{registry.get(sid, sid)} ({sid})" + (f" — сходство {sc:.0f}" if sc is not None else "")

    where = ", ".join(x for x in (f"лист «{u['sheet']}»" if u.get("sheet") else "",
                                  f"строка {u['row']}" if u.get("row") else "") if x)
    status = {"ambiguous": "неоднозначно", "fuzzy": "сопоставлено по сходству"}.get(str(u.get("status")),
                                                                                    "не найдена")
    options = [None, *order]
    title = f"«{name}» ({status}; {where})" if where else f"«{name}» ({status})"
    return st.selectbox(safe.md(title), options,
                        index=options.index(matched) if matched in options else 0, format_func=label, key=key)


def _names(result: LoadResult, fuzzy: bool) -> dict[str, dict]:
    seen: dict[str, dict] = {}
    for u in result.unmatched_schools:
        seen.setdefault(str(u.get("name")), u)
    return {n: u for n, u in seen.items() if (u.get("status") == "fuzzy") == fuzzy}


def _save_aliases(store: Any, choices: dict[str, str], key: str) -> None:
    if st.button("Сохранить соответствия и перечитать файл", key=key, disabled=not choices, icon=":material/link:"):
        try:
            for name, sid in choices.items():
                store.save_alias(name, sid)
        except Exception as exc:
            st.error(safe.md(str(exc)))
            return
        st.rerun()


def _alias_pickers(store: Any, names: dict, registry: dict, key: str) -> None:
    """One registry picker per name; the chosen schools are saved as aliases with one button."""
    choices: dict[str, str] = {}
    for i, (name, u) in enumerate(names.items()):
        pick = _unmatched_picker(u, name, registry, f"{key}_{i}")
        if pick:
            choices[name] = pick
    _save_aliases(store, choices, f"{key}_save")


def show_unknown_schools(store: Any, result: LoadResult, token: str) -> None:
    """Unknown or ambiguous school names (they block accepting): which registry school each one is."""
    blocking = _names(result, fuzzy=False)
    if not blocking:
        return
    st.subheader("Школы, которых нет в реестре", divider="gray")
    registry = _registry_choices()
    if not registry:
        st.info("Реестр школ не загружен: загрузите его (или вместе с этим файлом), чтобы сопоставить названия.")
        return
    st.caption("Выберите, какая это школа реестра. Выбор сохранится как псевдоним: в следующих файлах это "
               "название будет узнаваться само.")
    _alias_pickers(store, blocking, registry, f"upl_alias_{token}")


def show_fuzzy_schools(store: Any, result: LoadResult, token: str) -> None:
    """Names matched to a registry school only by likeness (loaded; the user confirms or corrects them)."""
    fuzzy = _names(result, fuzzy=True)
    registry = _registry_choices() if fuzzy else {}
    if not fuzzy or not registry:
        return
    st.subheader("Школы, сопоставленные по сходству", divider="gray")
    st.caption("Эти названия совпали со школами реестра не точно. Данные будут записаны в выбранную школу — "
               "проверьте её; подтверждённый выбор сохранится как псевдоним. Если выбрана не та школа, "
               "выберите нужную.")
    _alias_pickers(store, fuzzy, registry, f"upl_fuzzy_{token}")


def _targets(table: str | None) -> list[str]:
    tables = [table] if table in TABLES else list(TABLES)
    out: list[str] = []
    for t in tables:
        for c in TABLES[t]:
            if c.name not in out:
                out.append(c.name)
    if SCHOOL_NAME_TARGET not in out:
        out.insert(0, SCHOOL_NAME_TARGET)
    return out


def _target_label(table: str | None, name: str) -> str:
    if name == SKIP:
        return "— не загружать —"
    if name == SCHOOL_NAME_TARGET:
        return "Наименование ОО (название школы)"
    for t in ([table] if table in TABLES else []) + list(TABLES):
        if name in HEADERS[t]:
            return f"{HEADERS[t][name]} ({name})"
    return name


def show_unplaced(store: Any, result: LoadResult, mapping: dict[str, str], token: str) -> None:
    decided = {k.strip().lower() for k, v in mapping.items() if v in (SKIP, "-", "")}
    items = [u for u in result.unplaced_columns if str(u.get("column", "")).strip().lower() not in decided]
    if not items:
        return
    st.subheader("Столбцы, которые не распознаны", divider="gray")
    st.caption("Эти столбцы не загружаются. Укажите, какому полю они соответствуют (или «не загружать») — "
               "сопоставление сохранится для таблиц с такими же заголовками.")
    table_of = {(d.get("file"), d.get("sheet")): d.get("table") for d in result.detected}
    chosen: dict[str, dict[str, str]] = {}
    for i, u in enumerate(items):
        table = table_of.get((u.get("file"), u.get("sheet")))
        opts = [SKIP, *_targets(table)]
        pick = st.selectbox(safe.md(f"«{u['column']}» (лист «{u.get('sheet')}»)"), opts, index=None,
                            placeholder="выберите поле", format_func=lambda n, t=table: _target_label(t, n),
                            key=f"upl_map_{token}_{i}")
        if pick and u.get("signature"):
            chosen.setdefault(u["signature"], {})[str(u["column"])] = pick
    if st.button("Сохранить сопоставление и перечитать файл", key=f"upl_map_save_{token}", disabled=not chosen,
                 icon=":material/table_edit:"):
        try:
            for sig, m in chosen.items():
                store.save_mapping(sig, {**(store.mapping(sig) or {}), **m})
        except Exception as exc:
            st.error(safe.md(str(exc)))
            return
        st.rerun()


def show_sheet_descriptions(store: Any, result: LoadResult, token: str) -> None:
    """For a skipped sheet, or one with columns not placed, the user says what it is: the table type, the header
    row (one or two rows), the first data row and a field for every column. The choice is saved under the
    signature of that header (`Store.save_mapping`, with `@table` and `@data_row`), and the file read again;
    the next file with the same header is read the same way. Header texts are shown as plain text."""
    from loaders.headers import match_column

    sheets = result.sheet_headers or []
    if not sheets:
        return
    st.subheader("Указать, что на листе", divider="gray")
    st.caption("Если лист пропущен или столбцы прочитаны не так, укажите тип таблицы, строку заголовка и поле "
               "для каждого столбца. Выбор сохранится и применится к таблицам с такими же заголовками.")
    for n, sh in enumerate(sheets):
        with st.expander(f"Лист № {n + 1}" + (" — пропущен" if sh["status"] == "skipped" else ""),
                         expanded=sh["status"] == "skipped", icon=":material/table_edit:"):
            st.text(f"Лист «{sh['sheet']}» файла «{sh['file']}»")
            cands = sh.get("candidates") or []
            if not cands:
                st.caption("На листе нет строк с текстом.")
                continue
            key = f"upl_desc_{token}_{n}"
            tables = list(TABLES)
            table = st.selectbox("Тип таблицы", tables, index=tables.index(sh["table"]) if sh.get("table") in tables
                                 else None, placeholder="выберите тип", format_func=lambda t: TABLE_TITLES[t],
                                 key=f"{key}_table")
            rows = sorted({c["row"] for c in cands})
            default_row = sh.get("header_row") if sh.get("header_row") in rows else rows[0]
            row = st.selectbox("Строка заголовка", rows, index=rows.index(default_row), key=f"{key}_row",
                               format_func=lambda r: f"строка {r}")
            depth = st.radio("Заголовок занимает", [1, 2], index=0 if sh.get("header_rows", 1) == 1 else 1,
                             horizontal=True, key=f"{key}_depth",
                             format_func=lambda d: "одну строку" if d == 1 else "две строки")
            cand = next((c for c in cands if c["row"] == row and c["rows"] == depth), None)
            if cand is None:
                st.caption("Под этой строкой нет второй строки заголовка.")
                continue
            first = st.number_input("Первая строка данных", min_value=row + depth, value=row + depth, step=1,
                                    key=f"{key}_data")
            if table is None:
                continue
            options = [SKIP, *_targets(table)]
            chosen: dict[str, str] = {}
            for j, label in enumerate(cand["labels"]):
                if not label:
                    continue
                c1, c2 = st.columns([3, 2])
                c1.text(f"{cand['letters'][j]} · {label}")
                found = match_column(label.replace(" / ", " "), table) or match_column(label.split(" / ")[-1], table)
                pick = c2.selectbox(f"Поле столбца {j + 1}", options,
                                    index=options.index(found) if found in options else 0,
                                    format_func=lambda f, t=table: _target_label(t, f), label_visibility="collapsed",
                                    key=f"{key}_col_{j}_{row}_{depth}")
                chosen[label] = pick
            if st.button("Сохранить и перечитать файл", key=f"{key}_save", icon=":material/table_edit:"):
                try:
                    store.save_mapping(cand["signature"], {**chosen, "@table": table, "@data_row": str(int(first))})
                except Exception as exc:
                    st.error(str(exc))
                    return
                st.rerun()


