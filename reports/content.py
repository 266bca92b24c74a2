"""What does each document say, taken from the store's tables through `metrics/`?

Three gatherers, one per document, return plain dataclasses of texts and numbers
(no layout): `programme_content` (the half-year or school-year progress report),
`brief_content` (the one-page meeting brief) and `handout_content` (one school's
interview handout). `reports.programme`, `reports.brief` and `reports.handout`
lay them out; nothing here computes a statistic `metrics/` does not already give.

Every status and flag carries an `metrics.explain.Explanation`. `explanation_of`
is the one adapter from today's metric rows (a `reason` sentence) to those objects:
when `metrics/` hands out an `explanation` column, it is used as is.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

import metrics as M
from metrics.explain import Explanation, Point, Quantity, plain, point_text
from metrics.lists import LISTS, list_changes
from metrics.periods import Period
from metrics.plan_fact import STATUS_TEXT
from metrics.roadmap import plan_names, school_events, split_responsible
from ui import format as fmt
from metrics.objectivity import FLAG_SHORT as OBJECTIVITY_SIGNS

STATUS_LABELS = {**STATUS_TEXT, "no data": "нет данных"}
STATUS_TONES = {"achieved": "good", "near": "near", "missed": "bad", "no data": "none"}
VERDICTS = {True: "достигнет", False: "не достигнет", None: "нельзя сказать"}
VERDICT_TONES = {True: "good", False: "bad", None: None}
OTHER_GROUP = "Прочие показатели"
COMING_DAYS = 183          # «coming up» after a period: the next half-year
SOON_DAYS = 30             # the brief's «due within 30 days»
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z0-9«])")


# --------------------------------------------------------------------------- explanations

def _fixed(text: str) -> Point:
    """A point that is one fixed sentence (braces escaped: the text is never a template)."""
    return Point(str(text).strip().replace("{", "{{").replace("}", "}}"))


def explanation_of(row: Any) -> Explanation:
    """The structured reason of a metric row (plan_vs_fact, forecast, risk or objectivity flag).

    Uses the row's `explanation` when `metrics/` provides one; today's rows carry a Russian
    `reason` text, turned into an Explanation whose headline is its first sentence and whose
    points are the others. This is the one place to change when `metrics/` switches over.
    """
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    given = get("explanation", None)
    if isinstance(given, Explanation):
        return given
    text = get("reason", None)
    if fmt.is_missing(text) or not str(text).strip():
        return plain("")
    parts = [s.strip() for s in _SENTENCE_END.split(str(text).strip()) if s.strip()]
    return Explanation(headline=_fixed(parts[0]), points=tuple(_fixed(p) for p in parts[1:]))


def headline(e: Explanation) -> str:
    return point_text(e.headline).rstrip(".")


def points(e: Explanation, limit: int | None = None) -> list[str]:
    items = [point_text(p).rstrip(".") for p in e.points]
    return items if limit is None else items[:limit]


def sentence(template: str, *args: Any) -> Explanation:
    """A one-sentence explanation written here (a conclusion), numbers as Quantities."""
    return Explanation(headline=Point(template, tuple(args)))


# --------------------------------------------------------------------------- shared inputs

@dataclass
class Inputs:
    """What every document reads: the store's tidy tables, today's date and the settings."""
    tables: dict[str, pd.DataFrame]
    today: date
    settings: dict[str, Any] | None = None
    commitments: pd.DataFrame | None = None    # store.Store.commitments() (interview records)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    def has(self, *names: str) -> bool:
        return all(len(self.table(n)) > 0 for n in names)


def school_names(schools: pd.DataFrame) -> dict[str, str]:
    """school_id → short name (else the full name), the latest registry year winning."""
    if schools is None or schools.empty:
        return {}
    s = schools.assign(_y=pd.to_numeric(schools["year"], errors="coerce").fillna(-1)).sort_values("_y")
    s = s.drop_duplicates("school_id", keep="last")
    short = s["short_name"].where(s["short_name"].notna() & (s["short_name"].astype(str).str.strip() != ""), s["name"])
    return dict(zip(s["school_id"].astype(str), short.astype(str)))


def school_full_name(schools: pd.DataFrame, school_id: str) -> str:
    if schools is None or schools.empty:
        return ""
    rows = schools[schools["school_id"].astype(str) == str(school_id)]
    if rows.empty:
        return ""
    rows = rows.assign(_y=pd.to_numeric(rows["year"], errors="coerce").fillna(-1)).sort_values("_y")
    name = rows["name"].iloc[-1]
    return "" if fmt.is_missing(name) else str(name)


def _district(df: pd.DataFrame) -> pd.DataFrame:
    if df is None or df.empty:
        return df
    sid = df["school_id"]
    return df[sid.isna() | (sid.astype(str).str.strip() == "")]


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


# --------------------------------------------------------------------------- indicators

@dataclass
class IndicatorLine:
    indicator_id: str
    name: str
    group: str
    unit: str
    baseline: str
    plan: str
    fact: str
    deviation: str
    status: str                 # achieved | near | missed | no data | schools
    status_text: str
    forecast: str               # «достигнет (23,1 %)»
    verdict: bool | None
    final_year: int | None
    explanation: Explanation
    forecast_explanation: Explanation
    level: str = "district"     # district | schools (an indicator measured per school only)


def _plan_and_forecast(inp: Inputs, year: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """plan_vs_fact (one year, or every year) and forecast_to_target of every indicator × school."""
    return (M.plan_vs_fact(inp.table("indicators"), inp.table("values"), year=year, settings=inp.settings),
            M.forecast_to_target(inp.table("indicators"), inp.table("values"), settings=inp.settings))


def _scope(df: pd.DataFrame, school_id: str | None) -> pd.DataFrame:
    """The district's rows (school_id None) or one school's."""
    return _district(df) if school_id is None else df[df["school_id"].astype(str) == str(school_id)]


def _forecast_text(f: Any, unit: str) -> str:
    """«не достигнет (5,6 %)»: the verdict and the trend value in the final year."""
    verdict = None if f is None or fmt.is_missing(f.get("will_reach")) else bool(f["will_reach"])
    if verdict is None:
        return VERDICTS[None]
    return f"{VERDICTS[verdict]} ({fmt.value(f.get('forecast'), unit)})"


def indicator_lines(inp: Inputs, year: int, school_id: str | None = None) -> list[IndicatorLine]:
    """Every indicator with a plan or a fact in `year` — for the district (school_id None) or one school.

    For the district, an indicator kept only per school gets one line saying how many schools
    reached their plan."""
    if not inp.has("indicators", "values"):
        return []
    pvf, fc = _plan_and_forecast(inp, year)
    mine, fmine = _scope(pvf, school_id), _scope(fc, school_id)
    forecasts = {r["indicator_id"]: r for r in fmine.to_dict("records")}
    lines = []
    for r in mine.to_dict("records"):
        unit = "" if fmt.is_missing(r.get("unit")) else str(r["unit"])
        f = forecasts.get(r["indicator_id"])
        verdict = None if f is None or fmt.is_missing(f.get("will_reach")) else bool(f["will_reach"])
        lines.append(IndicatorLine(
            indicator_id=str(r["indicator_id"]), name=str(r["name"]), group=_group(r.get("group")), unit=unit,
            baseline=fmt.value(r.get("baseline"), unit),
            plan=fmt.plan_text(r.get("plan"), r.get("plan_low"), r.get("plan_high"), unit),
            fact=fmt.value(r.get("fact"), unit),
            deviation=fmt.change(r.get("deviation"), unit, fmt.digits_for(unit, r.get("fact"))),
            status=str(r["status"]), status_text=STATUS_LABELS.get(str(r["status"]), "нет данных"),
            forecast=_forecast_text(f, unit), verdict=verdict,
            final_year=None if f is None or fmt.is_missing(f.get("final_year")) else int(f["final_year"]),
            explanation=explanation_of(r),
            forecast_explanation=explanation_of(f) if f is not None else plain("Прогноза нет.")))
    if school_id is None:
        lines += _school_level_lines(pvf, {ln.indicator_id for ln in lines})
    return lines


def _group(g: Any) -> str:
    return OTHER_GROUP if fmt.is_missing(g) or not str(g).strip() else str(g).strip()


def _school_level_lines(pvf: pd.DataFrame, done: set[str]) -> list[IndicatorLine]:
    """One district line per indicator kept only per school: how many schools reached the plan."""
    schools = pvf[pvf["school_id"].notna() & ~pvf["indicator_id"].isin(done)]
    out = []
    for ind, rows in schools.groupby("indicator_id", sort=False):
        judged = rows[rows["status"] != "no data"]
        n, ok = len(judged), int((judged["status"] == "achieved").sum())
        first = rows.iloc[0]
        unit = "" if fmt.is_missing(first.get("unit")) else str(first["unit"])
        e = sentence("Школьный показатель: план достигли {0} из {1} школ с планом и фактом.",
                     Quantity(ok, "schools"), Quantity(n, "schools")) if n else plain("Фактов по школам нет.")
        out.append(IndicatorLine(
            indicator_id=str(ind), name=str(first["name"]), group=_group(first.get("group")), unit=unit,
            baseline="—", plan="по школам", fact="по школам", deviation="—", status="schools",
            status_text=f"достигли {ok} из {n} школ" if n else "нет данных", forecast="—", verdict=None,
            final_year=None,
            explanation=e, forecast_explanation=plain("Прогноз — в карточках школ."), level="schools"))
    return out


def forecast_header(lines: list[IndicatorLine]) -> str:
    """«Прогноз на 2027 г.» when every forecast aims at one year, else «Прогноз к концу программы»."""
    years = {ln.final_year for ln in lines if ln.final_year is not None}
    return f"Прогноз на {years.pop()} г." if len(years) == 1 else "Прогноз к концу программы"


def grouped(lines: list[IndicatorLine], indicators: pd.DataFrame) -> list[tuple[str, list[IndicatorLine]]]:
    """Lines by programme group, groups in the programme's order (as first met in its indicator list)."""
    order = list(dict.fromkeys(_group(g) for g in indicators.get("group", pd.Series(dtype=object))))
    groups: dict[str, list[IndicatorLine]] = {}
    for ln in lines:
        groups.setdefault(ln.group, []).append(ln)
    # district indicators first (in the programme's order), groups kept only per school after them, «прочие» last
    per_school = {g for g, lns in groups.items() if all(ln.level == "schools" for ln in lns)}
    keys = sorted(groups, key=lambda g: (g == OTHER_GROUP, g in per_school,
                                         order.index(g) if g in order else len(order)))
    return [(g, groups[g]) for g in keys]


@dataclass
class IndicatorSeries:
    name: str
    unit: str
    years: list[int]
    facts: list[float | None]
    plans: list[float | None]
    target: float | None
    final_year: int | None


def indicator_series(inp: Inputs, indicator_ids: list[str], school_id: str | None = None) -> list[IndicatorSeries]:
    """Fact and plan by year (district or one school) for charts."""
    if not indicator_ids:
        return []
    pvf, fc = (_scope(df, school_id) for df in _plan_and_forecast(inp, None))
    out = []
    for ind in indicator_ids:
        rows = pvf[pvf["indicator_id"] == ind].sort_values("year")
        if rows.empty:
            continue
        f = fc[fc["indicator_id"] == ind]
        target = _num(f["target"].iloc[0]) if len(f) else None
        final = int(f["final_year"].iloc[0]) if len(f) and not fmt.is_missing(f["final_year"].iloc[0]) else None
        out.append(IndicatorSeries(
            name=str(rows["name"].iloc[0]), unit="" if fmt.is_missing(rows["unit"].iloc[0]) else str(rows["unit"].iloc[0]),
            years=[int(y) for y in rows["year"]], facts=[_num(v) for v in rows["fact"]],
            plans=[_num(v) for v in rows["plan"]], target=target, final_year=final))
    return out


# --------------------------------------------------------------------------- roadmap

@dataclass
class EventLine:
    number: str
    title: str
    section: str
    responsible: str
    date: str                  # the date that matters for its list (completion, control date)
    state: str                 # done_on_time | done_late | overdue | coming
    detail: str = ""           # «45 дн. просрочки», «через 12 дн.»
    explanation: Explanation = field(default_factory=lambda: plain(""))


ROADMAP_LISTS = {"done_on_time": "Выполнено в срок", "done_late": "Выполнено с опозданием",
                 "overdue": "Просрочено", "coming": "Предстоит"}
ROADMAP_TONES = {"done_on_time": "good", "done_late": "near", "overdue": "bad", "coming": "info"}


def _responsible(x: Any) -> str:
    return "" if fmt.is_missing(x) else ", ".join(p.strip() for p in str(x).splitlines() if p.strip())


def _event(r: dict, state: str, when: Any, detail: str = "") -> EventLine:
    return EventLine(number=str(r.get("number") or ""), title=str(r.get("title") or ""),
                     section="" if fmt.is_missing(r.get("section")) else str(r["section"]),
                     responsible=_responsible(r.get("responsible")), date=fmt.date_ru(when), state=state,
                     detail=detail, explanation=explanation_of(r))


def _days(n: int) -> str:
    return f"{n} {fmt.plural(n, 'день', 'дня', 'дней')}"


def roadmap_lines(inp: Inputs, start: date, end: date, as_of: date, coming_days: int) -> list[EventLine]:
    """Events done in [start, end] (on time or late), overdue on `as_of`, and due in the `coming_days` after it."""
    if not inp.has("events"):
        return []
    progress = M.roadmap_progress(inp.table("events"), on_date=as_of, settings=inp.settings)
    out: list[EventLine] = []
    completed = pd.to_datetime(progress["completion_date"], errors="coerce")
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    for r, when in zip(progress.to_dict("records"), completed):
        if r["state"] == "done" and not pd.isna(when) and lo <= when <= hi:
            late = r.get("done_on_time") is False
            detail = f"контрольная дата {fmt.date_ru(r.get('final_date') if late else r.get('last_passed_date'))}" \
                if late else ""
            out.append(_event(r, "done_late" if late else "done_on_time", when, detail))
        elif r["state"] == "overdue":
            n = int(r["days_overdue"]) if not fmt.is_missing(r.get("days_overdue")) else 0
            out.append(_event(r, "overdue", r.get("last_passed_date"), f"просрочено на {_days(n)}"))
    due = M.events_due(progress, on_date=as_of + timedelta(days=1), days=coming_days, settings=inp.settings)
    for r in due.to_dict("records"):
        if r["state"] != "overdue":
            out.append(_event(r, "coming", r["due_date"], f"через {_days(int(r['days_left']) + 1)}"))
    return out


def roadmap_table(lines: list[EventLine], by: str) -> pd.DataFrame:
    """Counts per section or responsible party: done_on_time, done_late, overdue, coming (one party per line)."""
    cols = list(ROADMAP_LISTS)
    if not lines:
        return pd.DataFrame(columns=[by, *cols])
    df = pd.DataFrame([{"section": ln.section or "Не указан", "responsible": ln.responsible.replace(", ", "\n"),
                        "state": ln.state} for ln in lines])
    if by == "responsible":
        df = split_responsible(df)
    counts = pd.crosstab(df[by], df["state"]).reindex(columns=cols, fill_value=0)
    counts = counts.reindex(list(dict.fromkeys(df[by]))).reset_index()
    counts.columns.name = None
    return counts


# --------------------------------------------------------------------------- risk lists and objectivity

@dataclass
class FlagLine:
    school_id: str
    school: str
    flag: str
    label: str
    severity: str
    explanation: Explanation


def risk_lines(inp: Inputs, year: int, names: dict[str, str], school_id: str | None = None) -> list[FlagLine]:
    if not inp.has("results"):
        return []
    flags = M.risk_flags(inp.table("results"), inp.table("schools"), year=year, settings=inp.settings)
    if school_id is not None:
        flags = flags[flags["school_id"].astype(str) == str(school_id)]
    order = {"flag": 0, "warning": 1, "good": 2}
    flags = flags.assign(_o=flags["severity"].map(order).fillna(3)).sort_values(["_o"], kind="stable")
    return [FlagLine(str(r["school_id"]), names.get(str(r["school_id"]), str(r["school_id"])), str(r["flag"]),
                     str(r["label"]) if not fmt.is_missing(r.get("label")) else fmt.flag_label(r["flag"]),
                     str(r["severity"]), explanation_of(r)) for r in flags.to_dict("records")]


@dataclass
class ListChange:
    list_name: str             # ШНОР | ШНСУ
    entered: list[str]
    left: list[str]
    stayed: list[str]


def list_change_lines(inp: Inputs, year: int, names: dict[str, str]) -> list[ListChange]:
    if not inp.has("results"):
        return []
    now = M.risk_flags(inp.table("results"), inp.table("schools"), year=year, settings=inp.settings)
    before = M.risk_flags(inp.table("results"), inp.table("schools"), year=year - 1, settings=inp.settings)
    out = []
    for flag, title in LISTS.items():
        ch = list_changes(now, before, flag)
        pick = {k: [names.get(s, s) for s in ch.loc[ch["change"] == k, "school_id"]] for k in ("entered", "left", "stayed")}
        out.append(ListChange(title, pick["entered"], pick["left"], pick["stayed"]))
    return out


@dataclass
class ObjectivityLine:
    school: str
    works: int
    flagged: int
    years_flagged: int
    signs: str


def objectivity_lines(inp: Inputs, year: int, names: dict[str, str]) -> tuple[list[ObjectivityLine], int]:
    """Schools with ВПР signs of biased marking in `year`, and how many schools wrote ВПР at all."""
    if not inp.has("results"):
        return [], 0
    flags = M.objectivity_flags(inp.table("results"), year=year, settings=inp.settings)
    summary = M.objectivity_summary(flags, year)
    out = []
    for r in summary[summary["n_flagged_rows"] > 0].to_dict("records"):
        signs = ", ".join(OBJECTIVITY_SIGNS.get(c, c) for c in r["flags"])
        out.append(ObjectivityLine(names.get(str(r["school_id"]), str(r["school_id"])), int(r["n_rows"]),
                                   int(r["n_flagged_rows"]), int(r["years_flagged"]), signs))
    return out, int(len(summary))


# --------------------------------------------------------------------------- interview commitments

COMMITMENT_STATES = {"done": "выполнено", "open": "в работе", "overdue": "просрочено"}
COMMITMENT_TONES = {"done": "good", "open": None, "overdue": "bad"}


def commitment_state(due: Any, done_on: Any, on_date: date) -> str:
    """done when marked done; overdue when its date has passed; open otherwise."""
    if not fmt.is_missing(done_on) and str(done_on).strip():
        return "done"
    try:
        d = pd.Timestamp(due).date()
    except (ValueError, TypeError):
        return "open"
    return "overdue" if d < on_date else "open"


def with_states(commitments: pd.DataFrame | None, on_date: date) -> pd.DataFrame:
    """Live (not withdrawn) commitments with a `state` column, by due date."""
    if commitments is None or commitments.empty:
        return pd.DataFrame(columns=[*(commitments.columns if commitments is not None else []), "state"])
    c = commitments[commitments["withdrawn_at"].isna()].copy()
    c["state"] = [commitment_state(d, x, on_date) for d, x in zip(c["due"], c["done_on"])]
    return c.sort_values(["due", "item_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the programme report

@dataclass
class ProgrammeContent:
    period: Period
    as_of: date
    made_on: date
    indicators: list[tuple[str, list[IndicatorLine]]]
    counts: dict[str, int]
    off_plan: list[IndicatorSeries]
    off_plan_lines: list[IndicatorLine]
    roadmap: list[EventLine]
    coming_until: date
    roadmap_by_section: pd.DataFrame
    roadmap_by_party: pd.DataFrame
    lists: list[ListChange]
    objectivity: list[ObjectivityLine]
    vpr_schools: int
    conclusions: list[Explanation]
    proposals: list[Explanation]
    open_commitments: int = 0
    overdue_commitments: int = 0


class MissingData(Exception):
    """The data a document needs is not in the store; the message is Russian."""


def programme_content(inp: Inputs, period: Period) -> ProgrammeContent:
    year = period.data_year
    if not inp.has("indicators", "values") and not inp.has("events"):
        raise MissingData("Нет ни показателей программы, ни плана мероприятий: отчёт о ходе выполнения "
                          "программы не из чего составить. Загрузите «Форму 1» показателей и план мероприятий.")
    names = school_names(inp.table("schools"))
    lines = indicator_lines(inp, year)
    if not lines and not inp.has("events"):
        raise MissingData(f"За {year} год нет ни плана, ни факта по показателям программы, и план мероприятий "
                          "не загружен.")
    counts = {k: sum(1 for ln in lines if ln.status == k) for k in STATUS_LABELS}
    off = [ln for ln in lines if ln.status == "missed"]
    as_of = period.as_of(inp.today)
    coming_until = as_of + timedelta(days=COMING_DAYS)
    roadmap = roadmap_lines(inp, period.start, period.end, as_of, COMING_DAYS)
    lists = list_change_lines(inp, year, names)
    objectivity, vpr_schools = objectivity_lines(inp, year, names)
    commitments = with_states(inp.commitments, as_of)
    content = ProgrammeContent(
        period=period, as_of=as_of, made_on=inp.today, indicators=grouped(lines, inp.table("indicators")),
        counts=counts, off_plan=indicator_series(inp, [ln.indicator_id for ln in off]), off_plan_lines=off,
        roadmap=roadmap, coming_until=coming_until, roadmap_by_section=roadmap_table(roadmap, "section"),
        roadmap_by_party=roadmap_table(roadmap, "responsible"), lists=lists, objectivity=objectivity,
        vpr_schools=vpr_schools, conclusions=[], proposals=[],
        open_commitments=int((commitments["state"] == "open").sum()) if len(commitments) else 0,
        overdue_commitments=int((commitments["state"] == "overdue").sum()) if len(commitments) else 0)
    content.conclusions, content.proposals = conclusions(content, lines)
    return content


def short_name(name: str) -> str:
    """An indicator's name without its trailing unit («Доля школ …, %» → «Доля школ …»)."""
    return re.sub(r",\s*(%|шт\.?|чел\.?|балл(ы|ов)?|ч\.?)\s*$", "", str(name)).strip()


def lower_first(text: str) -> str:
    """«Факт 5,6 %…» → «факт 5,6 %…» after a colon (an abbreviation such as «ВПР» stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _names(items: list[str], limit: int = 6) -> str:
    shown = [f"«{x}»" for x in items[:limit]]
    rest = len(items) - limit
    return ", ".join(shown) + (f" и ещё {rest}" if rest > 0 else "")


def conclusions(c: ProgrammeContent, lines: list[IndicatorLine]) -> tuple[list[Explanation], list[Explanation]]:
    """A draft of conclusions and proposals in plain Russian, every claim from the content's explanations."""
    out: list[Explanation] = []
    prop: list[Explanation] = []
    year = c.period.data_year
    judged = [ln for ln in lines if ln.level == "district"]
    if judged:
        out.append(sentence("По итогам периода ({0}) из {1} показателей программы достигнуто {2}, близко к плану — {3}, "
                            "не достигнуто — {4}, нет данных для оценки — {5}", c.period.label,
                            Quantity(len(judged), "works"), Quantity(c.counts["achieved"], "works"),
                            Quantity(c.counts["near"], "works"), Quantity(c.counts["missed"], "works"),
                            Quantity(c.counts["no data"], "works")))
    for ln in c.off_plan_lines:
        e = ln.explanation
        out.append(Explanation(headline=Point("Не достигнут показатель «{0}»: {1}", (short_name(ln.name),
                                                                                    lower_first(headline(e)))),
                               points=e.points[:1]))
    miss = [ln for ln in judged if ln.verdict is False]
    if miss:
        out.append(sentence("По линейному прогнозу к концу программы не будут достигнуты целевые значения {0} "
                            "показателей: {1}", Quantity(len(miss), "works"),
                            _names([short_name(m.name) for m in miss], 3)))
        prop.append(sentence("Рассмотреть дополнительные меры по {0} показателям, целевые значения которых по прогнозу "
                             "не будут достигнуты (раздел 1, столбец прогноза); при необходимости скорректировать "
                             "план мероприятий", Quantity(len(miss), "works")))
    if c.off_plan_lines:
        prop.append(sentence("Проанализировать причины недостижения плановых значений {0} года по {1} показателям "
                             "(раздел 2) и обсудить их с ответственными", str(year),
                             Quantity(len(c.off_plan_lines), "works")))
    nodata = [ln for ln in judged if ln.status == "no data"]
    if nodata:
        prop.append(sentence("Обеспечить сбор фактических значений и планов по {0} показателям без данных за {1} год",
                             Quantity(len(nodata), "works"), str(year)))
    by = {k: [e for e in c.roadmap if e.state == k] for k in ROADMAP_LISTS}
    if c.roadmap:
        out.append(sentence("План мероприятий: за период выполнено {0} мероприятий, из них в срок — {1}; "
                            "просрочено на {2} — {3}", Quantity(len(by["done_on_time"]) + len(by["done_late"]), "works"),
                            Quantity(len(by["done_on_time"]), "works"), fmt.date_ru(c.as_of),
                            Quantity(len(by["overdue"]), "works")))
    if by["overdue"]:
        prop.append(sentence("Установить новые сроки просроченных мероприятий ({0}) и назначить ответственных за "
                             "контроль их выполнения", ", ".join(f"№ {e.number}" for e in by["overdue"][:8])))
    for ch in c.lists:
        if ch.entered or ch.left:
            parts = []
            if ch.entered:
                parts.append(f"вошли {_names(ch.entered)}")
            if ch.left:
                parts.append(f"вышли {_names(ch.left)}")
            out.append(sentence("Список {0} ({1} год к {2}): {3}; всего в списке {4}", ch.list_name, str(year),
                                str(year - 1), "; ".join(parts), Quantity(len(ch.entered) + len(ch.stayed), "schools")))
        elif ch.stayed:
            out.append(sentence("Список {0} не изменился: {1}", ch.list_name, _names(ch.stayed)))
    low = next((ch for ch in c.lists if ch.list_name == "ШНОР"), None)
    if low and (low.entered or low.stayed):
        prop.append(sentence("Продолжить адресную методическую поддержку школ из списка ШНОР ({0}); провести "
                             "собеседования с их руководителями по итогам периода", _names(low.entered + low.stayed)))
    if c.objectivity:
        out.append(sentence("Признаки необъективности результатов ВПР {0} года выявлены в {1} из {2} школ: {3}",
                            str(year), Quantity(len(c.objectivity), "schools"), Quantity(c.vpr_schools, "schools"),
                            _names([o.school for o in c.objectivity])))
        prop.append(sentence("Организовать общественное наблюдение и перепроверку работ ВПР в школах с признаками "
                             "необъективности: {0}", _names([o.school for o in c.objectivity])))
    elif c.vpr_schools:
        out.append(sentence("Признаков необъективности результатов ВПР {0} года не выявлено ({1} школ)", str(year),
                            Quantity(c.vpr_schools, "schools")))
    if c.overdue_commitments:
        prop.append(sentence("Проконтролировать договорённости по итогам собеседований: просрочено {0}, в работе {1}",
                             Quantity(c.overdue_commitments, "works"), Quantity(c.open_commitments, "works")))
    return out, prop


# --------------------------------------------------------------------------- the meeting brief

@dataclass
class BriefContent:
    year: int
    on_date: date
    off_plan: list[IndicatorLine]
    near_plan: list[IndicatorLine]
    counts: dict[str, int]
    schools: list[tuple[str, list[FlagLine]]]     # school name, its risk flags (severity "flag")
    overdue: list[EventLine]
    due_soon: list[EventLine]
    overdue_commitments: pd.DataFrame


def brief_content(inp: Inputs, year: int) -> BriefContent:
    if not inp.has("indicators", "values") and not inp.has("results") and not inp.has("events"):
        raise MissingData("В хранилище нет ни показателей программы, ни результатов, ни плана мероприятий: "
                          "справку не из чего составить.")
    names = school_names(inp.table("schools"))
    lines = [ln for ln in indicator_lines(inp, year) if ln.level == "district"]
    flags = [f for f in risk_lines(inp, year, names) if f.severity == "flag"]
    per_school: dict[str, list[FlagLine]] = {}
    for f in flags:
        per_school.setdefault(f.school, []).append(f)
    schools = sorted(per_school.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    on = inp.today
    roadmap = roadmap_lines(inp, on, on, on, SOON_DAYS)
    commitments = with_states(inp.commitments, on)
    return BriefContent(
        year=year, on_date=on, off_plan=[ln for ln in lines if ln.status == "missed"],
        near_plan=[ln for ln in lines if ln.status == "near"],
        counts={k: sum(1 for ln in lines if ln.status == k) for k in STATUS_LABELS}, schools=schools,
        overdue=sorted([e for e in roadmap if e.state == "overdue"], key=lambda e: e.date[-4:] + e.date[3:5] + e.date[:2]),
        due_soon=[e for e in roadmap if e.state == "coming"],
        overdue_commitments=commitments[commitments["state"] == "overdue"] if len(commitments) else commitments)


# --------------------------------------------------------------------------- the interview handout

@dataclass
class ResultLine:
    exam: str
    subject: str
    grade: str
    n: int
    mean: float
    low: float | None
    high: float | None
    district: float | None
    digits: int
    verdict: str               # below | above | same | small
    below_share: float | None
    district_below: float | None


VERDICT_TEXT = {"below": "значимо ниже района", "above": "значимо выше района", "same": "не отличается",
                "small": "мало участников"}
MARK_SCALE = 5.5           # a mean up to this is a 2–5 mark, above it a 100-point score
COMPULSORY = re.compile(r"русск|математ", re.IGNORECASE)


def result_lines(inp: Inputs, school_id: str, year: int) -> list[ResultLine]:
    if not inp.has("results"):
        return []
    iv = M.intervals(inp.table("results"), year=year, settings=inp.settings)
    iv = iv[iv["school_id"].astype(str) == str(school_id)]
    out = []
    for r in iv.sort_values(["exam", "subject", "grade"]).to_dict("records"):
        if fmt.is_missing(r.get("mean")):
            continue
        verdict = ("small" if bool(r.get("small_n")) else "below" if bool(r.get("significantly_below"))
                   else "above" if bool(r.get("significantly_above")) else "same")
        digits = 2 if float(r["mean"]) <= MARK_SCALE else 1   # a 2–5 mark (also base maths ЕГЭ) or a score
        out.append(ResultLine(str(r["exam"]), str(r["subject"]), "" if fmt.is_missing(r.get("grade")) else str(int(r["grade"])),
                              int(r["participants"]) if not fmt.is_missing(r.get("participants")) else 0,
                              float(r["mean"]), _num(r.get("mean_low")), _num(r.get("mean_high")),
                              _num(r.get("district_mean")), digits, verdict, _num(r.get("below_share")),
                              _num(r.get("district_below_share"))))
    return out


def key_results(rows: list[ResultLine]) -> tuple[list[ResultLine], list[ResultLine]]:
    """(ГИА rows: ЕГЭ, ОГЭ, ГВЭ — compulsory subjects and every significant difference;
    ВПР and other rows that differ significantly from the district)."""
    gia = [r for r in rows if r.exam in ("ЕГЭ", "ОГЭ", "ГВЭ")]
    gia = [r for r in gia if COMPULSORY.search(r.subject) or r.verdict in ("below", "above")]
    other = [r for r in rows if r.exam not in ("ЕГЭ", "ОГЭ", "ГВЭ") and r.verdict in ("below", "above")]
    return gia, other


@dataclass
class HandoutContent:
    school_id: str
    school: str
    full_name: str
    year: int
    on_date: date
    flags: list[FlagLine]
    results: list[ResultLine]
    gia: list[ResultLine]
    other: list[ResultLine]
    indicators: list[IndicatorLine]
    events: list[dict]
    commitments: pd.DataFrame          # the last interview's items and earlier ones still open, with state
    last_interview: str                # «12.03.2026» or ""
    objectivity: ObjectivityLine | None
    vpr_works: int


def _school_events(inp: Inputs, school_id: str, names: list[str], on_date: date) -> list[dict]:
    if not inp.has("events"):
        return []
    progress = M.roadmap_progress(inp.table("events"), on_date=on_date, settings=inp.settings)
    mine = school_events(progress, school_id, names)
    if mine is None or mine.empty:
        return []
    return [{"number": str(r.get("number") or ""), "title": str(r.get("title") or ""),
             "state": str(r["state"]), "state_text": fmt.state_label(r["state"]),
             "date": fmt.date_ru(r.get("next_date") if not fmt.is_missing(r.get("next_date")) else r.get("final_date")),
             "responsible": _responsible(r.get("responsible"))} for r in mine.to_dict("records")]


def last_commitments(commitments: pd.DataFrame | None, school_id: str, on_date: date) -> tuple[pd.DataFrame, str]:
    """The items of the school's last interview, plus earlier items still open, with states."""
    c = with_states(commitments, on_date)
    if c.empty:
        return c, ""
    c = c[c["school_id"].astype(str) == str(school_id)]
    if c.empty:
        return c, ""
    last = c["held_on"].max()
    keep = (c["held_on"] == last) | (c["state"] != "done")
    return c[keep].reset_index(drop=True), fmt.date_ru(last)


def handout_content(inp: Inputs, school_id: str, year: int) -> HandoutContent:
    names = school_names(inp.table("schools"))
    known = set(names) | (set(inp.table("results")["school_id"].astype(str)) if inp.has("results") else set())
    if str(school_id) not in known:
        raise MissingData(f"Школы с кодом «{school_id}» нет ни в реестре, ни в результатах.")
    label = names.get(str(school_id), str(school_id))
    full = school_full_name(inp.table("schools"), school_id)
    results = result_lines(inp, school_id, year)
    indicators = indicator_lines(inp, year, school_id)
    if not results and not indicators and not inp.has("events"):
        raise MissingData(f"За {year} год по школе «{label}» нет ни результатов, ни показателей программы.")
    gia, other = key_results(results)
    written = list(plan_names(inp.table("schools"), school_id, label))
    objectivity, _ = objectivity_lines(inp, year, names)
    own = next((o for o in objectivity if o.school == label), None)
    vpr = sum(1 for r in results if r.exam == "ВПР")
    commitments, last = last_commitments(inp.commitments, school_id, inp.today)
    return HandoutContent(
        school_id=str(school_id), school=label, full_name=full if full != label else "", year=year,
        on_date=inp.today, flags=risk_lines(inp, year, names, school_id), results=results, gia=gia, other=other,
        indicators=indicators, events=_school_events(inp, school_id, written, inp.today),
        commitments=commitments, last_interview=last, objectivity=own, vpr_works=vpr)
