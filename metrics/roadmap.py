"""Where does the event roadmap stand on a given date?

`roadmap_progress` gives each event a state — done, in_progress, overdue,
not_yet_due, continuous or unscheduled — with its dates and an explanation; a
recurring event has one state per occurrence (`roadmap_occurrences`) and a
missed occurrence makes it overdue.
`roadmap_summary` counts states by section, responsible party (several parties in
one cell are split) or direction, with the share done and the share done on time.
`events_due` lists the events whose control date falls in the next N days;
`deadline_lines` picks the few overdue and due-soon events a short list has room for.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from functools import lru_cache

from loaders.cells import join_list, split_list
from metrics.explain import Explanation, Point, render
from metrics.settings import get

STATES = ("done", "in_progress", "overdue", "not_yet_due", "continuous", "unscheduled")
STATE_LABELS = {
    "done": "выполнено",
    "in_progress": "в работе",
    "overdue": "просрочено",
    "not_yet_due": "срок не наступил",
    "continuous": "постоянно",
    "unscheduled": "без срока",
}
STATUS_LABELS = {"in_progress": "в работе", "not_done": "не выполнено", "postponed": "перенесено"}
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
NO_PARTY = "Не указано"
EVENT_COLUMNS = ["number", "section", "direction", "title", "deadline_text", "control_dates", "schedule",
                 "responsible", "expected_result", "status", "completion_date", "school_id"]


def _day(on_date: date | datetime | str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(on_date).normalize()


def control_dates_long(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event × control date: `_i` (row position in `events`) and `date` (Timestamp).

    Control dates may come as lists of ISO dates (as `python -m loaders --json` records them),
    JSON text or any text holding yyyy-mm-dd dates.
    """
    found = events["control_dates"].astype(str).str.findall(ISO_DATE) if "control_dates" in events else \
        pd.Series([[]] * len(events), index=events.index)
    long = pd.DataFrame({"_i": np.arange(len(events)), "date": found.to_numpy()}).explode("date")
    long["date"] = pd.to_datetime(long["date"], errors="coerce")
    return long[long["date"].notna()]


def roadmap_occurrences(events: pd.DataFrame, on_date: date | str) -> pd.DataFrame:
    """One row per event × control date with its own state on `on_date`: `_i` (row position in `events`), number,
    date, state ("done" | "missed" | "not_yet_due").

    An occurrence is done when the event's completion mark covers it: a completion date covers every control date
    up to and including the first one on or after it (work done early for that occurrence counts, later ones are
    not covered); a «выполнено» mark without a date covers every date up to `on_date`. A «в работе» mark records
    no occurrence. A passed occurrence that is not covered is missed — and makes the event overdue."""
    on = _day(on_date)
    ev = events.reset_index(drop=True)
    long = control_dates_long(ev).sort_values(["_i", "date"]).reset_index(drop=True)
    status = ev["status"].astype(str).str.strip().str.lower().to_numpy() if "status" in ev else np.full(len(ev), "")
    comp = pd.to_datetime(ev["completion_date"], errors="coerce") if "completion_date" in ev else \
        pd.Series(pd.NaT, index=ev.index)
    i = long["_i"].to_numpy()
    d = long["date"]
    prev = d.groupby(long["_i"]).shift(1)
    c = comp.to_numpy()[i]
    has_c = ~pd.isna(c) & (c <= on.to_datetime64())
    covered_by_date = has_c & (prev.isna().to_numpy() | (prev.to_numpy() < c))
    done_mark = (status[i] == "done") & pd.isna(c)
    covered = covered_by_date | (done_mark & (d.to_numpy() <= on.to_datetime64()))
    passed = d.to_numpy() < on.to_datetime64()
    long["number"] = ev["number"].to_numpy()[i] if "number" in ev else None
    long["state"] = np.where(covered, "done", np.where(passed, "missed", "not_yet_due"))
    return long[["_i", "number", "date", "state"]]


def roadmap_progress(events: pd.DataFrame, on_date: date | str, settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Each event's state on `on_date`, with its dates and explanation.

    Returns the event columns (`responsible` as its parties on one line: «ИМЦ, МКОУ «Родниковская СОШ»», see
    `responsible_text`) plus: state (done | in_progress | overdue | not_yet_due |
    continuous | unscheduled), state_label (Russian), next_date (first control date on or
    after on_date), last_passed_date (last control date before on_date), final_date (last
    control date), n_dates, n_missed (passed control dates not covered by a completion mark),
    missed_dates (list), days_overdue (days since the first missed date, overdue events only),
    done_on_time (True/False when the event is done and both its completion date and a
    control date are known: completed on or before the last control date; else None),
    explanation (`metrics.explain.Explanation`) and reason (its text).

    Rules: every control date is one occurrence with its own state (`roadmap_occurrences`); an event with a
    missed occurrence is overdue, whatever its mark — «Ежегодно ноябрь» marked «в работе» with three Novembers
    passed unrecorded is overdue, not «в работе». Otherwise: done = a completion mark («выполнено» or a
    completion date on or before on_date; a later completion date means not yet done on that date); a continuous
    event (schedule "continuous") is "continuous"; an event with no control date that is not continuous is
    "unscheduled" (never given an invented date); marked «в работе», or a recurring event recorded so far with
    occurrences still ahead → "in_progress"; the rest → "not_yet_due".
    """
    return _progress(events, on_date, with_reason=True)


def _progress(events: pd.DataFrame, on_date, with_reason: bool) -> pd.DataFrame:
    """`roadmap_progress`; with_reason=False leaves the explanation out (key figures need only the states)."""
    on = _day(on_date)
    ev = events.reset_index(drop=True).copy()
    for c in EVENT_COLUMNS:
        if c not in ev.columns:
            ev[c] = None
    # the parties on one line, split the one way (`responsible_text`): every page, list and report shows the same
    resp = ev["responsible"]
    ev["responsible"] = resp.map({v: responsible_text(v) or None for v in resp.dropna().unique()}).astype(object)
    ev["responsible"] = ev["responsible"].where(ev["responsible"].notna(), None)
    occ = roadmap_occurrences(ev, on)
    g = occ.groupby("_i")["date"]
    idx = pd.RangeIndex(len(ev))
    ev["next_date"] = pd.to_datetime(occ[occ["date"] >= on].groupby("_i")["date"].min().reindex(idx).to_numpy())
    ev["last_passed_date"] = pd.to_datetime(occ[occ["date"] < on].groupby("_i")["date"].max().reindex(idx).to_numpy())
    ev["final_date"] = pd.to_datetime(g.max().reindex(idx).to_numpy())
    ev["n_dates"] = g.size().reindex(idx).fillna(0).astype("int64").to_numpy()
    missed = occ[occ["state"] == "missed"]
    ev["n_missed"] = missed.groupby("_i").size().reindex(idx).fillna(0).astype("int64").to_numpy()
    first_missed = pd.Series(pd.to_datetime(missed.groupby("_i")["date"].min().reindex(idx).to_numpy()),
                             index=ev.index)
    md = missed.groupby("_i")["date"].agg(list).reindex(idx)
    ev["missed_dates"] = [x if isinstance(x, list) else [] for x in md]

    status = ev["status"].astype(str).str.strip().str.lower()
    completed_on = pd.to_datetime(ev["completion_date"], errors="coerce")
    schedule = ev["schedule"].astype(str).str.strip().str.lower()
    has_dates = ev["final_date"].notna()
    done = ((status == "done") | completed_on.notna()) & ~(completed_on > on) & (status != "not_done")
    continuous = schedule == "continuous"
    overdue = ev["n_missed"] > 0
    ahead = occ[occ["state"] == "not_yet_due"].groupby("_i").size().reindex(idx).fillna(0).to_numpy() > 0
    ongoing = done & ahead & (ev["n_dates"] > 1)  # a recurring event recorded so far, more to come
    ev["state"] = np.select(
        [overdue, ongoing, done, continuous, ~has_dates, status == "in_progress"],
        ["overdue", "in_progress", "done", "continuous", "unscheduled", "in_progress"],
        default="not_yet_due",
    )
    ev["state_label"] = ev["state"].map(STATE_LABELS)
    days = (on - first_missed).dt.days
    ev["days_overdue"] = pd.Series(days, index=ev.index).where(ev["state"] == "overdue").astype("Int64")
    on_time = completed_on <= ev["final_date"]
    known = (ev["state"] == "done") & completed_on.notna() & has_dates
    ev["done_on_time"] = pd.Series(on_time.to_numpy(), dtype=object).where(known.to_numpy(), None)
    if with_reason:
        ev["explanation"] = _explanations(ev, completed_on, status)
        ev["reason"] = ev["explanation"].map(render)
    return ev


def _date(d) -> str:
    return "" if pd.isna(d) else pd.Timestamp(d).strftime("%d.%m.%Y")


def _explanations(ev: pd.DataFrame, completed_on: pd.Series, status: pd.Series) -> list:
    """One explanation per event. The deadline text is a file string: always an argument, never a template."""
    out = []
    for i in range(len(ev)):  # events of a plan (dozens to a few thousand)
        state = ev["state"].iat[i]
        text = ev["deadline_text"].iat[i]
        text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else " ".join(str(text).split())
        mark = STATUS_LABELS.get(status.iat[i])
        caveats = (Point("отметка в плане: «{0}»", (mark,)),) if mark else ()
        comp, final = completed_on.iat[i], ev["final_date"].iat[i]
        if state == "overdue":
            k = int(ev["n_missed"].iat[i])
            dates = ev["missed_dates"].iat[i]
            if k == 1:
                head = Point("Контрольная дата {0} прошла {1} дн. назад, отметки о выполнении нет",
                             (_date(dates[0]), str(int(ev["days_overdue"].iat[i]))))
                pts = ()
            else:
                head = Point("Пропущено контрольных дат без отметки о выполнении: {0} из {1}",
                             (str(k), str(int(ev["n_dates"].iat[i]))))
                pts = (Point("пропущены: {0}", (", ".join(_date(d) for d in dates),)),)
            out.append(Explanation(head, pts, caveats, extra={"state": state}))
        elif state == "done":
            ot = ev["done_on_time"].iat[i]
            if ot is True:
                head = Point("Выполнено {0} — в срок (контрольная дата {1})", (_date(comp), _date(final)))
            elif ot is False:
                head = Point("Выполнено {0} — с опозданием на {1} дн. (контрольная дата {2})",
                             (_date(comp), str(int((comp - final).days)), _date(final)))
            elif pd.notna(comp):
                head = Point("Выполнено {0}", (_date(comp),))
            else:
                head = Point("Отмечено как выполненное")
            out.append(Explanation(head, (), (), extra={"state": state}))
        elif state == "continuous":
            out.append(Explanation(Point("Выполняется постоянно: «{0}»", (text,)) if text
                                   else Point("Выполняется постоянно"), extra={"state": state}))
        elif state == "unscheduled":
            out.append(Explanation(Point("Срок не задан датой: «{0}»", (text,)) if text else Point("Срок не задан"),
                                   extra={"state": state}))
        elif state == "in_progress":
            pts = (Point("выполнение отмечено {0}", (_date(comp),)),) if pd.notna(comp) else ()
            out.append(Explanation(Point("В работе; следующая контрольная дата {0}", (_date(ev["next_date"].iat[i]),)),
                                   pts, extra={"state": state}))
        else:
            out.append(Explanation(Point("Срок не наступил: ближайшая контрольная дата {0}",
                                         (_date(ev["next_date"].iat[i]),)), (), caveats, extra={"state": state}))
    return out


@lru_cache(maxsize=8192)
def _parties(text: str) -> tuple[str, ...]:
    return tuple(split_list(text))


def responsible_parties(value: Any) -> list[str]:
    """The responsible parties of one cell, split by `loaders.cells.split_list` — the one splitter the pages,
    the summaries, the school filter and the reports share («ИМЦ⏎МКОУ «Родниковская СОШ»» → two parties)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return list(_parties(str(value)))


def responsible_text(value: Any) -> str:
    """The parties of one cell on one line, as every table shows them: «ИМЦ, МКОУ «Родниковская СОШ»»
    (`loaders.cells.join_list`: read back as the same parties)."""
    return join_list(responsible_parties(value))


def split_responsible(progress: pd.DataFrame) -> pd.DataFrame:
    """progress with one row per responsible party (`responsible_parties`); an event with none keeps one
    «Не указано» row."""
    resp = progress["responsible"].astype(object).where(progress["responsible"].notna(), "")
    parts = [list(_parties(str(v))) or [NO_PARTY] for v in resp]
    out = progress.assign(responsible=parts).explode("responsible")
    return out.reset_index(drop=True)


def roadmap_summary(progress: pd.DataFrame, by: str | None = "section") -> pd.DataFrame:
    """Counts of event states per section, responsible party or direction (by=None: one row "Всего").

    Sections come in plan order (`_plan_number_key` of their leading number: «5.» before «5.1.»), parties in
    the order the plan first names them, directions as they first appear.

    Columns: <by> (or "group" when by=None), total, done, in_progress, overdue, not_yet_due,
    continuous, unscheduled, share_done (% of all events), n_due (events whose completion
    timing can be judged: done with known dates, or overdue), n_on_time, share_done_on_time
    (% of n_due done on or before their last control date; NaN when n_due is 0).
    An event with several responsible parties counts once for each of them.
    """
    key = by or "group"
    p = split_responsible(plan_order(progress)) if by == "responsible" else progress.copy()
    if by is None:
        p[key] = "Всего"
    p[key] = p[key].astype(object).where(p[key].notna() & (p[key].astype(str).str.strip() != ""), NO_PARTY)
    counts = pd.crosstab(p[key], p["state"]).reindex(columns=list(STATES), fill_value=0)
    order = pd.unique(p[key])
    if by == "section":
        order = sorted(order, key=_plan_number_key)  # «5.» before «5.1.», «10.» after «9.»
    counts = counts.reindex(order).fillna(0).astype("int64")
    out = counts.reset_index().rename(columns={"index": key, "row_0": key})
    out.columns.name = None
    out.insert(1, "total", counts.sum(axis=1).to_numpy())
    on_time = p["done_on_time"].eq(True)
    judged = p["done_on_time"].notna() | (p["state"] == "overdue")
    agg = pd.DataFrame({key: p[key], "n_due": judged, "n_on_time": on_time}).groupby(key, sort=False).sum()
    out = out.merge(agg.reset_index(), on=key, how="left")
    out["share_done"] = out["done"] / out["total"] * 100
    out["share_done_on_time"] = out["n_on_time"] / out["n_due"].where(out["n_due"] > 0) * 100
    return out[[key, "total", *STATES, "share_done", "n_due", "n_on_time", "share_done_on_time"]]


def school_year_window(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The school year ending in `year` (2025/26 = 2026): 1 September of year − 1 to 31 August of year."""
    return pd.Timestamp(int(year) - 1, 9, 1), pd.Timestamp(int(year), 8, 31)


def school_year_of(day: date | str) -> int:
    """The school year holding `day`, by its ending year: 22.11.2026 → 2027 (2026/27), 31.08.2026 → 2026."""
    d = _day(day)
    return d.year + 1 if d.month >= 9 else d.year


def plan_school_years(events: pd.DataFrame) -> tuple[int | None, int | None]:
    """The first and last school year (ending years) holding a control date of the plan; (None, None) without."""
    d = control_dates_long(events)["date"] if len(events) else pd.Series(dtype="datetime64[ns]")
    if d.empty:
        return None, None
    return school_year_of(d.min()), school_year_of(d.max())


def year_phase(year: int, on_date: date | str) -> str:
    """"past" (the school year ended before on_date), "current" or "future" (it starts after on_date)."""
    start, end = school_year_window(year)
    on = _day(on_date)
    return "past" if end < on else ("future" if start > on else "current")


def roadmap_year(events: pd.DataFrame, year: int, on_date: date | str, school_id: str | None = None,
                 school_names: tuple[str, ...] | list[str] = (), settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """The roadmap of one school year (`school_year_window`: 1 September – 31 August), known on `on_date`.

    The year's events are those with a control date in the window, each judged on those dates only; events with
    no control date (continuous, «по графику») are listed in every year the plan covers (its first to its last
    control date), never in a year outside it. Returns the `roadmap_progress` columns (state, dates and the
    explanation as on on_date) with the year's own: year_dates (control dates in the window), n_year_dates,
    n_year_missed, first_missed_date (the first year date passed uncovered), days_overdue (days since it),
    state (done | in_progress | overdue | not_yet_due | continuous | unscheduled — in the year), done_on_time (True / False / None, in the year) and year_phase ("past" | "current" | "future").

    A year date is covered as `roadmap_occurrences` says on on_date (what is known now: a 2024/25 date still
    unrecorded is overdue today). The year state: overdue = a year date passed uncovered; done = every year
    date covered; in_progress = some covered and the rest ahead, or a «в работе» mark; else not_yet_due.
    Done on time: an event's completion date belongs to its first control date on or after it (or to the last
    one when it is later than all); that date is done on time when the completion is on or before it, late
    otherwise. Earlier dates it covers have no completion date of their own, and a «выполнено» mark without a
    date gives none: done, timing unknown. In the year an event is on time when its judged dates (on time,
    late or missed) are all on time, not on time when one is late or missed, None when none is judged. A year
    that has not started judges nothing (done_on_time None): no share is shown for it, even if some work is
    already done.

    With `school_id`, only the school's events (`school_events`: its id, or one of `school_names` among the
    responsible parties).
    """
    start, end = school_year_window(year)
    on = _day(on_date)
    progress = _progress(events, on, with_reason=True)
    ev = progress
    occ = roadmap_occurrences(ev, on)
    comp = pd.to_datetime(ev["completion_date"], errors="coerce") if len(ev) else pd.Series(dtype="datetime64[ns]")
    status = ev["status"].astype(str).str.strip().str.lower()
    c = comp.to_numpy()[occ["_i"].to_numpy()] if len(occ) else np.array([], dtype="datetime64[ns]")
    usable = ~pd.isna(c) & (c <= on.to_datetime64()) & (status.to_numpy()[occ["_i"].to_numpy()] != "not_done") \
        if len(occ) else np.array([], dtype=bool)
    # the occurrence a completion date belongs to: the first date on or after it, else the event's last date
    after = occ["date"].to_numpy() >= c if len(occ) else np.array([], dtype=bool)
    occ = occ.assign(_usable=usable, _after=after & usable)
    first_after = occ[occ["_after"]].groupby("_i")["date"].min()
    last = occ.groupby("_i")["date"].max()
    belongs_to = first_after.reindex(last.index).fillna(last)
    own = usable & (occ["date"].to_numpy() == belongs_to.reindex(occ["_i"]).to_numpy())
    on_time = own & (occ["state"].to_numpy() == "done") & (c <= occ["date"].to_numpy())
    late = own & (occ["state"].to_numpy() == "done") & ~(c <= occ["date"].to_numpy())
    occ = occ.assign(on_time=on_time, late=late)
    in_year = occ[(occ["date"] >= start) & (occ["date"] <= end)]
    idx = pd.RangeIndex(len(ev))
    grp = in_year.assign(_n=1, _missed=in_year["state"] == "missed", _done=in_year["state"] == "done").groupby("_i")
    sums = grp[["_n", "_missed", "_done", "on_time", "late"]].sum().reindex(idx, fill_value=0).astype("int64")
    n_dates, n_missed, n_done = sums["_n"].to_numpy(), sums["_missed"].to_numpy(), sums["_done"].to_numpy()
    n_on_time, n_late = sums["on_time"].to_numpy(), sums["late"].to_numpy()
    dates = grp["date"].agg(list).reindex(idx)
    first_missed = pd.to_datetime(in_year[in_year["state"] == "missed"].groupby("_i")["date"].min()
                                  .reindex(idx).to_numpy())
    phase = year_phase(year, on)

    out = ev.copy()
    out["year_dates"] = [x if isinstance(x, list) else [] for x in dates]
    out["n_year_dates"] = n_dates
    out["n_year_missed"] = n_missed
    has = n_dates > 0
    marked = (status == "in_progress").to_numpy()
    year_state = np.select(
        [n_missed > 0, has & (n_done == n_dates), has & (n_done > 0), has & marked, has],
        ["overdue", "done", "in_progress", "in_progress", "not_yet_due"], default="")
    # dateless events belong to every year the plan covers
    all_dates = occ["date"]
    covers = len(all_dates) > 0 and all_dates.min() <= end and all_dates.max() >= start
    dateless = (ev["n_dates"] == 0).to_numpy() & bool(covers)
    year_state = np.where(dateless, ev["state"].to_numpy(), year_state)
    out["state"] = year_state
    out["state_label"] = out["state"].map(STATE_LABELS)
    judged = (n_on_time + n_late + n_missed) > 0
    ot = pd.Series(np.where(n_on_time > 0, True, None), dtype=object)
    ot[(n_late + n_missed) > 0] = False
    ot[~judged | (phase == "future")] = None
    out["done_on_time"] = ot.to_numpy()
    out["first_missed_date"] = first_missed
    out["days_overdue"] = pd.Series((on - first_missed).days, index=out.index).where(out["state"] == "overdue") \
        .astype("Int64")
    out["year_phase"] = phase
    keep = has | dateless
    out = out[keep]
    if school_id is not None:
        out = school_events(out, school_id, list(school_names))
    return out.reset_index(drop=True)


def roadmap_year_summary(progress: pd.DataFrame, by: str | None = "section") -> pd.DataFrame:
    """`roadmap_summary` of a `roadmap_year` result (the name lets `ui.data` cache it on the year's arguments)."""
    return roadmap_summary(progress, by)


def events_due(progress: pd.DataFrame, on_date: date | str, days: int | None = 30,
               settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Events not yet done with a control date from on_date to on_date + days (inclusive).

    Returns the progress columns plus due_date (the first control date in the window) and
    days_left, sorted by due_date. `days=None` reads `roadmap.due_days` (30).
    """
    if days is None:
        days = int(get(settings, "roadmap.due_days", 30))
    on = _day(on_date)
    p = progress.reset_index(drop=True)
    long = control_dates_long(p)
    win = long[(long["date"] >= on) & (long["date"] <= on + pd.Timedelta(days=int(days)))]
    first = win.groupby("_i")["date"].min()
    out = p.iloc[first.index].copy()
    out["due_date"] = first.to_numpy()
    out = out[out["state"] != "done"]
    out["days_left"] = (out["due_date"] - on).dt.days.astype("int64")
    return out.sort_values(["due_date", "number"]).reset_index(drop=True)


_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:\s*\.\s*\d+)*)\s*\.?\s*(.*)$", re.S)


def _plan_number_key(number: Any) -> tuple:
    """Sort key of a plan number or a numbered section in plan order: «1.», «1.1.», «1.1.1.», «1.2», «1.10», «2.»,
    «10.» («5.» = «5», «5.1.» = «5.1»; a trailing letter after the number: «5а» after «5»). Text without a
    leading number comes after every numbered one (in its given order when sorted stably), a missing
    number (None, NaN, blank, «Не указано») last."""
    if number is None or (isinstance(number, float) and np.isnan(number)) or number is pd.NA:
        return (2,)
    text = str(number).strip()
    if not text or text.lower() in ("nan", "none", NO_PARTY.lower()):
        return (2,)
    m = _LEADING_NUMBER.match(text)
    if not m:
        return (1,)
    parts = tuple(int(x) for x in re.split(r"\s*\.\s*", m.group(1)))
    return (0, parts, m.group(2).strip().lower())


def plan_order(events: pd.DataFrame) -> pd.DataFrame:
    """The events (any frame with `number`) in plan order, by number (`_plan_number_key`; stable for equal
    numbers). Where the numbering starts again in each section (sorting by number alone would interleave two
    sections), the events go section by section — sections by their smallest number, then as given — and by
    number within each."""
    if "number" not in events or len(events) < 2:
        return events
    keys = [_plan_number_key(x) for x in events["number"]]
    order = sorted(range(len(events)), key=keys.__getitem__)
    if "section" in events:
        names = [_section_name(x) for x in events["section"]]
        runs = sum(1 for a, b in zip(order, order[1:]) if names[a] != names[b]) + 1
        if runs > len(set(names)):  # a section split in two: the numbering restarts per section
            first: dict[str, tuple] = {}
            for k in order:
                first.setdefault(names[k], keys[k])
            seen = {n: r for r, n in enumerate(dict.fromkeys(names))}
            rank = {n: r for r, n in enumerate(sorted(first, key=lambda n: (first[n], seen[n])))}
            order = sorted(range(len(events)), key=lambda k: (rank[names[k]], keys[k]))
    return events.iloc[order]


def _section_name(section: Any) -> str:
    return "" if section is None or (isinstance(section, float) and np.isnan(section)) else str(section)


def section_order(sections: Any) -> list:
    """Distinct section names in plan order (`_plan_number_key`)."""
    return sorted(dict.fromkeys(sections), key=_plan_number_key)


def select_events(progress: pd.DataFrame, *, sections: Any = (), parties: Any = (), states: Any = ()) -> pd.DataFrame:
    """Events of `roadmap_progress` in the chosen sections, responsible parties and states, in plan order.

    Parties are matched as whole parties after splitting `responsible` the way `roadmap_summary` does
    («Руководители ОО» does not pick «Заместители руководителей ОО»). Empty choices select everything.
    """
    out = progress
    if len(sections):
        out = out[out["section"].astype(str).isin(list(sections))]
    if len(parties):
        split = split_responsible(out.assign(_pos=np.arange(len(out))))
        out = out.iloc[np.sort(split.loc[split["responsible"].isin(list(parties)), "_pos"].unique())]
    if len(states):
        out = out[out["state"].isin(list(states))]
    return plan_order(out)


def name_patterns(names: list[str]) -> list[str]:
    """Ways a school is written among the responsible parties: the name and the name without
    the organisational form and quotes («МБОУ «Сосновская СОШ № 1»» → «Сосновская СОШ № 1»)."""
    out = []
    for n in names:
        n = str(n or "").strip()
        if not n or n.lower() in ("nan", "none"):
            continue
        out.append(n)
        bare = re.sub(r"^(МБОУ|МКОУ|МАОУ|ГБОУ|МОУ|МБОУ\s+ДО|ЧОУ)\s+", "", n).strip()
        bare = bare.strip("«»\"' ")
        if len(bare) >= 5:
            out.append(bare)
    return list(dict.fromkeys(out))


def _name_regex(patterns: list[str]) -> re.Pattern | None:
    """One regex finding any of the names as a whole name: «СОШ № 1» is not found in «СОШ № 12», nor
    «Лицей» in «Лицейский»."""
    if not patterns:
        return None
    alts = sorted({re.escape(p.lower()) for p in patterns}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")


def plan_names(schools: pd.DataFrame | None, school_id: str, *also: Any) -> tuple[str, ...]:
    """The ways a plan may write a school: `also` (its display name), then every full and short name the
    registry gives it in any year; distinct, blanks left out. What `school_events` looks for."""
    names = [str(x) for x in also if x is not None and not (isinstance(x, float) and np.isnan(x))]
    if schools is not None and len(schools) and "school_id" in schools:
        rows = schools[schools["school_id"].astype(str) == str(school_id)]
        for c in ("name", "short_name"):
            if c in rows:
                names += rows[c].dropna().astype(str).tolist()
    return tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def school_events(progress: pd.DataFrame, school_id: str, names: list[str]) -> pd.DataFrame:
    """Events of the school: its `school_id`, or its name (`name_patterns`) among the responsible parties or in
    the event's title («Внешний аудит объективности ВПР в МБОУ «Сосновская СОШ № 3»»), found as a whole name
    («СОШ № 1» does not pick «СОШ № 12»). Events addressed to every school («Руководители ОО») are not the
    school's own."""
    if progress is None or progress.empty:
        return progress
    mine = pd.Series(False, index=progress.index)
    if "school_id" in progress:
        mine |= progress["school_id"].astype(str).str.strip() == str(school_id)
    rx = _name_regex(name_patterns(names))
    if rx is not None:
        for col in ("responsible", "title"):
            if col not in progress:
                continue
            cells = progress[col]
            found = {v: any(rx.search(p.lower()) for p in (_parties(str(v)) if col == "responsible" else (str(v),)))
                     for v in cells.dropna().unique()}
            mine |= cells.map(found).fillna(False).astype(bool)
    return progress[mine]


def deadline_lines(progress: pd.DataFrame, due: pd.DataFrame, max_lines: int = 5,
                   max_overdue: int = 3) -> tuple[list[dict[str, Any]], int]:
    """The events for the block and how many distinct events there are in all: overdue ones first (longest overdue
    first; at most `max_overdue` while due-soon ones wait, more when there are few of those), then those due soonest.
    An overdue event that is also due soon (a recurring one) is one line. Dicts: kind ("overdue" | "due"), number,
    title, date (the last missed or the coming control date), n_missed, next (the coming date of an overdue one)."""
    over = progress[progress["state"] == "overdue"].sort_values(["days_overdue", "number"], ascending=[False, True]) \
        if len(progress) else progress
    soon = due.sort_values(["due_date", "number"]) if len(due) else due
    key = ["number", "title"]
    coming = {tuple(k): d for *k, d in soon[key + ["due_date"]].itertuples(index=False)} if len(soon) else {}
    overdue_keys = {tuple(k) for k in over[key].itertuples(index=False)} if len(over) else set()
    soon = soon[[tuple(k) not in overdue_keys for k in soon[key].itertuples(index=False)]] if len(soon) else soon
    room = max_lines if soon.empty else max(max_overdue, max_lines - len(soon))  # unused room goes to the other
    n_over = min(len(over), room)
    lines = [{"kind": "overdue", "number": r["number"], "title": r["title"], "date": r["last_passed_date"],
              "n_missed": int(r["n_missed"]) if pd.notna(r.get("n_missed")) else 1,
              "next": coming.get((r["number"], r["title"]))}
             for r in over.head(n_over).to_dict("records")]
    lines += [{"kind": "due", "number": r["number"], "title": r["title"], "date": r["due_date"], "n_missed": 0,
               "next": None}
              for r in soon.head(max_lines - len(lines)).to_dict("records")]
    return lines, len(over) + len(soon)
