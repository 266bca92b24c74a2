"""Where does the event roadmap stand on a given date?

`roadmap_progress` gives each event a state — done, in_progress, overdue,
not_yet_due, continuous or unscheduled — with its dates and a Russian reason.
`roadmap_summary` counts states by section, responsible party (several parties in
one cell are split) or direction, with the share done and the share done on time.
`events_due` lists the events whose control date falls in the next N days.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

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
# Separators between responsible parties: comma, semicolon, new line — but not inside parentheses.
RESPONSIBLE_SPLIT = r"\s*(?:[,;\n\r]|\s\+\s)\s*(?![^()]*\))"
EVENT_COLUMNS = ["number", "section", "direction", "title", "deadline_text", "control_dates", "schedule",
                 "responsible", "expected_result", "status", "completion_date", "school_id"]


def _day(on_date: date | datetime | str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(on_date).normalize()


def _ru(d: pd.Series) -> pd.Series:
    return d.dt.strftime("%d.%m.%Y").fillna("")


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


def roadmap_progress(events: pd.DataFrame, on_date: date | str, settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Each event's state on `on_date`, with its dates and reason.

    Returns the event columns plus: state (done | in_progress | overdue | not_yet_due |
    continuous | unscheduled), state_label (Russian), next_date (first control date on or
    after on_date), last_passed_date (last control date before on_date), final_date (last
    control date), days_overdue (days since last_passed_date, overdue events only),
    done_on_time (True/False when the event is done and both its completion date and a
    control date are known: completed on or before the last control date; else None), reason.

    Rules: done = completion mark ("done") or a completion date, on or before on_date (a later
    completion date means not yet done on that date). A continuous event (schedule
    "continuous") is "continuous"; an event with no control date that is not continuous is
    "unscheduled" (never given an invented date). A dated event with a control date before
    on_date and no completion is "overdue" — except when it is marked "in progress" and still
    has a control date ahead (a recurring event), which is "in_progress". Marked "in progress"
    otherwise → "in_progress"; the rest → "not_yet_due". Dates are pandas Timestamps.
    """
    return _progress(events, on_date, with_reason=True)


def _progress(events: pd.DataFrame, on_date, with_reason: bool) -> pd.DataFrame:
    """`roadmap_progress`; with_reason=False leaves the reason out (key figures need only the states)."""
    on = _day(on_date)
    ev = events.reset_index(drop=True).copy()
    for c in EVENT_COLUMNS:
        if c not in ev.columns:
            ev[c] = None
    long = control_dates_long(ev)
    g = long.groupby("_i")["date"]
    final = g.max()
    passed = long[long["date"] < on].groupby("_i")["date"].max()
    ahead = long[long["date"] >= on].groupby("_i")["date"].min()
    idx = pd.RangeIndex(len(ev))
    ev["next_date"] = ahead.reindex(idx).to_numpy()
    ev["last_passed_date"] = passed.reindex(idx).to_numpy()
    ev["final_date"] = final.reindex(idx).to_numpy()
    for c in ("next_date", "last_passed_date", "final_date"):
        ev[c] = pd.to_datetime(ev[c])

    status = ev["status"].astype(str).str.strip().str.lower()
    completed_on = pd.to_datetime(ev["completion_date"], errors="coerce")
    schedule = ev["schedule"].astype(str).str.strip().str.lower()
    has_dates = ev["final_date"].notna()
    done = ((status == "done") | completed_on.notna()) & ~(completed_on > on) & (status != "not_done")
    continuous = schedule == "continuous"
    marked_in_progress = status == "in_progress"
    overdue = ev["last_passed_date"].notna() & ~(marked_in_progress & ev["next_date"].notna())
    ev["state"] = np.select(
        [done, continuous, ~has_dates, overdue, marked_in_progress],
        ["done", "continuous", "unscheduled", "overdue", "in_progress"],
        default="not_yet_due",
    )
    ev["state_label"] = ev["state"].map(STATE_LABELS)
    days = (on - ev["last_passed_date"]).dt.days
    ev["days_overdue"] = days.where(ev["state"] == "overdue").astype("Int64")
    on_time = completed_on <= ev["final_date"]
    known = (ev["state"] == "done") & completed_on.notna() & has_dates
    ev["done_on_time"] = pd.Series(on_time.to_numpy(), dtype=object).where(known.to_numpy(), None)
    if with_reason:
        ev["reason"] = _reason(ev, completed_on, status)
    return ev


def _reason(ev: pd.DataFrame, completed_on: pd.Series, status: pd.Series) -> pd.Series:
    comp = _ru(completed_on)
    final = _ru(ev["final_date"])
    nxt = _ru(ev["next_date"])
    last = _ru(ev["last_passed_date"])
    late_days = (completed_on - ev["final_date"]).dt.days
    text = ev["deadline_text"].astype(object).where(ev["deadline_text"].notna(), "")
    text = text.astype(str).str.strip().str.replace(r"\s+", " ", regex=True)
    quoted = pd.Series(np.where(text != "", ": «" + text + "»", ""), index=ev.index)
    mark = status.map(STATUS_LABELS)
    mark_txt = pd.Series(np.where(mark.notna(), " (отметка: «" + mark.fillna("") + "»)", ""), index=ev.index)
    done_txt = np.select(
        [ev["done_on_time"] == True, ev["done_on_time"] == False, completed_on.notna()],  # noqa: E712
        ["Выполнено " + comp + " — в срок (контрольная дата " + final + ")",
         "Выполнено " + comp + " — с опозданием на " + late_days.astype("Int64").astype(str) + " дн. (контрольная дата "
         + final + ")",
         "Выполнено " + comp],
        default="Отмечено как выполненное",
    )
    overdue_txt = ("Контрольная дата " + last + " прошла " + ev["days_overdue"].astype(str) + " дн. назад, отметки о "
                   "выполнении нет" + mark_txt)
    reason = np.select(
        [ev["state"] == "done", ev["state"] == "continuous", ev["state"] == "unscheduled",
         ev["state"] == "overdue", ev["state"] == "in_progress", ev["state"] == "not_yet_due"],
        [pd.Series(done_txt, index=ev.index), "Выполняется постоянно" + quoted, "Срок не задан датой" + quoted,
         overdue_txt, "В работе; следующая контрольная дата " + nxt, "Срок не наступил: ближайшая контрольная дата " + nxt],
        default="",
    )
    return pd.Series(reason, index=ev.index, dtype=object)


def split_responsible(progress: pd.DataFrame) -> pd.DataFrame:
    """progress with one row per responsible party (`responsible` split on , ; new lines outside parentheses)."""
    resp = progress["responsible"].astype(object).where(progress["responsible"].notna(), "")
    parts = resp.astype(str).str.split(RESPONSIBLE_SPLIT, regex=True)
    out = progress.assign(responsible=parts).explode("responsible")
    out["responsible"] = out["responsible"].astype(str).str.strip(" .\t\r\n")
    # rows that had parties keep only the non-empty ones; rows with none keep one "Не указано" row
    keep = out["responsible"] != ""
    any_party = keep.groupby(level=0).transform("any")
    first = ~pd.Series(out.index.duplicated(keep="first"), index=out.index)
    out = out[keep | (~any_party & first)].copy()
    out.loc[out["responsible"] == "", "responsible"] = "Не указано"
    return out.reset_index(drop=True)


def roadmap_summary(progress: pd.DataFrame, by: str | None = "section") -> pd.DataFrame:
    """Counts of event states per section, responsible party or direction (by=None: one row "Всего").

    Columns: <by> (or "group" when by=None), total, done, in_progress, overdue, not_yet_due,
    continuous, unscheduled, share_done (% of all events), n_due (events whose completion
    timing can be judged: done with known dates, or overdue), n_on_time, share_done_on_time
    (% of n_due done on or before their last control date; NaN when n_due is 0).
    An event with several responsible parties counts once for each of them.
    """
    key = by or "group"
    p = split_responsible(progress) if by == "responsible" else progress.copy()
    if by is None:
        p[key] = "Всего"
    p[key] = p[key].astype(object).where(p[key].notna() & (p[key].astype(str).str.strip() != ""), "Не указано")
    counts = pd.crosstab(p[key], p["state"]).reindex(columns=list(STATES), fill_value=0)
    order = pd.unique(p[key])
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


def _plan_number_key(number: Any) -> tuple:
    """Sort key for event numbers in plan order: «1.2» before «1.10»."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(number)))


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
    order = sorted(range(len(out)), key=lambda i: _plan_number_key(out["number"].iat[i]))  # a plan's few events
    return out.iloc[order]
