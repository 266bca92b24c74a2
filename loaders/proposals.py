"""Which schools does a file name, when no registry is loaded to match them against?

A regional or open-data results file names every school. Without a registry the
loaders propose those schools as the registry, with codes made from the
municipality and the normalised name (`proposed_id`), so one school gets the
same code on every sheet of the file. After all sheets are read,
`merge_variants` looks at the proposals of the whole load together: spellings of
one school («средняя общеобразовательная школа № 892» / «Школа № 892», a name
missing a space) become one school, with a warning naming both spellings — they
never become two schools silently.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

import pandas as pd

from loaders.report import Problem
from loaders.school_names import _distinct, _numbers, _type, normalise

PROPOSED = "_proposed"  # column flag of a schools frame made from a results file, not from a registry
GENERATED = "_generated_id"  # … whose code was made here (a code the file gave is the file's, never merged)


def proposed_id(name: Any, municipality: Any = None) -> str:
    """A stable code for a school named in a file: «s» + 8 hex of the normalised name (and municipality, when
    the file has one, so «СОШ № 1» of two municipalities are two schools)."""
    key = normalise(name)
    if municipality is not None and str(municipality).strip():
        key = normalise(municipality) + "|" + key
    return "s" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def variant_key(name: Any) -> str:
    """What two spellings of one numbered school share: its number, special kind (гимназия, лицей…) and distinctive
    words, with spaces ignored; the generic type (СОШ/школа) is left out, so «Школа № 892» meets «СОШ № 892».
    "" for a name without a number: such names are never merged."""
    n = normalise(name)
    words = sorted(_distinct(n))
    numbers = _numbers(n)
    if not numbers:
        return ""  # without a number, words alone («Климент Охридски») name schools of many places
    return f"{_type(n)[1]}|{numbers}|{re.sub(r'[^а-яa-z]', '', ''.join(words))}"


def propose(names: pd.Series, municipalities: pd.Series | None, rows: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """(codes per row, the proposed schools) for the school names of a sheet."""
    munis = municipalities if municipalities is not None else pd.Series(None, index=names.index, dtype=object)
    made: dict[tuple, str] = {}  # once per distinct school: a form repeats it on every subject's row
    ids = pd.Series([(made.get((n, m)) or made.setdefault((n, m), proposed_id(n, m))) if n else None
                     for n, m in zip(names, munis)], index=names.index, dtype=object)
    schools = pd.DataFrame({"school_id": ids.to_numpy(), "name": names.to_numpy(), "_municipality": munis.to_numpy(),
                            "_row": rows.to_numpy()})
    schools = schools[schools["school_id"].notna()].drop_duplicates("school_id").reset_index(drop=True)
    schools[PROPOSED] = True
    schools[GENERATED] = True
    return ids, schools


def merge_variants(schools: pd.DataFrame) -> tuple[dict[str, str], list[Problem]]:
    """Codes to replace (variant → kept code) for proposed schools that are spellings of one school in one
    municipality, and a warning for each merge. A key shared by schools of different kinds stays apart."""
    if schools is None or not len(schools) or PROPOSED not in schools.columns:
        return {}, []
    prop = schools[schools[PROPOSED].fillna(False).astype(bool) & schools.get(GENERATED, False).fillna(False)
                   .astype(bool)]
    if not len(prop):
        return {}, []
    munis = prop["_municipality"] if "_municipality" in prop.columns else pd.Series(None, index=prop.index)
    keys = [(normalise(m) if isinstance(m, str) else "", variant_key(n)) for n, m in zip(prop["name"], munis)]
    generic = [_type(normalise(n))[0] for n in prop["name"]]
    first: dict[tuple[str, str], list[int]] = {}
    remap: dict[str, str] = {}
    problems: list[Problem] = []
    for pos, key in enumerate(keys):
        if not key[1]:
            continue
        # another generic type stated on both sides (СОШ vs ООШ) is another school
        same = [k for k in first.get(key, []) if not (generic[k] and generic[pos] and generic[k] != generic[pos])]
        if not same:
            first.setdefault(key, []).append(pos)
            continue
        keep, other = prop.iloc[same[0]], prop.iloc[pos]
        if keep["school_id"] == other["school_id"]:
            continue
        remap[other["school_id"]] = keep["school_id"]
        problems.append(Problem(
            "warning", f"названия «{other['name']}» и «{keep['name']}» приняты за одну школу (совпадают номер и "
                       "название без учёта вида «СОШ»/«школа» и пробелов) — проверьте; если это разные школы, "
                       "загрузите реестр школ", file=other.get("_file"), sheet=other.get("_sheet"),
            row=int(other["_row"]) if pd.notna(other.get("_row")) else None))
    return remap, problems
