"""What do we already know about the indicators a file mentions, and what may it not overwrite?

A «Факт» sheet uploaded alone cannot tell an indicator's direction (it guesses «больше — лучше» and flags the
guess with `_guessed_direction`), and its unit may be only read from the wording (`_guessed_unit`). Stored,
such a guess would overwrite what the plan sheet once said. The caller passes the indicators it already
holds (`known_indicators=store.read("indicators")`); for every indicator of the load that is known there, a
guessed or blank unit, direction, group or tolerance takes the known value. A value the load states (on this
sheet or on another sheet of the same load) is kept.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FILLED = ("unit", "direction", "group", "tolerance")


def _blank(s: pd.Series) -> np.ndarray:
    return s.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                 or (isinstance(v, str) and not v.strip())).to_numpy(dtype=bool)


def known_lookup(known: pd.DataFrame | None) -> pd.DataFrame | None:
    """The known indicators indexed by indicator_id (text), one row each; None when there are none."""
    if known is None or not len(known) or "indicator_id" not in known.columns:
        return None
    k = known.copy()
    k["indicator_id"] = k["indicator_id"].astype(str).str.strip()
    return k.drop_duplicates("indicator_id", keep="last").set_index("indicator_id")


def apply_known(frame: pd.DataFrame, known: pd.DataFrame | None) -> pd.DataFrame:
    """`frame` (indicators as a layout gave them) with guessed or blank fields of known indicators replaced by
    the known values; the `_guessed_<field>` flag of a replaced cell is cleared."""
    lookup = known_lookup(known)
    if lookup is None or not len(frame) or "indicator_id" not in frame.columns:
        return frame
    ids = frame["indicator_id"].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                    else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()))
    is_known = ids.isin(lookup.index).to_numpy()
    if not is_known.any():
        return frame
    frame = frame.copy()
    for field in FILLED:
        if field not in lookup.columns:
            continue
        known_vals = ids.map(lookup[field])
        have_known = ~_blank(known_vals) & is_known
        current = frame[field] if field in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        guessed = np.zeros(len(frame), dtype=bool)
        flag = f"_guessed_{field}"
        if flag in frame.columns:
            guessed = frame[flag].astype("boolean").fillna(False).to_numpy(dtype=bool)
        # a value stated on another sheet of the same load (the plan sheet) wins over the guess by itself
        stated = ~_blank(current) & ~guessed
        take = have_known & (_blank(current) | guessed) & ~ids.isin(set(ids[stated])).to_numpy()
        if not take.any():
            continue
        frame[field] = current.astype(object).where(~take, known_vals.astype(object))
        if flag in frame.columns:
            frame[flag] = np.where(take, False, guessed)
    return frame
