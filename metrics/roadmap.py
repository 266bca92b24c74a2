"""Where does the event roadmap stand on a given date?

`roadmap_progress` gives each event a state — done, in_progress, overdue,
not_yet_due, continuous or unscheduled — with its dates and an explanation; a
recurring event has one state per occurrence (`roadmap_occurrences`) and a
missed occurrence makes it overdue.
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
# Separators between responsible parties: comma, semicolon, new line — but not inside parentheses.
RESPONSIBLE_SPLIT = r"\s*(?:[,;\n\r]|\s\+\s)\s*(?![^()]*\))"
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

    Returns the event columns plus: state (done | in_progress | overdue | not_yet_due |
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


def school_events(progress: pd.DataFrame, school_id: str, names: list[str]) -> pd.DataFrame:
    """Events of the school: its `school_id`, or its name among the responsible parties."""
    if progress is None or progress.empty:
        return progress
    mine = pd.Series(False, index=progress.index)
    if "school_id" in progress:
        mine |= progress["school_id"].astype(str).str.strip() == str(school_id)
    resp = progress["responsible"].fillna("").astype(str).str.lower() if "responsible" in progress else None
    if resp is not None:
        for pat in name_patterns(names):
            mine |= resp.str.contains(pat.lower(), regex=False)
    return progress[mine]
