"""How do files become validated tidy tables?

One pipeline for every source: bytes → grids per sheet (`grid.read_sheets`) →
the layout that recognises each sheet best (or the user's override) → raw
frames → filling what the sheet only implies (year and procedure from the
title, sheet or file name; grade 11 for ЕГЭ, 9 for ОГЭ) → school names matched
to the registry (a registry loaded in the same batch counts) → validation.

`load_files(paths)`, `load_bytes(name, data)` and `load_many([(name, data)])`
return a `LoadResult`. Any error anywhere means no tables at all: a load is
accepted whole or not at all. No exception escapes as a traceback; a failure
inside a layout becomes one Russian error for that sheet.
"""
from __future__ import annotations

import gc
import logging
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from loaders import headers as H
from loaders import personal, vocabulary
from loaders.cells import CellError, find_year, map_unique, parse_year
from loaders.grid import Sheet, read_sheets
from loaders.known import apply_known
from loaders.layouts import LAYOUTS, get as get_layout
from loaders.layouts.base import Context, Parsed
from loaders.layouts.tabular import canonical_exam, find_exam, find_grade, header_candidates, plan_sheet
from loaders.model import TABLE_TITLES, TABLES
from loaders.proposals import GENERATED, PROPOSED, merge_variants
from loaders.report import LoadError, LoadResult, Problem, empty_table, unique_problems
from loaders.school_names import fuzzy_notice, match_many
from loaders.thresholds import find_subject
from loaders.validate import MISSING_HINTS, validate

log = logging.getLogger(__name__)

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".csv", ".txt", ".tsv")
MIN_CONFIDENCE = 0.3
SKIP_SHEETS = {"пояснения", "инструкция", "справка", "readme"}
GRADE_BY_EXAM = {"ЕГЭ": 11, "Пробный ЕГЭ": 11, "ОГЭ": 9, "Пробный ОГЭ": 9}
SCAN_PERSONS = 60  # header rows and first data rows looked at for a column of people's names
_REGISTRY_NAME_RE = re.compile(r"реестр|школ|registry|schools|контекст", re.I)


def load_files(paths: Iterable[str | Path], **kwargs: Any) -> LoadResult:
    """Load files (folders are expanded to the spreadsheet files inside them) as one batch."""
    items: list[tuple[str, bytes]] = []
    pre: list[Problem] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix.lower() in SPREADSHEET_EXTENSIONS:
                    items.append((str(child), child.read_bytes()))
            continue
        if not path.exists():
            pre.append(Problem("error", "файл не найден", file=str(path)))
            continue
        try:
            items.append((str(path), path.read_bytes()))
        except OSError:
            pre.append(Problem("error", "файл не удалось прочитать (нет доступа?)", file=str(path)))
    result = load_many(items, **kwargs)
    if pre:
        result.problems[:0] = pre
        _drop_tables(result)
    return result


def load_bytes(name: str, data: bytes, **kwargs: Any) -> LoadResult:
    """Load one file given as bytes (an upload)."""
    return load_many([(name, data)], **kwargs)


def load_many(items: list[tuple[str, bytes]], *, year: int | None = None, exam: str | None = None,
              table: str | None = None, layout: str | None = None, mapping: dict[str, str] | None = None,
              registry: pd.DataFrame | None = None, aliases: dict[str, str] | None = None,
              settings: dict | None = None, known_indicators: pd.DataFrame | None = None,
              mappings: Any = None) -> LoadResult:
    """Load several files as one batch: registries first, then everything else; validate all together.

    registry / aliases: the schools already held and saved name aliases (names are matched against them).
    known_indicators: the indicators already held; a guessed or blank unit, direction or group of a known
    indicator takes the known value (`loaders.known`).
    mappings: saved header mappings, signature → {header: field} (a dict or a callable); without them the
    mappings file of `loaders.mappings` is read. An explicit `mapping` applies to every sheet and wins.
    """
    with _cyclic_gc_paused():
        return _load_many(items, year=year, exam=exam, table=table, layout=layout, mapping=mapping,
                          registry=registry, aliases=aliases, settings=settings,
                          known_indicators=known_indicators, mappings=mappings)


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while a batch loads.

    Reading a 100,000-row sheet makes about a million small objects (the grid's row lists), and every
    few hundred allocations the collector would walk them, and everything else alive, again: ~8 % of a
    load. The load makes no reference cycles worth collecting meanwhile; collection resumes afterwards.
    Process-wide but safe across threads: whoever found it enabled turns it back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_many(items: list[tuple[str, bytes]], *, year: int | None, exam: str | None, table: str | None,
               layout: str | None, mapping: dict[str, str] | None, registry: pd.DataFrame | None,
               aliases: dict[str, str] | None, settings: dict | None, known_indicators: pd.DataFrame | None,
               mappings: Any) -> LoadResult:
    result = LoadResult()
    sheets: list[Sheet] = []
    for name, data in items:
        if not name.lower().endswith(SPREADSHEET_EXTENSIONS) and not _looks_like_workbook(data):
            result.problems.append(Problem("warning", "файл пропущен: это не таблица (читаются xlsx, xlsm, xls, "
                                                      "ods, csv)", file=name))
            continue
        try:
            sheets.extend(read_sheets(name, data, settings))
        except LoadError as exc:
            result.problems.append(exc.problem)
        except Exception:  # never a traceback for a user's file
            log.exception("unexpected failure reading %s", name)
            result.problems.append(Problem("error", "файл не удалось прочитать: он повреждён или имеет "
                                                    "неизвестный формат", file=name))
    return load_sheets(sheets, result=result, year=year, exam=exam, table=table, layout=layout, mapping=mapping,
                       registry=registry, aliases=aliases, settings=settings, known_indicators=known_indicators,
                       mappings=mappings)


def _looks_like_workbook(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def load_sheets(sheets: list[Sheet], *, result: LoadResult | None = None, year: int | None = None,
                exam: str | None = None, table: str | None = None, layout: str | None = None,
                mapping: dict[str, str] | None = None, registry: pd.DataFrame | None = None,
                aliases: dict[str, str] | None = None, settings: dict | None = None,
                known_indicators: pd.DataFrame | None = None, mappings: Any = None) -> LoadResult:
    """Run the pipeline on grids already read (files, Google Sheets); options as in `load_many`."""
    result = result or LoadResult()
    try:
        return _load_sheets(sheets, result, year=year, exam=exam, table=table, layout=layout, mapping=mapping,
                            registry=registry, aliases=aliases, settings=settings,
                            known_indicators=known_indicators, mappings=mappings)
    except Exception as exc:  # a loader bug must reach the user as a Russian sentence, never a traceback
        log.error("the pipeline failed: %s", type(exc).__name__)  # no message or traceback: they may quote cells
        files = sorted({s.file for s in sheets})
        result.problems.append(Problem("error", f"файл не удалось разобрать: внутренняя ошибка загрузчика "
                                                f"({type(exc).__name__}); укажите год, процедуру и тип таблицы при "
                                                "загрузке или сообщите разработчикам",
                                       file=", ".join(files) or None))
        return _drop_tables(result)


def _load_sheets(sheets: list[Sheet], result: LoadResult, *, year: int | None, exam: str | None,
                 table: str | None, layout: str | None, mapping: dict[str, str] | None,
                 registry: pd.DataFrame | None, aliases: dict[str, str] | None, settings: dict | None,
                 known_indicators: pd.DataFrame | None = None, mappings: Any = None) -> LoadResult:
    if table is not None and table not in TABLES:
        result.problems.append(Problem("error", f"неизвестный тип таблицы «{table}»; допустимо: "
                                                + ", ".join(TABLES)))
        return _drop_tables(result)
    if layout is not None and get_layout(layout) is None:
        result.problems.append(Problem("error", f"неизвестный макет «{layout}»; допустимо: "
                                                + ", ".join(l.name for l in LAYOUTS)))
        return _drop_tables(result)
    if exam is not None:
        exam = canonical_exam(exam)
    mappings = _saved_mappings(mappings)

    def ctx_for(sheet: Sheet, reg: pd.DataFrame | None) -> Context:
        return Context(file=sheet.file, year=year, exam=exam, table=table, layout=layout,
                       mapping=dict(mapping or {}), registry=reg, aliases=dict(aliases or {}), settings=settings,
                       known_indicators=known_indicators, mappings=mappings)

    # Registries first, so names in results of the same batch match against them.
    order = sorted(range(len(sheets)), key=lambda k: 0 if _is_registry_sheet(sheets[k], ctx_for(sheets[k], None))
                   else 1)
    frames: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    loaded_registry: list[pd.DataFrame] = []
    for k in order:
        sheet = sheets[k]
        reg = _combined_registry(registry, loaded_registry)
        ctx = ctx_for(sheet, reg)
        parsed = _parse_sheet(sheet, ctx, result)
        if parsed is None:
            continue
        for t, frame in parsed.tables.items():
            if t not in TABLES or frame is None:
                continue
            frame = _prepare(t, frame, parsed, sheet, ctx, result)
            if _missing_context(t, frame, sheet, result):
                continue  # the sheet's rows cannot be keyed; the load already has an error
            frames[t].append(frame)
            if t == "schools" and len(frame) and PROPOSED not in frame.columns:
                loaded_registry.append(frame)  # a registry; schools a results file names are only proposed

    combined = {t: _concat(fs) for t, fs in frames.items()}
    _settle_proposals(combined, result)
    _separate_event_plans(combined, result)
    reg = _combined_registry(registry, loaded_registry)
    for t, frame in combined.items():
        if frame is not None and len(frame) and t != "schools":
            combined[t] = _resolve_schools(t, frame, reg, aliases or {}, result)
    if combined.get("indicators") is not None:
        combined["indicators"] = apply_known(combined["indicators"], known_indicators)
    if combined.get("values") is not None:
        combined["values"] = _resolve_indicators(combined["values"], combined.get("indicators"), result)
    tables, problems = validate({t: f for t, f in combined.items() if f is not None})
    result.problems.extend(problems)
    result.tables = tables
    if sheets or result.problems:  # something was given to read
        _unused_choices(result, table=table, exam=exam, year=year)
    result.problems = unique_problems(result.problems)
    if result.errors:
        _drop_tables(result)
    return result


def _unused_choices(result: LoadResult, *, table: str | None, exam: str | None, year: int | None) -> None:
    """Say what the user's choices could not be applied to, and refuse a load that understood nothing."""
    has = {t for t, f in result.tables.items() if f is not None and len(f)}
    if exam is not None and "results" not in has and not result.errors:
        result.problems.append(Problem("warning", f"процедура «{exam}» выбрана при загрузке, но в файле нет "
                                                  "результатов — выбор не применён"))
    if year is not None and not has & {"results", "values", "events"} and not result.errors:
        result.problems.append(Problem("warning", f"год {year} выбран при загрузке, но в файле нет результатов, "
                                                  "значений показателей или мероприятий — выбор не применён"))
    if has or result.errors:
        return
    files = ", ".join(sorted({str(p.file) for p in result.problems if p.file} |
                             {str(d["file"]) for d in result.detected})) or None
    if table is not None:
        message = (f"ни один лист не читается как «{TABLE_TITLES[table]}» (выбранный тип таблицы): ничего не "
                   "загружено; проверьте выбор или сопоставьте столбцы")
    elif result.detected:
        where = ", ".join(sorted({f"«{d['sheet']}»" for d in result.detected}))
        message = (f"в файле только заголовки таблицы (лист {where}), строк с данными нет — загружать нечего")
    else:
        message = ("в файле не понято ничего: ни один лист не похож на известную таблицу — укажите тип таблицы и "
                   "сопоставьте столбцы (в окне загрузки или --table и --map)")
    result.problems.append(Problem("error", message, file=files))


def _separate_event_plans(combined: dict[str, pd.DataFrame | None], result: LoadResult) -> None:
    """Two plans of events in one load numbered alike (a workbook with a plan on each of two sheets): the later
    sheet's numbers take its name («Sheet5: 1.1») so that no event replaces another; one warning says so."""
    events = combined.get("events")
    if events is None or "number" not in events.columns or events["_sheet"].nunique() < 2:
        return
    where = events["_file"].astype(str) + "\x00" + events["_sheet"].astype(str)
    numbers = events["number"].map(_norm_id)
    seen: set = set()
    events = events.copy()
    for place in where.unique():
        mine = where == place
        clash = set(numbers[mine]) & seen
        if clash:
            sheet = str(events.loc[mine, "_sheet"].iloc[0])
            events.loc[mine, "number"] = numbers[mine].map(lambda n: f"{sheet}: {n}")
            result.problems.append(Problem(
                "warning", f"номера мероприятий этого листа уже есть на другом листе ({len(clash)}): номера "
                           f"записаны с именем листа — «{sheet}: {sorted(clash)[0]}»",
                file=str(events.loc[mine, "_file"].iloc[0]), sheet=sheet))
        seen |= set(events.loc[mine, "number"].map(_norm_id))
    combined["events"] = events


def _settle_proposals(combined: dict[str, pd.DataFrame | None], result: LoadResult) -> None:
    """Schools proposed from results files (no registry loaded): spellings of one school across the sheets of the
    load become one school (with a warning), each school is listed once, and one warning per file says that its
    schools are only proposed."""
    schools = combined.get("schools")
    if schools is None or PROPOSED not in schools.columns:
        return
    remap, problems = merge_variants(schools)
    result.problems.extend(problems)
    if remap:
        for t in ("schools", "results", "values"):
            frame = combined.get(t)
            if frame is not None and "school_id" in frame.columns:
                frame["school_id"] = frame["school_id"].map(lambda v: remap.get(v, v))
    proposed = schools[PROPOSED].fillna(False).astype(bool)
    dup = proposed & schools["school_id"].duplicated(keep="first")
    schools = schools[~dup.to_numpy()].reset_index(drop=True)
    combined["schools"] = schools
    made = schools[GENERATED].fillna(False).astype(bool) if GENERATED in schools.columns else proposed
    for file, grp in schools[schools[PROPOSED].fillna(False).astype(bool)].groupby("_file", sort=False):
        codes = "созданными кодами" if made[grp.index].all() else "кодами из файла"
        result.problems.append(Problem(
            "warning", f"реестр школ не загружен: {len(grp)} школ(ы) из этого файла предложены как реестр с {codes} "
                       "— проверьте их или загрузите реестр вместе с файлом", file=file))


def _saved_mappings(mappings: Any) -> Any:
    """The saved header mappings for one load: the caller's lookup asked once per signature, or — without
    one — the mappings file read once."""
    if mappings is None:
        from loaders.mappings import load_all
        return load_all()
    if not callable(mappings):
        return mappings
    seen: dict[str, Any] = {}

    def lookup(signature: str) -> Any:
        if signature not in seen:
            try:
                seen[signature] = mappings(signature)
            except Exception:  # a store that cannot answer: read as if nothing were saved
                log.error("saved mapping lookup failed")
                seen[signature] = None
        return seen[signature]
    return lookup


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    # all-empty columns carry no dtype information; leaving them out keeps pandas' dtype inference stable
    return pd.concat([f.dropna(axis=1, how="all") for f in frames], ignore_index=True).reindex(columns=columns)


def _drop_tables(result: LoadResult) -> LoadResult:
    result.tables = {t: empty_table(t) for t in TABLES}
    return result


def _is_registry_sheet(sheet: Sheet, ctx: Context) -> bool:
    if _REGISTRY_NAME_RE.search(Path(sheet.file).name) or _REGISTRY_NAME_RE.search(sheet.name):
        plan = plan_sheet(sheet, ctx)
        return plan is not None and plan.table == "schools"
    return False


def _combined_registry(given: pd.DataFrame | None, loaded: list[pd.DataFrame]) -> pd.DataFrame | None:
    parts = []
    if given is not None and len(given):
        parts.append(given[[c for c in ("school_id", "name", "short_name") if c in given.columns]])
    for f in loaded:
        cols = [c for c in ("school_id", "name", "short_name") if c in f.columns]
        if "school_id" in cols:
            part = f[cols].copy()
            for c in cols:
                part[c] = part[c].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                      else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()))
            parts.append(part)
    if not parts:
        return None
    reg = pd.concat(parts, ignore_index=True)
    reg = reg[reg["school_id"].notna() & (reg["school_id"].astype(str) != "")]
    return reg.drop_duplicates("school_id").reset_index(drop=True)


def _ranked_layouts(sheet: Sheet, ctx: Context) -> list[tuple[Any, float]]:
    """The layouts that recognise the sheet, surest first (the user's layout alone when given)."""
    if ctx.layout:
        return [(get_layout(ctx.layout), 1.0)]
    found = []
    for lay in LAYOUTS:
        try:
            score = float(lay.detect(sheet, ctx))
        except Exception:  # a layout's detector must never break the load
            log.exception("layout %s failed to detect on %s/%s", lay.name, sheet.file, sheet.name)
            continue
        if score >= MIN_CONFIDENCE:
            found.append((lay, score))
    return sorted(found, key=lambda x: -x[1])


# Tables a layout may give beside the one the user asked for (--table): the schools a results file proposes,
# the indicators whose values a sheet holds.
COMPANIONS = {"results": {"schools"}, "values": {"indicators"}}


def _obey_table(parsed: Parsed, table: str, lay: Any, sheet: Sheet, result: LoadResult) -> bool:
    """Keep only the asked-for table (and its companions); False when the layout did not give it at all."""
    if table not in parsed.tables:
        return False
    extra = [t for t in parsed.tables if t != table and t not in COMPANIONS.get(table, ())]
    for t in extra:
        del parsed.tables[t]
    if extra:
        result.problems.append(Problem(
            "warning", f"по выбранному типу таблицы («{TABLE_TITLES[table]}») с листа загружается только он; не "
                       f"загружено: {', '.join('«' + TABLE_TITLES[t] + '»' for t in extra)}", file=sheet.file,
            sheet=sheet.name))
    return True


def _offer_description(sheet: Sheet, result: LoadResult, status: str, table: str | None = None,
                       header_row: int | None = None, header_rows: int = 1) -> None:
    """Let the user say what a sheet is: its header candidates go into `LoadResult.sheet_headers`."""
    if sheet.file in result.personal_files:
        return  # a list of people is never offered for reading column by column
    result.sheet_headers.append({"file": sheet.file, "sheet": sheet.name, "status": status, "table": table,
                                 "header_row": header_row, "header_rows": header_rows,
                                 "candidates": header_candidates(sheet)})


def _mark_personal(file: str, result: LoadResult) -> None:
    if file not in result.personal_files:
        result.personal_files.append(file)


def _note_names(sheet: Sheet, result: LoadResult) -> None:
    """A sheet nobody could read may still list people (a class list): its file's bytes are never kept."""
    width = max((len(r) for r in sheet.rows[:SCAN_PERSONS]), default=0)
    for top in range(min(len(sheet.rows), 10)):
        if personal.name_column(sheet, top, width) is not None:
            _mark_personal(sheet.file, result)
            return


def _names_instead_of_schools(parsed: Parsed, sheet: Sheet, result: LoadResult) -> bool:
    """A table whose school (or name) column holds people's names is a list of pupils, whatever layout read it:
    it is refused with one error, never loaded as schools or results, and its file's bytes are never kept."""
    for table, frame in parsed.tables.items():
        for field in (H.SCHOOL_NAME, "name"):
            if frame is None or field not in frame.columns or table not in ("results", "schools", "values"):
                continue
            if personal.names_share(frame[field].head(personal.SAMPLE)) >= personal.SHARE:
                _mark_personal(sheet.file, result)
                result.problems.append(Problem(
                    "error", "в столбце школы — имена людей: это список учащихся, а не таблица по школам; такой "
                             "список читается как протокол, если в нём есть столбцы школы и балла или отметки "
                             "(имена не сохраняются)", file=sheet.file, sheet=sheet.name))
                return True
    return False


def _not_results(sheet: Sheet) -> str | None:
    """What a sheet that looks like results but is not holds, as a phrase («заявления на участие в экзамене
    («Информация о поданных … заявлениях…»)»); None for any other sheet. Read from its title lines: the rows
    above the table that hold a single text."""
    for row in sheet.rows[:10]:
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        if len([v for v in row if not (v is None or v == "")]) == 1 and texts and vocabulary.is_applications(texts[0]):
            title = " ".join(texts[0].split())
            return f"заявления на участие в экзамене («{title[:120]}»)"
    return None


def _parse_sheet(sheet: Sheet, ctx: Context, result: LoadResult) -> Parsed | None:
    if not any(not (v is None or v == "") for r in sheet.rows[:200] for v in r):
        return None  # an empty sheet says nothing
    if ctx.table is None and ctx.layout is None:
        what = _not_results(sheet)
        if what:
            result.problems.append(Problem(
                "warning", f"лист пропущен: это {what}, а не результаты — ничего не загружено; если это всё же "
                           "таблица результатов, укажите тип таблицы (--table results)", file=sheet.file,
                sheet=sheet.name))
            return None
    ranked = _ranked_layouts(sheet, ctx)
    if not ranked:
        _note_names(sheet, result)
        _offer_description(sheet, result, "skipped")
        if sheet.name.strip().lower() not in SKIP_SHEETS:
            result.problems.append(Problem(
                "warning", "лист пропущен: не найдена ни одна известная таблица (реестр школ, показатели, значения "
                           "показателей, план мероприятий, результаты). Проверьте заголовки столбцов или укажите "
                           "тип таблицы (--table) и соответствие столбцов (--map)", file=sheet.file, sheet=sheet.name))
        return None
    for lay, score in ranked:
        try:
            parsed = lay.parse(sheet, ctx)
        except Exception as exc:
            log.exception("layout %s failed on %s/%s", lay.name, sheet.file, sheet.name)
            result.problems.append(Problem("error", f"лист не удалось разобрать как «{lay.title}»: внутренняя ошибка "
                                                    f"({type(exc).__name__}); проверьте структуру листа или выберите "
                                                    "другой макет", file=sheet.file, sheet=sheet.name))
            return None
        if ctx.table is None or _obey_table(parsed, ctx.table, lay, sheet, result):
            break
    else:
        found = ", ".join(f"«{TABLE_TITLES.get(t, t)}»" for t in parsed.tables) or "ничего"
        result.problems.append(Problem(
            "warning", f"лист не читается как «{TABLE_TITLES[ctx.table]}» (выбранный тип таблицы): на нём найдено "
                       f"{found} — лист не загружен", file=sheet.file, sheet=sheet.name))
        return None
    if parsed.info.get("personal"):
        _mark_personal(sheet.file, result)
    elif _names_instead_of_schools(parsed, sheet, result):
        return None
    result.problems.extend(parsed.problems)
    header_texts = parsed.info.get("header_texts") or parsed.unplaced_columns
    signature = parsed.info.get("signature") or H.header_signature(list(header_texts))
    for t, frame in parsed.tables.items():
        result.detected.append({"file": sheet.file, "sheet": sheet.name, "layout": lay.name, "title": lay.title,
                                "table": t, "rows": 0 if frame is None else int(len(frame)),
                                "confidence": round(score, 2), "signature": signature,
                                **{k: v for k, v in parsed.info.items() if k in ("year", "exam", "header_row",
                                                                                 "groups", "total_rows_skipped")}})
    if parsed.unplaced_columns:
        _offer_description(sheet, result, "read", next(iter(parsed.tables), None), parsed.info.get("header_row"),
                           2 if parsed.info.get("groups") else 1)
    for col in parsed.unplaced_columns:
        result.unplaced_columns.append({"file": sheet.file, "sheet": sheet.name, "column": col,
                                        "signature": signature})
        result.problems.append(Problem("warning", "столбец не распознан и не загружен; сопоставьте его с полем "
                                                  "модели (--map «Заголовок=поле»)", file=sheet.file,
                                       sheet=sheet.name, column=col))
    for u in parsed.unmatched_schools:
        result.unmatched_schools.append({"file": sheet.file, "sheet": sheet.name, **u})
    return parsed


def _prepare(table: str, frame: pd.DataFrame, parsed: Parsed, sheet: Sheet, ctx: Context,
             result: LoadResult) -> pd.DataFrame:
    """Add where-from columns and fill what the sheet implies (year, procedure, grade)."""
    frame = frame.copy(deep=False)
    frame["_file"] = sheet.file
    frame["_sheet"] = sheet.name
    if "_row" not in frame.columns:
        frame["_row"] = None
    for field, header in parsed.headers.get(table, {}).items():
        if f"_col_{field}" not in frame.columns:
            frame[f"_col_{field}"] = header
    if table == "results":
        _check_override(frame, "year", ctx.year, sheet, result, "год", map_year)
        _check_override(frame, "exam", ctx.exam, sheet, result, "процедура", canonical_exam)
        _fill(frame, "year", ctx.year, parsed.info.get("year"), find_year(sheet.name), find_year(Path(sheet.file).name))
        _fill(frame, "exam", ctx.exam, parsed.info.get("exam"), find_exam(sheet.name), find_exam(Path(sheet.file).name))
        _fill(frame, "subject", None, *(find_subject(t) for t in (*parsed.info.get("titles", ()), sheet.name,
                                                                 Path(sheet.file).stem)))
        named = next((g for g in (find_grade(t) for t in (*parsed.info.get("titles", ()), sheet.name,
                                                            Path(sheet.file).name)) if g), None)
        if "exam" in frame.columns:  # without it validation names what is missing and how to give it
            frame["exam"] = map_unique(frame["exam"], canonical_exam)
            grade = map_unique(frame["exam"], lambda e: named or GRADE_BY_EXAM.get(e))
            if "grade" not in frame.columns:
                frame["grade"] = grade
            else:
                blank = _blank_cells(frame["grade"])
                if blank.any():
                    frame["grade"] = frame["grade"].where(~blank, grade)
    elif table == "values" and ctx.year is not None:
        if not _check_override(frame, "year", ctx.year, sheet, result, "год", map_year):
            _fill(frame, "year", None, ctx.year)  # only where the sheet gives no year
    return frame


def map_year(v: Any) -> Any:
    try:
        return parse_year(v)
    except CellError:
        return v


def _check_override(frame: pd.DataFrame, field: str, override: Any, sheet: Sheet, result: LoadResult, what: str,
                    canon: Any) -> bool:
    """The user's year or procedure against the one the sheet's own cells state: another value is refused with
    one error (never silently replaced); True when it was refused."""
    if override is None or field not in frame.columns or str(frame.get(f"_col_{field}", pd.Series([""])).iloc[0] if
                                                                 len(frame) else "").startswith("("):
        return False
    stated = {canon(v) for v in frame[field] if not (v is None or (isinstance(v, float) and np.isnan(v))
                                                     or (isinstance(v, str) and not v.strip()))}
    other = sorted(str(v) for v in stated if v != canon(override))
    if not other:
        return False
    result.problems.append(Problem(
        "error", f"{what} выбран(а) при загрузке — {override}, а в ячейках листа — {', '.join(other[:5])}: выбор не "
                 f"применён; уберите его или исправьте файл", file=sheet.file, sheet=sheet.name))
    return True


def _missing_context(table: str, frame: pd.DataFrame, sheet: Sheet, result: LoadResult) -> bool:
    """Report (once per sheet) a key field the sheet gives nowhere — no column, title, sheet or file name, no
    override — e.g. results without a procedure; True when the sheet's rows must be left out."""
    if not len(frame):
        return False
    missing = [f for (t, f) in MISSING_HINTS if t == table
               and (f not in frame.columns or bool(_blank_cells(frame[f]).all()))]
    for f in missing:
        result.problems.append(Problem("error", MISSING_HINTS[(table, f)], file=sheet.file, sheet=sheet.name))
    return bool(missing)


def _fill(frame: pd.DataFrame, field: str, override: Any, *fallbacks: Any) -> None:
    if override is not None:
        frame[field] = override
        frame[f"_col_{field}"] = "(задано при загрузке)"
        return
    fallback = next((f for f in fallbacks if f is not None), None)
    if field not in frame.columns:
        if fallback is not None:
            frame[field] = fallback
            frame[f"_col_{field}"] = "(из заголовка или имени файла)"
        return
    if fallback is not None:
        blank = _blank_cells(frame[field])
        if blank.any():
            frame.loc[blank, field] = fallback


def _blank_cells(col: pd.Series) -> pd.Series:
    """None, NaN or whitespace-only text, judged once per distinct value."""
    return map_unique(col, lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                      or (isinstance(v, str) and not v.strip())).astype(bool)


def _norm_id(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _resolve_schools(table: str, frame: pd.DataFrame, registry: pd.DataFrame | None,
                     aliases: dict[str, str], result: LoadResult) -> pd.DataFrame:
    """Fill school_id from school names (matched once per distinct name); report unknown and ambiguous names."""
    has_name = H.SCHOOL_NAME in frame.columns
    ids = map_unique(frame["school_id"], _norm_id) if "school_id" in frame.columns else pd.Series(None, index=frame.index,
                                                                                            dtype=object)
    known_ids = set(registry["school_id"].astype(str)) if registry is not None and len(registry) else None
    drop = pd.Series(False, index=frame.index)
    if known_ids is not None:
        unknown = ids.notna() & ~ids.isin(known_ids)
        if unknown.any():
            for code, grp in frame[unknown].groupby(ids[unknown], sort=False):
                first = grp.iloc[0]
                result.problems.append(Problem(
                    "error", f"код ОО не найден в реестре школ ({len(grp)} строк(и)); добавьте школу в реестр "
                             "или исправьте код", file=first["_file"], sheet=first["_sheet"], row=_int(first["_row"]),
                    column=_col(first, "school_id", "Код ОО"), value=code))
            drop |= unknown
    if has_name:
        names = map_unique(frame[H.SCHOOL_NAME], lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                           else str(v).strip() or None)
        need = ids.isna() & names.notna()
        if need.any():
            matches = _match_names(names[need].unique().tolist(), registry, aliases)
            other = _other_municipalities(frame, names, need, matches, result)
            drop |= other
            need &= ~other
            ids = ids.copy()
            ids[need] = map_unique(names[need], lambda n: matches[n][0])
            fuzzy = need & map_unique(names, lambda n: n is not None and n in matches
                                      and matches[n][1] == "fuzzy").astype(bool)
            for name, grp in frame[fuzzy].groupby(names[fuzzy], sort=False):
                sid, status, cands = matches[name]
                first = grp.iloc[0]
                warning, entry = fuzzy_notice(name, sid, cands, file=first["_file"], sheet=first["_sheet"],
                                              row=_int(first["_row"]),
                                              column=_col(first, H.SCHOOL_NAME, "Наименование ОО"))
                result.problems.append(warning)
                result.unmatched_schools.append({"file": first["_file"], "sheet": first["_sheet"], **entry})
            bad = need & ids.isna()
            for name, grp in frame[bad].groupby(names[bad], sort=False):
                sid, status, cands = matches[name]
                first = grp.iloc[0]
                cand_text = "; ".join(f"{c[1]} ({c[0]}, сходство {c[2]:.0f})" for c in cands[:3])
                if registry is None or not len(registry):
                    msg = "школа не найдена: реестр школ не загружен — загрузите реестр вместе с файлом"
                elif status == "ambiguous":
                    msg = f"название школы неоднозначно, похожие: {cand_text}; уточните название или сохраните псевдоним"
                else:
                    msg = "школа не найдена в реестре" + (f"; ближайшие: {cand_text}" if cand_text else "")
                result.problems.append(Problem("error", msg + f" ({len(grp)} строк(и))", file=first["_file"],
                                               sheet=first["_sheet"], row=_int(first["_row"]),
                                               column=_col(first, H.SCHOOL_NAME, "Наименование ОО"), value=name))
                result.unmatched_schools.append({"file": first["_file"], "sheet": first["_sheet"],
                                                 "row": _int(first["_row"]), "name": name, "status": status,
                                                 "candidates": list(cands)})
            drop |= bad
    frame = frame.copy(deep=False)
    frame["school_id"] = ids
    if has_name and "_col_school_id" not in frame.columns and f"_col_{H.SCHOOL_NAME}" in frame.columns:
        frame["_col_school_id"] = frame[f"_col_{H.SCHOOL_NAME}"]
    if has_name:
        frame = frame.drop(columns=[H.SCHOOL_NAME])
    return frame[~drop.to_numpy()] if drop.any() else frame


def _other_municipalities(frame: pd.DataFrame, names: pd.Series, need: pd.Series,
                          matches: dict[str, tuple[str | None, str, list]], result: LoadResult) -> pd.Series:
    """Rows of a regional file that belong to other municipalities: the district's own are those where the
    registry's schools are found by name (exactly), at least half as many as in the best one. Their rows are
    skipped with one summary line for the load; a school of an own municipality that does not match stays an
    error, and a registry school found by its exact name in another municipality is kept."""
    none = pd.Series(False, index=frame.index)
    if "municipality" not in frame.columns:
        return none
    munis = map_unique(frame["municipality"], lambda v: H.norm(v) or None if isinstance(v, str) else None)
    found = need & map_unique(names, lambda n: n in matches and matches[n][1] in ("exact", "alias")).astype(bool)
    counts = pd.Series([matches[n][0] for n in names[found]], index=names[found].index).groupby(
        munis[found]).nunique()
    if not len(counts) or counts.max() < 1:
        return none
    own = set(counts[counts >= max(1, counts.max() / 2)].index)
    other = need & munis.notna() & ~munis.isin(own)
    # a registry school found by its exact name elsewhere stays — unless its name is found in an own municipality
    # too («МБОУ СОШ № 1» of every municipality)
    ids = names.map(lambda n: matches[n][0] if n in matches else None)
    own_ids = set(ids[found & munis.isin(own)])
    other &= ~(found & ~ids.isin(own_ids))
    if other.any():
        first = frame[other].iloc[0]
        n_schools, n_munis = names[other].nunique(), munis[other].nunique()
        result.problems.append(Problem(
            "warning", f"пропущено {n_schools} школ(ы) других муниципалитетов ({n_munis}): их нет в реестре района, "
                       f"а в «{', '.join(sorted(str(frame.loc[munis == m, 'municipality'].iloc[0]) for m in own))}» "
                       "реестр найден", file=first["_file"], sheet=first["_sheet"]))
    return other


def _match_names(names: list[str], registry: pd.DataFrame | None,
                 aliases: dict[str, str]) -> dict[str, tuple[str | None, str, list]]:
    found = match_many(names, registry, aliases)
    return {n: (m.school_id, m.status, list(m.candidates)) for n, m in found.items()}


def _resolve_indicators(values: pd.DataFrame, indicators: pd.DataFrame | None, result: LoadResult) -> pd.DataFrame:
    """Fill indicator_id from an indicator name found in the indicators of the same batch."""
    if H.INDICATOR_NAME not in values.columns:
        return values
    values = values.copy()
    lookup: dict[str, str] = {}
    if indicators is not None and {"indicator_id", "name"} <= set(indicators.columns):
        for iid, name in zip(indicators["indicator_id"], indicators["name"]):
            if isinstance(name, str) and _norm_id(iid):
                lookup.setdefault(H.norm(name), _norm_id(iid))
    ids = values["indicator_id"].map(_norm_id) if "indicator_id" in values.columns else \
        pd.Series(None, index=values.index, dtype=object)
    names = values[H.INDICATOR_NAME]
    need = ids.isna() & names.notna()
    ids[need] = names[need].map(lambda n: lookup.get(H.norm(n)))
    bad = need & ids.isna()
    for name, grp in values[bad].groupby(names[bad], sort=False):
        first = grp.iloc[0]
        result.problems.append(Problem("error", "показатель не найден среди загруженных показателей программы; "
                                                "загрузите их вместе или укажите «Код показателя»",
                                       file=first["_file"], sheet=first["_sheet"], row=_int(first["_row"]),
                                       column=_col(first, H.INDICATOR_NAME, "Наименование показателя"), value=name))
    values["indicator_id"] = ids
    return values.drop(columns=[H.INDICATOR_NAME])[~bad.to_numpy()]


def _int(v: Any) -> int | None:
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None


def _col(row: pd.Series, field: str, default: str) -> str:
    v = row.get(f"_col_{field}")
    return v if isinstance(v, str) and v else default


def summary(result: LoadResult) -> list[str]:
    """Russian lines describing what was understood (for the command line and logs)."""
    lines = []
    for d in result.detected:
        lines.append(f"Файл «{d['file']}», лист «{d['sheet']}»: {TABLE_TITLES.get(d['table'], d['table'])} — "
                     f"{d['rows']} строк(и), макет «{d['title']}»")
    return lines
