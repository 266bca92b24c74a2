"""How is an open-data table — schools as rows, indicators as columns — read?

Portals publish one row per school with counts in columns («Всего
сдававших», «Набравших больше 220 баллов на трех экзаменах»), a year column
(`Год сдачи`, `YEAR` = `2015-2016` → 2016) or the year in the title, and a
header that is not always in the first row. Measure columns followed by a
subject (`Явили се БЕЛ`, `Ср. успех в точки MAT`, `Средний балл Русский язык`)
become exam results per school × subject; other numeric columns with a
Russian header become school-level indicator values (kind fact). A blank count
is "not stated" (None), never 0. Columns it cannot place (codes, addresses,
foreign headers) are listed as unplaced; the user maps them once (`--map`,
a mapping file, the upload preview) and the mapping saved under the header
signature (`loaders.mappings`) is applied next time. When no registry is
loaded, the schools named in the file are proposed as the registry, with a
warning.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from loaders import headers as H
from loaders.cells import find_year, to_numbers, to_years
from loaders.grid import Sheet, is_blank
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.layouts.forma1 import cell_text, direction_from_words, indicator_id, title_texts
from loaders.layouts.tabular import TABULAR, canonical_exam, find_exam, find_grade
from loaders.mappings import canonical_target
from loaders.model import TABLES
from loaders.proposals import GENERATED, PROPOSED, proposed_id
from loaders.thresholds import normalise_subject
from loaders.units import indicator_unit, unit_from_name

SCAN_ROWS = 30
RESULT_FIELDS = ("participants", "mean", "below_min", "high_scorers", "mark2", "mark3", "mark4", "mark5")
KNOWN_TARGETS = {"school_name", "short_name", "school_id", "year", "exam", "subject", "grade", "skip"} | set(
    RESULT_FIELDS)
# Measure words a subject may follow in a header («Явили се БЕЛ», «Средний балл Русский язык»).
_MEASURES: list[tuple[str, tuple[str, ...]]] = [
    ("participants", ("явили се", "брой", "количество участников", "кол во участников", "число участников",
                      "участников", "сдавали", "явились", "писали")),
    ("mean", ("ср успех в точки", "ср успех", "среден успех", "средний тестовый балл", "средний балл", "ср балл",
              "средняя отметка")),
    ("below_min", ("не преодолели порог", "не преодолели минимальный порог", "ниже порога")),
    ("high_scorers", ("высокобалльников", "высокобалльники")),
]
_REGISTRY_FIELDS = {c.name for c in TABLES["schools"]} - {"school_id", "name", "short_name", "year"}
_FIELD_NAMES = {c.name: c.header for c in TABLES["results"]}
_ID_LIKE = re.compile(r"(?:^|[\s_])(?:id|ogrn|inn|kpp|okpo|oktmo|global id|system object id)$|^(?:id|№|n)$|"
                      r"огрн|инн|кпп|окпо|октмо|индекс|телефон|адрес|сайт|email|почт|(?:^|\s)код(?:\s|$)", re.I)
_CYR = re.compile(r"[а-яё]", re.I)


def _mapping(ctx: Context, signature: str) -> dict[str, str]:
    """The mapping saved for this header signature (the store's, or the mappings file), the user's on top; the
    saved procedure («@exam») stays under its own key."""
    saved = ctx.saved_mapping(signature) or {}
    out = {H.norm(k): canonical_target(v) for k, v in {**saved, **(ctx.mapping or {})}.items() if not k.startswith("@")}
    if saved.get("@exam"):
        out["@exam"] = str(saved["@exam"])
    return out


def _known(label: str) -> str | None:
    """Fields every open-data file names the same way (school, short name, code, year)."""
    s = H.match_column(label, "schools")
    if s in ("name", "short_name", "school_id", "year"):
        return "school_name" if s == "name" else s
    r = H.match_column(label, "results")
    if r == H.SCHOOL_NAME:
        return "school_name"
    if r in ("year", "exam", "grade", "subject"):
        return r
    if H.norm(label) in ("year", "учебный год", "год сдачи", "год"):
        return "year"
    return None


def _measure(label: str) -> tuple[str, str | None] | None:
    """(result field, subject or None) for a measure header, the subject after it («Явили се БЕЛ») or before it
    («БЕЛ Брой», «РЕСр.успех»)."""
    n = H.norm(label)
    for field, words in _MEASURES:
        for w in sorted(words, key=len, reverse=True):
            if n == w:
                return field, None
            if n.startswith(w + " "):
                subject = " ".join(str(label).split()[len(w.split()):]).strip(" .,:;()")
                return field, subject or None
            m = re.search(r"[\W_]*".join(map(re.escape, w.split())) + r"\W*$", str(label), re.I)
            if m and m.start() > 0 and n.endswith(w):
                subject = str(label)[:m.start()].strip(" .,:;()")
                if subject and any(ch.isalpha() for ch in subject):
                    return field, subject
    r = H.match_column(label, "results")
    if r in RESULT_FIELDS:
        return r, None
    return None


def _numeric_share(values: list[Any]) -> float:
    vals = [v for v in values if not is_blank(v)]
    if not vals:
        return 0.0
    nums, bad = to_numbers(pd.Series(vals, dtype=object))
    return float((~bad).mean())


def _plan(sheet: Sheet, ctx: Context) -> dict | None:
    width = sheet.width
    for i in range(min(len(sheet.rows), SCAN_ROWS)):
        labels = {j: cell_text(sheet.cell(i, j)) for j in range(width)}
        texts = [t for t in labels.values() if t]
        if len(texts) < 3 or sum(1 for t in texts if _numeric_share([t]) > 0) > len(texts) / 2:
            continue
        signature = H.header_signature(texts)
        mapping = _mapping(ctx, signature)
        body = sheet.rows[i + 1:i + 201]
        roles: dict[int, tuple[str, Any]] = {}
        unplaced: list[str] = []
        for j, label in labels.items():
            if not label:
                continue
            n = H.norm(label)
            if n in mapping:
                t = mapping[n]
                if t == "skip":
                    continue
                if t in RESULT_FIELDS:
                    roles[j] = ("result", (t, None))
                elif t in KNOWN_TARGETS:
                    roles[j] = (t, None)
                else:
                    roles[j] = ("indicator", t)
                continue
            if H.match_column(label, "events") == "number":
                continue  # a row-numbering column («№ п/п»), not a measure
            if H.match_column(label, "schools") in _REGISTRY_FIELDS:
                roles[j] = ("registry", None)  # a registry with context columns: the generic reader's job
                continue
            known = _known(label)
            if known and known not in [r[0] for r in roles.values()]:
                roles[j] = (known, None)
                continue
            column = [r[j] if j < len(r) else None for r in body]
            numeric = _numeric_share(column) >= 0.8
            meas = _measure(label)
            if meas and numeric and meas[1] and H.is_total_label(meas[1]):
                roles[j] = ("total", None)  # «общо Брой»: over all subjects, not a subject
                continue
            if meas and numeric:
                roles[j] = ("result", meas)
                continue
            if numeric and _CYR.search(label) and not _ID_LIKE.search(n):
                roles[j] = ("indicator", label)
                continue
            unplaced.append(label)
        results = [r[1] for r in roles.values() if r[0] == "result"]
        if results and not any(sub for _, sub in results) and not any(f == "mean" for f, _ in results):
            # Counts with no subject and no mean («Всего сдававших»): school-level indicators, not exam results.
            for j, (role, detail) in list(roles.items()):
                if role == "result":
                    roles[j] = ("indicator", labels[j] if _CYR.search(labels[j]) else _FIELD_NAMES[detail[0]])
        kinds = [r[0] for r in roles.values()]
        has_school = "school_name" in kinds or "short_name" in kinds or "school_id" in kinds
        data = [r[0] for r in roles.values() if r[0] in ("result", "indicator")]
        if has_school and data:
            return {"top": i, "roles": roles, "labels": labels, "unplaced": unplaced, "signature": signature,
                    "exam": mapping.get("@exam"),
                    "header_texts": texts}
    return None


class OpenData:
    name = "open_data"
    title = "Открытые данные: школы по строкам, показатели по столбцам"

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        plan = _plan(sheet, ctx)
        if plan is None:
            return 0.0
        kinds = [r[0] for r in plan["roles"].values()]
        if "subject" in kinds or "registry" in kinds:
            return 0.2  # a results export with a subject column: the generic layout reads it
        grouped = TABULAR.plan(sheet, ctx)
        if grouped is not None and grouped.groups and grouped.table == "results":
            return 0.2  # subject groups over measures (a regional form): results, read by the generic layout
        results = [r[1] for r in plan["roles"].values() if r[0] == "result"]
        with_subject = any(sub for _, sub in results)
        indicators = kinds.count("indicator")
        if with_subject or indicators:
            return 0.96
        return 0.4

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        out = Parsed()
        plan = _plan(sheet, ctx)
        if plan is None:
            out.problems.append(ctx.problem("error", "не найдена строка заголовков со столбцом школы и числовыми "
                                                     "столбцами", sheet))
            return out
        top, roles, labels = plan["top"], plan["roles"], plan["labels"]
        titles = title_texts(sheet, top)
        title_all = " ".join(titles + [sheet.name, sheet.file.rsplit("/", 1)[-1]])
        out.info = {"header_row": sheet.row_number(top), "signature": plan["signature"],
                    "header_texts": plan["header_texts"]}
        out.unplaced_columns = list(plan["unplaced"])
        body = sheet.rows[top + 1:]
        frame = pd.DataFrame({j: [r[j] if j < len(r) else None for r in body] for j in roles})
        frame["_row"] = np.arange(len(body)) + sheet.row_number(top + 1)
        col = {}
        for j, (role, _) in roles.items():
            if role not in ("result", "indicator"):
                col.setdefault(role, j)
        name_j = col.get("school_name", col.get("short_name"))
        names = frame[name_j].map(lambda v: cell_text(v) or None) if name_j is not None else pd.Series(
            None, index=frame.index, dtype=object)
        codes = frame[col["school_id"]].map(lambda v: cell_text(v) or None) if "school_id" in col else None
        keep = names.notna() | (codes.notna() if codes is not None else False)
        keep &= ~names.map(lambda v: H.is_total_label(v) if v else False)
        frame, names = frame[keep.to_numpy()], names[keep.to_numpy()]
        codes = codes[keep.to_numpy()] if codes is not None else None
        short = frame[col["short_name"]].map(lambda v: cell_text(v) or None) if "short_name" in col and \
            col["short_name"] != name_j else None

        # year: a column, else the user's, the title, the file name
        if "year" in col and ctx.year is None:
            years, bad = to_years(frame[col["year"]])
            if bad.any():
                r = int(frame.loc[bad, "_row"].iloc[0])
                out.problems.append(ctx.problem("error", "не год", sheet, r, labels[col["year"]],
                                                frame.loc[bad, col["year"]].iloc[0]))
            year = years.astype(object).where(years.notna(), None)
        else:
            year = pd.Series(ctx.year or find_year(title_all), index=frame.index, dtype=object)
        if year.isna().all():
            out.problems.append(ctx.problem("error", "год не указан: нет столбца года, года в заголовке или имени "
                                                     "файла; укажите год (--year)", sheet))

        # schools: matched later by the pipeline, or proposed as the registry
        proposing = ctx.registry is None or not len(ctx.registry)
        if codes is not None:
            ids = codes
        elif proposing:
            ids = names.map(lambda n: proposed_id(n) if n else None)
        else:
            ids = pd.Series(None, index=frame.index, dtype=object)
        if proposing:
            schools = pd.DataFrame({"school_id": ids.to_numpy(), "name": names.to_numpy(),
                                    "short_name": short.to_numpy() if short is not None else None,
                                    "_row": frame["_row"].to_numpy()})
            schools = schools[schools["school_id"].notna()].drop_duplicates("school_id")
            schools[PROPOSED] = True
            schools[GENERATED] = codes is None
            out.tables["schools"] = schools.reset_index(drop=True)
            out.headers["schools"] = {"name": labels.get(name_j, ""), "school_id": labels.get(col.get("school_id"),
                                                                                            labels.get(name_j, ""))}
        base = pd.DataFrame({"school_id": ids.to_numpy(), H.SCHOOL_NAME: names.to_numpy(),
                             "year": year.to_numpy(), "_row": frame["_row"].to_numpy()})
        school_label = labels.get(col.get("school_id"), labels.get(name_j, ""))

        # exam results: one block per subject
        results = {}
        for j, (role, detail) in roles.items():
            if role == "result":
                field, subject = detail
                results.setdefault(subject, {})[field] = j
        if results:
            exam = ctx.exam or find_exam(title_all) or (canonical_exam(plan["exam"]) if plan["exam"] else None)
            grade = find_grade(title_all)
            parts = []
            for subject, fields in results.items():
                part = base.copy()
                for field, j in fields.items():
                    vals, bad = to_numbers(frame[j])
                    part[field] = vals.to_numpy()
                    part[f"_col_{field}"] = labels[j]
                    if bad.any():
                        first = frame.loc[bad, "_row"].iloc[0]
                        out.problems.append(ctx.problem("error", "не число", sheet, int(first), labels[j],
                                                        frame.loc[bad, j].iloc[0]))
                part["subject"] = normalise_subject(subject) if subject else None
                if exam:
                    part["exam"] = exam
                if grade:
                    part["grade"] = grade
                measured = part[list(fields)].notna().any(axis=1)
                if "participants" in fields:
                    measured &= part["participants"].fillna(0) > 0  # «0» participants: the subject was not taken
                parts.append(part[measured.to_numpy()])
            res = pd.concat(parts, ignore_index=True)
            if res["subject"].isna().any():
                out.problems.append(ctx.problem("warning", "предмет не указан в заголовках — результаты записаны "
                                                           "как «Все предметы»", sheet))
                res["subject"] = res["subject"].fillna("Все предметы")
            out.tables["results"] = res
            out.headers["results"] = {"school_id": school_label, H.SCHOOL_NAME: labels.get(name_j, ""),
                                      "year": labels.get(col.get("year"), "(из заголовка)")}

        # school-level indicators (facts)
        ind_cols = {j: detail for j, (role, detail) in roles.items() if role == "indicator"}
        if ind_cols:
            inds, vals_parts = [], []
            for j, name in ind_cols.items():
                iid = indicator_id(name)
                unit = indicator_unit(name)
                words = direction_from_words(name)
                # direction, unit and group are only assumed here: an indicator known elsewhere keeps its own
                inds.append({"indicator_id": iid, "name": name, "unit": unit,
                             "direction": words or "higher", "group": "Открытые данные",
                             "_guessed_direction": words is None, "_guessed_unit": unit_from_name(name) is None,
                             "_guessed_group": True, "_row": sheet.row_number(top)})
                v, bad = to_numbers(frame[j])
                if bad.any():
                    first = frame.loc[bad, "_row"].iloc[0]
                    out.problems.append(ctx.problem("error", "не число", sheet, int(first), labels[j],
                                                    frame.loc[bad, j].iloc[0]))
                part = base.copy()
                part["indicator_id"] = iid
                part["kind"] = "fact"
                part["value"] = v.astype(object).where(v.notna(), None).to_numpy()  # blank = not stated
                part["_col_value"] = labels[j]
                vals_parts.append(part)
            out.tables["indicators"] = pd.DataFrame(inds).drop_duplicates("indicator_id")
            out.tables["values"] = pd.concat(vals_parts, ignore_index=True)
            out.headers["values"] = {"school_id": school_label, H.SCHOOL_NAME: labels.get(name_j, ""),
                                     "year": labels.get(col.get("year"), "(из заголовка)")}
        if not proposing:
            for t in ("results", "values"):
                if t in out.tables and codes is None:
                    out.tables[t] = out.tables[t].drop(columns=["school_id"])
        else:
            for t in ("results", "values"):
                if t in out.tables:
                    out.tables[t] = out.tables[t].drop(columns=[H.SCHOOL_NAME])
        return out


OPEN_DATA = register(OpenData())
