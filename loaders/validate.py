"""Is a parsed table valid, and what are its typed values?

`validate(frames)` takes the raw frames the layouts produced (model columns with
cell values as found, plus `_file`, `_sheet`, `_row` and `_col_<field>` naming
where each cell came from) and returns typed tidy tables with exactly the
model columns in model order, plus every problem found, in Russian, located by
file, sheet, row and column.

First every column is coerced by its kind, reporting every cell that cannot be
read («4.5.1» — не число). Then the rules: required columns and cells, negative
counts, below-minimum / high scorers / marks / ВПР comparisons above the
number of participants, a mean outside its scale (ЕГЭ 0–100, ОГЭ/ВПР/ГВЭ marks
2–5), years outside 2000–2100, shares outside 0–100 %, unknown enum values and
duplicate keys. All checks are vectorised; only bad cells are visited one by one.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from loaders import cells
from loaders.headers import norm
from loaders.model import ENUM_LABELS, KEYS, LOCALITIES, SCHOOL_TYPES, TABLE_TITLES, TABLES, Column, columns
from loaders.report import Problem

META = ("_file", "_sheet", "_row")
YEAR_MIN, YEAR_MAX = 2000, 2100
MAX_NUMBER = 1e12  # a count, a score or a share above this is a typo or a hostile cell, not a figure
MARK_EXAMS = {"ОГЭ", "ВПР", "ГВЭ", "Пробный ОГЭ"}
SCORE_EXAMS = {"ЕГЭ", "Пробный ЕГЭ"}

# Accepted spellings of enum values (normalised with headers.norm), besides the codes and ENUM_LABELS.
ENUM_SYNONYMS: dict[str, dict[str, list[str]]] = {
    "kind": {
        "baseline": ["базовое значение", "базовый", "базовый показатель", "база", "исходное", "исходное значение"],
        "plan": ["плановое", "плановое значение", "планируемое", "прогноз"],
        "fact": ["фактическое", "фактическое значение", "достигнутое", "отчет"],
        "target": ["целевое значение", "цель", "целевой", "целевой показатель"],
    },
    "direction": {
        "higher": ["больше лучше", "выше лучше", "больше", "выше", "рост", "увеличение", "повышение", "↑", "max"],
        "lower": ["меньше лучше", "ниже лучше", "меньше", "ниже", "снижение", "уменьшение", "понижение", "↓", "min"],
    },
    "status": {
        "done": ["выполнено", "выполнен", "выполнена", "да", "+", "исполнено", "завершено", "реализовано", "проведено",
                 "сделано", "v", "✓", "✔"],
        "in_progress": ["в работе", "выполняется", "в процессе", "частично", "частично выполнено",
                        "в стадии выполнения", "начато", "ведется работа"],
        "not_done": ["не выполнено", "нет", "не исполнено", "не проведено", "сорвано", "не начато"],
        "postponed": ["перенесено", "отложено", "перенос", "перенесен", "перенесено на следующий год"],
    },
    "schedule": {
        "dated": ["к сроку", "дата", "датированный", "в срок"],
        "continuous": ["постоянно", "непрерывно", "в течение периода", "в течение года", "регулярно"],
        "unscheduled": ["без срока", "по мере необходимости", "по плану", "не определен"],
    },
}
_TYPE_LOOKUP = {norm(t): t for t in SCHOOL_TYPES} | {
    "средняя школа": "СОШ", "основная школа": "ООШ", "начальная школа": "НОШ", "центр образования": "ЦО",
    "сош с уиоп": "СОШ", "школа": "СОШ", "школа интернат": "другое",
}
_LOCALITY_LOOKUP = {norm(x): x for x in LOCALITIES} | {
    "городская": "город", "городской": "город", "г": "город", "сельская": "село", "сельский": "село",
    "сельская местность": "село", "с": "село", "поселок": "село", "пгт": "город", "деревня": "село",
}
_EXAM_LOOKUP = {norm(e): e for e in ("ЕГЭ", "ОГЭ", "ВПР", "ГВЭ", "Пробный ЕГЭ", "Пробный ОГЭ",
                                      "Муниципальная диагностика")} | {
    "гиа 9": "ОГЭ", "гиа 11": "ЕГЭ", "гвэ 9": "ГВЭ", "гвэ 11": "ГВЭ", "пробный егэ": "Пробный ЕГЭ",
    "пробное егэ": "Пробный ЕГЭ", "пробный огэ": "Пробный ОГЭ", "пробное огэ": "Пробный ОГЭ",
    "муниципальная диагностическая работа": "Муниципальная диагностика", "мдр": "Муниципальная диагностика",
}


def enum_lookup(column: str) -> dict[str, str]:
    """Normalised accepted text → code for an enum column."""
    out: dict[str, str] = {}
    for code, label in ENUM_LABELS.get(column, {}).items():
        out[norm(code)] = code
        out[norm(label)] = code
    for code, words in ENUM_SYNONYMS.get(column, {}).items():
        for w in words:
            out.setdefault(norm(w), code)
            if w in ("+", "↑", "↓", "✓", "✔"):
                out.setdefault(w, code)
    return out


class _Report:
    """Collects problems for one frame, locating each bad cell by its meta columns."""

    def __init__(self, table: str, frame: pd.DataFrame, problems: list[Problem]):
        self.table = table
        self.frame = frame
        self.problems = problems
        self.header_of = {c.name: c.header for c in TABLES[table]}

    def column_label(self, field: str, idx: Any) -> str:
        col = f"_col_{field}"
        if col in self.frame.columns:
            v = self.frame.at[idx, col]
            if isinstance(v, str) and v:
                return v
        return self.header_of.get(field, field)

    def _meta(self, idx: Any) -> tuple[Any, Any, Any]:
        f = self.frame
        file = f.at[idx, "_file"] if "_file" in f.columns else None
        sheet = f.at[idx, "_sheet"] if "_sheet" in f.columns else None
        row = f.at[idx, "_row"] if "_row" in f.columns else None
        row = int(row) if row is not None and not pd.isna(row) else None
        return file, sheet, row

    def cells(self, mask: pd.Series | np.ndarray, field: str | None, message: str | Any,
              value_of: pd.Series | None = None, severity: str = "error") -> int:
        """One problem per True cell; `message` may be a Series aligned with the frame or a function of the index."""
        arr = np.asarray(mask, dtype=bool)
        if not arr.any():
            return 0
        idxs = self.frame.index[arr]
        for idx in idxs:
            file, sheet, row = self._meta(idx)
            if isinstance(message, pd.Series):
                msg = message.at[idx]
            elif callable(message):
                msg = message(idx)
            else:
                msg = message
            value = value_of.at[idx] if value_of is not None else None
            if isinstance(value, float) and np.isnan(value):
                value = None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, float):
                value = f"{value:g}".replace(".", ",")  # as a Russian reader writes it
            self.problems.append(Problem(severity, str(msg), file=file, sheet=sheet, row=row,
                                         column=self.column_label(field, idx) if field else None,
                                         value=value))
        return len(idxs)

    def per_sheet(self, message: str, severity: str = "error") -> None:
        """One problem per (file, sheet) of the frame."""
        f = self.frame
        if "_file" in f.columns and len(f):
            places = f[["_file", "_sheet"]].drop_duplicates().itertuples(index=False) if "_sheet" in f.columns \
                else ((x, None) for x in f["_file"].unique())
        else:
            places = [(None, None)]
        for file, sheet in places:
            self.problems.append(Problem(severity, message, file=file, sheet=sheet))


# What to say when a sheet gives a required field nowhere — not as a column, nor in its title, sheet or file
# name (the pipeline fills year and procedure from those), nor as the user's choice.
MISSING_HINTS: dict[tuple[str, str], str] = {
    ("results", "year"): "не указан год: добавьте столбец «Год», укажите год в заголовке («Результаты ЕГЭ 2024 "
                         "года») или в имени файла, или выберите при загрузке",
    ("results", "exam"): "не указана процедура (ЕГЭ, ОГЭ, ВПР…): добавьте столбец «Процедура», укажите её в "
                         "заголовке или выберите при загрузке",
    ("results", "subject"): "не указан предмет: добавьте столбец «Предмет» или подпишите группы столбцов названиями "
                            "предметов («Русский язык» над «Участников | Средний балл»)",
}


def _blank_mask(raw: pd.Series) -> pd.Series:
    if raw.dtype != object:
        return raw.isna()
    return raw.map(cells.is_blank_text).astype(bool) if len(raw) < 2000 else _blank_mask_fast(raw)


def _blank_mask_fast(raw: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    flags = np.array([cells.is_blank_text(u) for u in uniques] + [True], dtype=bool)
    return pd.Series(flags[codes], index=raw.index)


def _coerce(col: Column, raw: pd.Series, rep: _Report) -> tuple[pd.Series, np.ndarray | None]:
    """(typed column, mask of cells reported as unreadable or None when none can be)."""
    kind = col.kind
    name = col.name
    if kind == "str":
        out = cells.to_texts(raw)
        if name == "type":
            out = _normalise_choice(out, _TYPE_LOOKUP, rep, name, "тип ОО", SCHOOL_TYPES)
        elif name == "locality":
            out = _normalise_choice(out, _LOCALITY_LOOKUP, rep, name, "местность", LOCALITIES)
        elif name == "exam":
            out = cells.map_unique(out, lambda v: _EXAM_LOOKUP.get(norm(v), v) if isinstance(v, str) else v)
        elif name == "responsible":
            out = cells.map_unique(out, cells.list_text)
        return out, None
    if kind in ("int", "float"):
        values, bad = cells.to_numbers(raw)
        rep.cells(bad, name, bad.attrs["reasons"].fillna("не число"), raw)
        arr = values.to_numpy(dtype="float64", copy=True)
        huge = ~np.isnan(arr) & ~(np.abs(arr) <= MAX_NUMBER)  # inf, 1e30: never a count or a score
        if huge.any():
            rep.cells(huge, name, f"неправдоподобное число (бесконечность или больше {MAX_NUMBER:,.0f})".replace(",", " "),
                      raw)
            values = values.where(~huge)
        if kind == "int":
            arr = values.to_numpy(dtype="float64", copy=True)
            missing = np.isnan(arr)
            frac = ~missing & (arr != np.floor(np.where(missing, 0, arr)))
            rep.cells(frac, name, "не целое число (ожидается количество)", raw)
            missing |= frac
            ints = np.where(missing, 0, arr).astype("int64")
            return pd.Series(pd.arrays.IntegerArray(ints, missing), index=raw.index), bad.to_numpy() | frac | huge
        return values, bad.to_numpy() | huge
    if kind == "year":
        values, bad = cells.to_years(raw)
        rep.cells(bad, name, bad.attrs["reasons"].fillna("не год"), raw)
        return values, bad.to_numpy()
    if kind == "date":
        values, bad = cells.to_dates(raw)
        rep.cells(bad, name, bad.attrs["reasons"].fillna("не дата"), raw)
        return values.astype(object), bad.to_numpy()
    if kind == "dates":
        return _coerce_dates(raw, rep, name), None
    if kind.startswith("enum:"):
        allowed = kind[5:].split("|")
        lookup = enum_lookup(name)
        texts = cells.to_texts(raw)

        def code(v: Any) -> Any:
            if v is None:
                return None
            return lookup.get(v) or lookup.get(norm(v)) or (v if v in allowed else None)

        out = cells.map_unique(texts, code)
        bad = texts.notna() & out.isna()
        labels = ENUM_LABELS.get(name, {})
        choices = ", ".join(f"«{labels.get(a, a)}»" for a in allowed)
        rep.cells(bad, name, f"неизвестное значение; допустимо: {choices}", texts)
        return out.astype(object), bad.to_numpy()
    raise ValueError(f"unknown column kind {kind}")


def _normalise_choice(out: pd.Series, lookup: dict[str, str], rep: _Report, name: str, what: str,
                      allowed: tuple[str, ...]) -> pd.Series:
    mapped = cells.map_unique(out, lambda v: lookup.get(norm(v), v) if isinstance(v, str) else v)
    unknown = mapped.notna() & ~mapped.isin(list(allowed))
    rep.cells(unknown, name, f"необычное значение «{what}»; ожидается одно из: {', '.join(allowed)}", mapped,
              severity="warning")
    return mapped


def _coerce_dates(raw: pd.Series, rep: _Report, name: str) -> pd.Series:
    out = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    bad = pd.Series(False, index=raw.index)
    reasons = pd.Series(None, index=raw.index, dtype=object)
    cache: dict[Any, Any] = {}
    for idx, v in raw.items():
        key = tuple(v) if isinstance(v, list) else v
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key not in cache:
            try:
                cache[key] = (cells.parse_dates(v), None)
            except cells.CellError as exc:
                cache[key] = (None, exc.reason)
        val, reason = cache[key]
        out.at[idx] = list(val) if val else ([] if val is not None else None)
        if reason:
            bad.at[idx] = True
            reasons.at[idx] = "неверная дата в списке: " + reason
    rep.cells(bad, name, reasons, raw)
    return out.map(lambda x: x if isinstance(x, list) else [])


def validate_table(table: str, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    """Coerce and check one table; returns the typed table (model columns only, model order)."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
        frame = frame.reset_index(drop=True)
    rep = _Report(table, frame, problems)
    n = len(frame)
    typed: dict[str, pd.Series] = {}
    unreadable: dict[str, np.ndarray | None] = {}
    for col in TABLES[table]:
        if col.name in frame.columns:
            typed[col.name], unreadable[col.name] = _coerce(col, frame[col.name], rep)
        else:
            if col.required and n:
                rep.per_sheet(MISSING_HINTS.get((table, col.name))
                              or f"нет обязательного столбца «{col.header}» ({TABLE_TITLES[table]})")
            typed[col.name] = _empty(col, n)
    out = pd.DataFrame(typed, index=frame.index)
    if n == 0:
        return out
    # required cells
    for col in TABLES[table]:
        if col.required and col.name in frame.columns:
            if col.kind == "dates":
                continue
            missing = out[col.name].isna().to_numpy()
            if unreadable[col.name] is not None:
                missing &= ~unreadable[col.name]
            rep.cells(missing, col.name, "пустая ячейка в обязательном столбце")
    if table in MERGED_TABLES:
        merged = _merge_repeated_records(table, out, frame)
        if len(merged) != len(out):
            out, frame = merged, frame.loc[merged.index]
            rep = _Report(table, frame, problems)
    if table == "values":
        keep = _merge_repeated_values(out, rep)
        if not keep.all():
            out, frame = out[keep], frame[keep]
            rep = _Report(table, frame, problems)
    _check_rules(table, out, frame, rep)
    return out.reset_index(drop=True)


# Reference tables: the same record may be repeated on several sheets (a «Форма 1» plan sheet and fact sheet
# both list the indicators). Repeats that agree are one record; only conflicting repeats are errors.
MERGED_TABLES = ("indicators", "schools")


def _merge_repeated_records(table: str, out: pd.DataFrame, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop later rows that repeat an earlier row's key and agree with it (blanks agree with anything),
    filling the earlier row's blanks from them. Conflicting repeats stay for the duplicate-key check.

    A value a layout only guessed (its frame has a true `_guessed_<field>` cell, e.g. a direction assumed
    «больше — лучше») counts as blank here, so a stated value on another sheet wins without a conflict."""
    keys = list(KEYS[table])
    key_frame = out[keys].astype(object).where(out[keys].notna(), None)
    dup = key_frame.duplicated(keep=False)
    if not dup.any():
        return out
    orig = out
    out = out.copy()
    guesses: dict[str, np.ndarray] = {}
    if frame is not None:
        for c in frame.columns:
            field = c[len("_guessed_"):]
            if c.startswith("_guessed_") and field in out.columns:
                mask = frame[c].astype("boolean").fillna(False).to_numpy(dtype=bool)
                if mask.any():
                    guesses[field] = mask
                    out.loc[mask, field] = None
    drop: list[Any] = []
    cols = [c for c in out.columns if c not in keys]
    for _, idxs in key_frame[dup].groupby(keys, dropna=False, sort=False).groups.items():
        idxs = list(idxs)
        first = idxs[0]
        for later in idxs[1:]:
            a, b = out.loc[first, cols], out.loc[later, cols]
            agree = all(pd.isna(x) or pd.isna(y) or x == y for x, y in zip(a, b))
            if agree:
                for c in cols:
                    if pd.isna(out.at[first, c]) and not pd.isna(out.at[later, c]):
                        out.at[first, c] = out.at[later, c]
                drop.append(later)
    for field, mask in guesses.items():  # a guess nobody contradicted stays
        restore = mask & out[field].isna().to_numpy()
        out.loc[restore, field] = orig.loc[restore, field]
    return out.drop(index=drop) if drop else out


def _merge_repeated_values(out: pd.DataFrame, rep: _Report) -> np.ndarray:
    """A value repeated on another sheet — the baseline and target a methodologist copies from the «План» sheet
    to the «Факт» sheet — is one value when equal; when it differs, that is one error naming both cells. Returns
    the rows to keep (later repeats dropped either way, so the duplicate check does not report them again)."""
    keys = list(KEYS["values"])
    key_frame = out[keys].astype(object).where(out[keys].notna(), None)
    dup = key_frame.duplicated(keep=False).to_numpy()
    keep = np.ones(len(out), dtype=bool)
    if not dup.any():
        return keep
    sheets = rep.frame["_sheet"] if "_sheet" in rep.frame.columns else pd.Series(None, index=out.index)
    labels = {"baseline": "базовое значение", "target": "целевое значение", "plan": "плановое значение",
              "fact": "фактическое значение"}
    for _, idxs in key_frame[dup].groupby(keys, dropna=False, sort=False).groups.items():
        idxs = list(idxs)
        if len({sheets.at[i] for i in idxs}) < 2:
            continue  # repeated within one sheet: a real duplicate, reported by the duplicate check
        first = idxs[0]
        for later in idxs[1:]:
            same = all((pd.isna(out.at[first, c]) and pd.isna(out.at[later, c])) or out.at[first, c] == out.at[later, c]
                       for c in ("value", "low", "high"))
            if not same:
                file, sheet, row = rep._meta(first)
                kind = labels.get(out.at[first, "kind"], out.at[first, "kind"])
                rep.problems.append(Problem(
                    "error", f"{kind} за {out.at[first, 'year']} год на этом листе — "
                             f"{_num(out.at[later, 'value'])}, а на листе «{sheet}» (строка {row}, столбец "
                             f"«{rep.column_label('value', first)}») — {_num(out.at[first, 'value'])}; исправьте одно "
                             "из них", file=rep._meta(later)[0], sheet=rep._meta(later)[1], row=rep._meta(later)[2],
                    column=rep.column_label("value", later), value=None))
            keep[out.index.get_loc(later)] = False
    return keep


def _num(v: Any) -> str:
    if v is None or pd.isna(v):
        return "пусто"
    return str(int(v)) if float(v).is_integer() else f"{v:g}".replace(".", ",")


def _empty(col: Column, n: int) -> pd.Series:
    if col.kind == "int" or col.kind == "year":  # all missing, built from arrays (no per-cell coercion)
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool)))
    if col.kind == "float":
        return pd.Series(np.full(n, np.nan))
    if col.kind == "dates":
        return pd.Series([[] for _ in range(n)], dtype=object)
    return pd.Series([None] * n, dtype=object)


def _check_rules(table: str, out: pd.DataFrame, frame: pd.DataFrame, rep: _Report) -> None:
    spec = {c.name: c for c in TABLES[table]}

    def shown(name: str) -> pd.Series:
        """The cell as found in the file when there is one (so «6,5» is quoted as written)."""
        return frame[name] if name in frame.columns else out[name]

    for name, col in spec.items():
        s = out[name]
        if col.kind == "int":
            rep.cells((s < 0).fillna(False), name, "отрицательное количество", shown(name))
        elif col.kind == "year":
            rep.cells(((s < YEAR_MIN) | (s > YEAR_MAX)).fillna(False), name,
                      f"год вне допустимого диапазона {YEAR_MIN}–{YEAR_MAX}", shown(name))
        elif col.kind == "float" and name.endswith("_pct"):
            rep.cells(((s < 0) | (s > 100)).fillna(False), name, "доля вне диапазона 0–100 %", shown(name))
    if table == "results":
        p = out["participants"]
        p = p.where(p >= 0)  # a negative count is reported once, not again as «more than −5 participants»
        for name, what in (("below_min", "не преодолевших порог"), ("high_scorers", "высокобалльников")):
            rep.cells((out[name] > p).fillna(False), name,
                      lambda i, what=what: f"число {what} больше числа участников ({_i(p.at[i])})", shown(name))
        marks = out[["mark2", "mark3", "mark4", "mark5"]]
        msum = marks.sum(axis=1, min_count=1)
        rep.cells((msum > p).fillna(False), "mark2",
                  lambda i: f"сумма отметок «2»–«5» больше числа участников ({_i(msum.at[i])} > {_i(p.at[i])})", msum)
        vpr = out[["lowered", "confirmed", "raised"]]
        vsum = vpr.sum(axis=1, min_count=1)
        rep.cells((vsum > p).fillna(False), "lowered",
                  lambda i: f"понизили + подтвердили + повысили больше числа участников ({_i(vsum.at[i])} > {_i(p.at[i])})",
                  vsum)
        rep.cells((p == 0).fillna(False) & out["mean"].notna(), "participants",
                  "средний балл указан при нуле участников", p, severity="warning")
        mean = out["mean"]
        exam = out["exam"]
        score = exam.isin(list(SCORE_EXAMS))
        mark = exam.isin(list(MARK_EXAMS))
        rep.cells((score & ((mean < 0) | (mean > 100))).fillna(False), "mean",
                  "средний балл ЕГЭ вне шкалы 0–100", shown("mean"))
        rep.cells((mark & ((mean < 2) | (mean > 5))).fillna(False), "mean",
                  "средняя отметка вне шкалы 2–5 (ОГЭ, ВПР и ГВЭ оцениваются отметками)", shown("mean"))
        g = out["grade"]
        rep.cells(((g < 1) | (g > 11)).fillna(False), "grade", "класс вне диапазона 1–11", shown("grade"))
        known = exam.isin(list(_EXAM_LOOKUP.values())) | exam.isna()
        rep.cells(~known, "exam", "неизвестная процедура; ожидается ЕГЭ, ОГЭ, ВПР, ГВЭ, Пробный ЕГЭ, Пробный ОГЭ "
                                  "или Муниципальная диагностика", exam)
    if table == "values":
        rep.cells((out["low"] > out["high"]).fillna(False), "low", "нижняя граница больше верхней", shown("low"))
    if table == "indicators":
        t = out["tolerance"]
        rep.cells((t < 0).fillna(False), "tolerance", "допуск — в единицах показателя (п. п., отметки, баллы), не меньше 0",
                  shown("tolerance"))
    _check_duplicates(table, out, rep)


def _i(v: Any) -> str:
    return "" if pd.isna(v) else str(int(v))


def _check_duplicates(table: str, out: pd.DataFrame, rep: _Report) -> None:
    keys = list(KEYS[table])
    if not out[keys].duplicated().any():  # typed columns: missing values already compare equal, as below
        return
    key_frame = out[keys].astype(object).where(out[keys].notna(), None)
    if key_frame.isna().all(axis=1).all():
        return
    dup = key_frame.duplicated(keep="first")
    if not dup.any():
        return
    first = key_frame.reset_index().groupby(keys, dropna=False)["index"].transform("first")
    first.index = out.index
    headers = ", ".join(f"«{rep.header_of[k]}»" for k in keys)

    def message(i: Any) -> str:
        return f"повтор строки с тем же ключом ({headers}); первая такая строка — {_where(rep, first.at[i])}"

    keytext = pd.Series(None, index=out.index, dtype=object)
    keytext[dup] = key_frame[dup].apply(lambda r: " / ".join("" if v is None else str(v) for v in r), axis=1)
    rep.cells(dup, None, message, keytext)


def _where(rep: _Report, idx: Any) -> str:
    file, sheet, row = rep._meta(idx)
    parts = []
    if file:
        parts.append(f"файл «{file}»")
    if sheet:
        parts.append(f"лист «{sheet}»")
    if row is not None:
        parts.append(f"строка {row}")
    return ", ".join(parts) or "выше"


def validate(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Typed tables for every model table (empty where no frame was given) and all problems found."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        frame = frames.get(table)
        if frame is None or len(frame) == 0:
            tables[table] = validate_table(table, pd.DataFrame({c: [] for c in columns(table)}), [])
            continue
        tables[table] = validate_table(table, frame, problems)
    return tables, problems
