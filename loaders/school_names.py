"""Which registry school does a school name in a results file or protocol mean?

Names arrive as `МБОУ «Сосновская СОШ № 1»`, `Сосновская сош №1` or the full
legal form `Муниципальное бюджетное общеобразовательное учреждение …`.
`normalise` reduces them to one comparable form; `match_many` finds each
name's registry school (exact, through a saved alias, or fuzzily with
rapidfuzz) and reports ambiguous or unknown names with their best candidates —
they are never silently merged; a fuzzy match is returned as such, and the
loaders show it as a warning for the user to confirm (`fuzzy_notice`).
Another settlement is another school (`Сосновская СОШ` never becomes
`Лесновская СОШ`), and a name without its number that fits several numbered
schools of one settlement is ambiguous. Schools whose numbers differ (`№ 1` vs `№ 11`)
never match. `match_registries` links the same school across two years'
registries (renames, full vs short names).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from loaders.report import Problem

CUTOFF = 85.0  # lowest score a fuzzy match may have
MARGIN = 5.0  # the best candidate must beat the next school by this much
MAX_NUMBERED = 10  # a name without its number lists at most this many numbered schools it may mean

_LEGAL = re.compile(
    r"(?:федеральн|муниципальн|государственн|негосударственн|частн|автономн)[а-я]*\s+"
    r"(?:(?:бюджетн|казенн|автономн|некоммерческ|профессиональн)[а-я]*\s+)*"
    r"(?:(?:обще)?образовательн[а-я]*\s+)?"
    r"(?:организаци|учреждени)[а-я]*"
    r"(?:\s+(?:высшего|дополнительного|среднего)\s+(?:профессионального\s+)?образования)?"
    r"(?:\s+(?:города|г\.?)\s+(?:москвы|санкт-петербурга|севастополя))?"
)
_FORMS = re.compile(
    r"(?<![а-я])(?:фгбоу|гбоу|гаоу|гкоу|гоу|мбоу|маоу|мкоу|моу|мбоо|мбу|мау|мку|ноу|чоу|аноо|гбу|оу)(?![а-я])"
)
_TYPES = (
    (re.compile(r"средн[а-я]*\s+(?:обще)?образовательн[а-я]*\s+школ[а-я]*"), " сош "),
    (re.compile(r"основн[а-я]*\s+(?:обще)?образовательн[а-я]*\s+школ[а-я]*"), " оош "),
    (re.compile(r"начальн[а-я]*\s+(?:обще)?образовательн[а-я]*\s+школ[а-я]*"), " нош "),
    (re.compile(r"средн[а-я]*\s+школ[а-я]*"), " сош "),
    (re.compile(r"основн[а-я]*\s+школ[а-я]*"), " оош "),
    (re.compile(r"начальн[а-я]*\s+школ[а-я]*"), " нош "),
    (re.compile(r"центр[а-я]*\s+образовани[а-я]*"), " цо "),
)
_NUMBER = re.compile(r"(?:№|(?<![а-яa-z])(?:no|n)\.?)\s*(\d+)")
_IMENI = re.compile(r"(?<![а-я])им(?:\.|\s)|(?<![а-я])имени(?![а-я])")
_PUNCT = re.compile(r"[«»\"“”„‟'`’‘()\[\].,;:!?/\\_+*–—<>-]")
_DIGITS = re.compile(r"\d+")
_CITY = re.compile(r"(?<![а-я])(?:города|г)\s+(?:москвы|санкт петербурга|севастополя)(?![а-я])")
_GENERIC_WORDS = re.compile(r"(?<![а-я])(?:сош|оош|нош|школа|школы)(?![а-я])")


def _core(norm: str) -> str:
    """A name without the generic words `школа`/`СОШ`, so `школа №10` meets `сош №10`."""
    return " ".join(_GENERIC_WORDS.sub(" ", norm).split())


def normalise(name: object) -> str:
    """Comparable form of a school name (see `_normalise`), computed once per distinct text."""
    if isinstance(name, str):
        return _normalise_cached(name)
    return _normalise(name)


@lru_cache(maxsize=65536)
def _normalise_cached(name: str) -> str:
    return _normalise(name)


def _normalise(name: object) -> str:
    """Comparable form of a school name: lower case, ё→е, no quotes, no org-form
    prefix or legal form, `им.`→`имени`, `средняя общеобразовательная школа`→`сош`,
    `№1`/`N 1`/`No1` → `№1`, initials spaced (`а с пушкина`)."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    t = str(name).lower().replace("ё", "е").replace("\u00a0", " ")
    t = _LEGAL.sub(" ", t)
    for rx, rep in _TYPES:
        t = rx.sub(rep, t)
    t = _IMENI.sub(" имени ", t)
    t = _NUMBER.sub(r" №\1 ", t)
    t = _PUNCT.sub(" ", t)
    t = _FORMS.sub(" ", t)
    t = _CITY.sub(" ", t)
    t = re.sub(r"№\s+(\d)", r"№\1", t)
    t = re.sub(r"(?<![№\d])(\d+)", r"№\1", t) if "№" not in t else t
    return " ".join(t.split())


_GENERIC_TYPES = re.compile(r"(?<![а-я])(сош|оош|нош)(?![а-я])")
_SPECIAL_TYPES = re.compile(r"(?<![а-я])(гимнази|лице|кадетск|интернат|коррекц|колледж|цо|техникум)")


_ADJ_END = re.compile(r"(?:ая|яя|ий|ый|ой|ое|ее|ые|ие|ого|его|ому|ему|ую|юю|ей)$")
_PLACE_END = re.compile(r"(?:ск|цк|к[аиеу]|кой)$")  # Сосновская / Сосновка / Сосновке → соснов
_NOT_DISTINCT = re.compile(r"^(?:имени|с|и|в|на|по|для|углубленным|изучением|отдельных|предметов|"
                           r"гимнази[а-я]*|лице[а-я]*|кадетск[а-я]*|интернат[а-я]*|коррекц[а-я]*|колледж[а-я]*|"
                           r"техникум[а-я]*|цо|центр[а-я]*|образовани[а-я]*|школ[а-я]*|сош|оош|нош|"
                           # settlement designators: «СОШ № 2 г. Сосновка», «ООШ с. Ключи», «пос. Лесной»
                           r"г|гор|город[а-я]*|с|село|села|селе|п|пос|поселк[а-я]*|поселок|пгт|д|дер|деревн[а-я]*|"
                           r"ст|станиц[а-я]*|х|хутор[а-я]*|рп|мкр|микрорайон[а-я]*|район[а-я]*|муниципальн[а-я]*)$")
SETTLEMENT_SAME = 90.0  # settlement roots at least this alike are the same place (a typo), below — another place


def _root(word: str) -> str:
    """A place word without its ending: `сосновская`, `сосновка`, `сосновской` → `соснов`."""
    r = _ADJ_END.sub("", word)
    r2 = _PLACE_END.sub("", r)
    return r2 if len(r2) >= 3 else (r if len(r) >= 3 else word)


def _distinct(norm: str) -> list[str]:
    """The distinctive words of a normalised name as roots, in order: settlement, honorific…
    (not numbers, initials, school types, `имени` or place designators such as `г.`)."""
    return [_root(w) for w in norm.split()
            if len(w) >= 3 and w[0] != "№" and not w[0].isdigit() and not _NOT_DISTINCT.match(w)]


def settlement(norm: str) -> str:
    """The first distinctive word of a normalised name, as a root — usually the settlement
    (`сосновская сош №1` → `соснов`); "" when the name has none (`гимназия №1`, `школа №494`)."""
    words = _distinct(norm)
    return words[0] if words else ""


def school_key(norm: str) -> str:
    """What identifies a school whatever the word order and the settlement's grammatical form: type, number
    and distinctive roots (`сош №2 г сосновка` and `сосновская сош №2` give one key); "" when the name has
    neither a number nor a distinctive word, so a bare «Гимназия» never has a key."""
    words, numbers = _distinct(norm), _numbers(norm)
    if not words and not numbers:
        return ""
    generic, special = _type(norm)
    return f"{generic}|{special}|{numbers}|{' '.join(sorted(words))}"


def _numbers(norm: str) -> str:
    return ",".join(sorted(set(_DIGITS.findall(norm))))


def _type(norm: str) -> tuple[str, str]:
    """(generic type СОШ/ООШ/НОШ, special kinds: гимназия, лицей, кадетская, интернат…)."""
    return (",".join(sorted(set(_GENERIC_TYPES.findall(norm)))),
            ",".join(sorted(set(_SPECIAL_TYPES.findall(norm)))))


@dataclass(frozen=True)
class Match:
    school_id: str | None
    status: str  # exact | alias | fuzzy | ambiguous | unknown
    candidates: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.candidates[0][2] if self.candidates else 0.0


def _choices(registry: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (school, spelling): school_id, name (display), norm."""
    if registry is None or len(registry) == 0:
        return pd.DataFrame({"school_id": [], "name": [], "spelling": [], "norm": [], "settlement": []}, dtype="object")
    reg = registry.drop_duplicates("school_id") if "school_id" in registry else registry
    parts = []
    for col in ("name", "short_name"):
        if col in reg:
            part = pd.DataFrame({"school_id": reg["school_id"].astype(str), "name": reg["name"].astype(str),
                                 "spelling": reg[col]})
            parts.append(part[part["spelling"].notna() & (part["spelling"].astype(str).str.strip() != "")])
    ch = pd.concat(parts, ignore_index=True)
    ch["norm"] = ch["spelling"].map(normalise)
    ch = ch[ch["norm"] != ""].drop_duplicates(["school_id", "norm"]).reset_index(drop=True)
    # A school's settlement comes from its full name (a short name such as «СОШ № 1» may not say it),
    # else from any other spelling.
    found = ch.assign(_s=ch["norm"].map(settlement))
    found = found[found["_s"] != ""]
    full = found[found["spelling"].astype(str) == found["name"]]
    by_school = dict(zip(found["school_id"], found["_s"]))
    by_school.update(dict(zip(full["school_id"], full["_s"])))
    ch["settlement"] = ch["school_id"].map(lambda sid: by_school.get(sid, ""))
    return ch


def _score_matrix(queries: list[str], choices: list[str],
                  settlements: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(score, loose): token scores with school numbers and settlements treated as identity — differing
    numbers, or differing settlement words (`Сосновская` vs `Лесновская`), score at most half.
    `loose` is the score a name without any number would get if the number were not required: it tells a
    name that fits several numbered schools of one settlement (ambiguous) from an unknown one."""
    if not queries or not choices:
        z = np.zeros((len(queries), len(choices)))
        return z, z
    sort = process.cdist(queries, choices, scorer=fuzz.token_sort_ratio, workers=1)
    tset = process.cdist(queries, choices, scorer=fuzz.token_set_ratio, workers=1)
    qcore, ccore = [_core(q) for q in queries], [_core(c) for c in choices]
    core = process.cdist(qcore, ccore, scorer=fuzz.token_sort_ratio, workers=1)
    core = np.where((np.array([bool(q) for q in qcore])[:, None]) & (np.array([bool(c) for c in ccore])[None, :]),
                    core, 0.0)
    qn = np.array([_numbers(q) for q in queries], dtype=object)[:, None]
    cn = np.array([_numbers(c) for c in choices], dtype=object)[None, :]
    same = qn == cn
    qg = np.array([_type(q)[0] for q in queries], dtype=object)[:, None]
    cg = np.array([_type(c)[0] for c in choices], dtype=object)[None, :]
    qs = np.array([_type(q)[1] for q in queries], dtype=object)[:, None]
    cs = np.array([_type(c)[1] for c in choices], dtype=object)[None, :]
    other_type = ((qg != cg) & (qg != "") & (cg != "")) | (qs != cs)
    # Extra words (`имени …`, `с углублённым изучением …`) are tolerated: a name contained in the
    # other scores high, but another school type (СОШ vs ООШ, лицей, интернат…) costs 20 %.
    score = np.maximum(np.maximum(sort, tset), core) * np.where(other_type, 0.8, 1.0)
    # Another settlement is another school, however alike the rest of the name: `Сосновская СОШ` is not
    # `Лесновская СОШ`. Only names that both say their settlement are compared this way.
    csettle = settlements if settlements is not None else [settlement(c) for c in choices]
    qs_ = [settlement(q) for q in queries]
    qset = np.array(qs_, dtype=object)[:, None]
    cset = np.array(csettle, dtype=object)[None, :]
    both = (qset != "") & (cset != "")
    if both.any():
        uq, uc = sorted(set(qs_) - {""}), sorted(set(csettle) - {""})
        sim = process.cdist(uq, uc, scorer=fuzz.ratio, workers=1)
        qpos, cpos = {x: k for k, x in enumerate(uq)}, {x: k for k, x in enumerate(uc)}
        qi = np.array([qpos.get(x, -1) for x in qs_])
        ci = np.array([cpos.get(x, -1) for x in csettle])
        pair = sim[np.clip(qi, 0, None)[:, None], np.clip(ci, 0, None)[None, :]]
        score = np.where(both & (pair < SETTLEMENT_SAME), score * 0.5, score)
    # Differing school numbers are never the same school: such a name may still be shown as a
    # candidate, but its score stays far below any cutoff.
    final = np.where(same, score, score * 0.5)
    loose = np.where((qn == "") & (cn != ""), score, final)
    return final, loose


def match_many(names: Iterable[object], registry: pd.DataFrame | None,
               aliases: dict[str, str] | None = None, *, cutoff: float = CUTOFF,
               margin: float = MARGIN, top: int = 3) -> dict[object, Match]:
    """Match each distinct name to the registry. Keys are the names as given."""
    uniq = list(dict.fromkeys(n for n in names))
    norms = {n: normalise(n) for n in uniq}
    ch = _choices(registry)
    alias_norm = {normalise(k): str(v) for k, v in (aliases or {}).items()}
    exact: dict[str, set[str]] = {}
    for sid, nm in zip(ch["school_id"], ch["norm"]):
        exact.setdefault(nm, set()).add(sid)
    # Exact after normalisation also when only word order and the settlement's form differ
    # (`СОШ №2 г. Сосновка` = `Сосновская СОШ № 2`), as long as one school alone has that key.
    keyed: dict[str, set[str]] = {}
    for sid, nm in zip(ch["school_id"], ch["norm"]):
        k = school_key(nm)
        if k:
            keyed.setdefault(k, set()).add(sid)
    for n in uniq:
        q = norms[n]
        if q and q not in exact and len(keyed.get(school_key(q), ())) == 1:
            exact[q] = keyed[school_key(q)]
    names_by_id = dict(zip(ch["school_id"], ch["name"]))
    # A name written exactly as one registry school writes it is that school, however many others normalise alike.
    verbatim: dict[str, set[str]] = {}
    for sid, sp in zip(ch["school_id"], ch["spelling"]):
        verbatim.setdefault(_verbatim(sp), set()).add(sid)
    # A name that differs from one school's only by spaces («Сосновскаясош № 1») is that school, shown as fuzzy.
    compact: dict[str, set[str]] = {}
    for sid, nm in zip(ch["school_id"], ch["norm"]):
        compact.setdefault(nm.replace(" ", ""), set()).add(sid)

    def single(table: dict[str, set[str]], key: str) -> str | None:
        hit = table.get(key, ())
        return next(iter(hit)) if len(hit) == 1 else None

    todo = [n for n in uniq if norms[n] and norms[n] not in alias_norm and not single(verbatim, _verbatim(n))
            and len(exact.get(norms[n], ())) != 1]
    qnorm = list(dict.fromkeys(norms[n] for n in todo))
    scores, loose = _score_matrix(qnorm, ch["norm"].tolist(), ch["settlement"].tolist())
    ids = ch["school_id"].to_numpy()
    ranked: dict[str, list[tuple[str, str, float]]] = {}
    numbered: dict[str, list[tuple[str, str, float]]] = {}  # schools that fit but for the missing number
    for i, q in enumerate(qnorm):
        row = pd.Series(scores[i], index=ids).groupby(level=0).max().sort_values(ascending=False, kind="stable")
        row = row[row > 0].head(top)
        ranked[q] = [(sid, names_by_id[sid], round(float(sc), 1)) for sid, sc in row.items()]
        if not ranked[q] or ranked[q][0][2] < cutoff:
            lrow = pd.Series(loose[i], index=ids).groupby(level=0).max().sort_values(ascending=False, kind="stable")
            lrow = lrow[lrow >= cutoff]
            if len(lrow):
                numbered[q] = [(sid, names_by_id[sid], round(float(scores[i][ids == sid].max()), 1))
                               for sid in lrow.index[:MAX_NUMBERED]]

    out: dict[object, Match] = {}
    for n in uniq:
        q = norms[n]
        if not q:
            out[n] = Match(None, "unknown", [])
        elif q in alias_norm:
            sid = alias_norm[q]
            out[n] = Match(sid, "alias", [(sid, names_by_id.get(sid, sid), 100.0)])
        elif single(verbatim, _verbatim(n)):
            sid = single(verbatim, _verbatim(n))
            out[n] = Match(sid, "exact", [(sid, names_by_id[sid], 100.0)])
        elif len(exact.get(q, ())) == 1:
            sid = next(iter(exact[q]))
            out[n] = Match(sid, "exact", [(sid, names_by_id[sid], 100.0)])
        else:
            cands = ranked.get(q, [])
            joined = single(compact, q.replace(" ", ""))
            if joined and (not cands or cands[0][0] != joined or cands[0][2] < cutoff):
                cands = [(joined, names_by_id[joined], 100.0)] + [c for c in cands if c[0] != joined][:top - 1]
                out[n] = Match(joined, "fuzzy", cands)
            elif not cands or cands[0][2] < cutoff:
                fits = numbered.get(q, [])
                # «Сосновская СОШ» when the registry has Сосновская СОШ № 1 and № 2: which one is not said
                if len(fits) > 1:
                    out[n] = Match(None, "ambiguous", fits)
                else:
                    out[n] = Match(None, "unknown", (fits + [c for c in cands if c[0] not in {f[0] for f in fits}])[:top])
            elif len(cands) > 1 and cands[1][2] > cands[0][2] - margin:
                out[n] = Match(None, "ambiguous", cands)
            else:
                out[n] = Match(cands[0][0], "fuzzy", cands)
    return out


def _verbatim(name: object) -> str:
    """A name as written, only its case and runs of spaces evened out."""
    return " ".join(str(name).split()).casefold() if name is not None else ""


def fuzzy_notice(name: object, school_id: str, candidates: list, *, file: str | None = None,
                 sheet: str | None = None, row: int | None = None,
                 column: str | None = None) -> tuple[Problem, dict[str, Any]]:
    """A fuzzy match is kept but shown: (the warning «название «X» сопоставлено со школой «Y» (сходство 86 %) —
    проверьте», the entry for `unmatched_schools` with status "fuzzy" and the matched school_id, which the
    upload dialog offers for confirmation with that school preselected)."""
    school, score = next(((c[1], c[2]) for c in candidates if c[0] == school_id), (school_id, 0.0))
    warning = Problem("warning", f"название «{name}» сопоставлено со школой «{school}» (сходство {score:.0f} %) — "
                                 "проверьте", file=file, sheet=sheet, row=row, column=column)
    entry = {"row": row, "name": name, "status": "fuzzy", "school_id": school_id, "candidates": list(candidates)}
    return warning, entry


def match_school(name: object, registry: pd.DataFrame | None, aliases: dict[str, str] | None = None, *,
                 cutoff: float = CUTOFF, margin: float = MARGIN) -> Match:
    """Match one name to the registry (`school_id`, `name`, optional `short_name`)."""
    return match_many([name], registry, aliases, cutoff=cutoff, margin=margin)[name]


def match_registries(old: pd.DataFrame, new: pd.DataFrame, *, cutoff: float = CUTOFF,
                     margin: float = MARGIN) -> pd.DataFrame:
    """Link each school of `new` to the same school in `old` (another year).

    Columns: old_id, new_id, status, score. status: exact | fuzzy (same school),
    ambiguous (two old schools fit, or two new schools claim one old one),
    new (no old school fits), closed (an old school nobody claims).
    """
    old_u = old.drop_duplicates("school_id")
    new_u = new.drop_duplicates("school_id")
    # Try the full name first, then the short name; keep the better match per new school.
    results = []
    for col in ("name", "short_name"):
        if col not in new_u:
            continue
        spell = new_u[col].where(new_u[col].notna(), "").astype(str)
        m = match_many(spell.tolist(), old_u, cutoff=cutoff, margin=margin)
        results.append(pd.DataFrame({
            "new_id": new_u["school_id"].astype(str).to_numpy(),
            "old_id": [m[s].school_id for s in spell],
            "status": [m[s].status for s in spell],
            "score": [m[s].score for s in spell],
        }))
    res = pd.concat(results, ignore_index=True)
    rank = res["status"].map({"exact": 0, "alias": 0, "fuzzy": 1, "ambiguous": 2, "unknown": 3})
    res = res.assign(_rank=rank).sort_values(["new_id", "_rank", "score"], ascending=[True, True, False])
    res = res.drop_duplicates("new_id").drop(columns="_rank")
    res["status"] = res["status"].replace({"alias": "exact", "unknown": "new"})
    res.loc[res["status"].isin(["ambiguous", "new"]), "old_id"] = None
    # Two new schools claiming one old school: keep the best, the others become ambiguous.
    linked = res["old_id"].notna()
    best = res[linked].sort_values("score", ascending=False).duplicated("old_id", keep="first")
    res.loc[best[best].index, ["status", "old_id"]] = ["ambiguous", None]
    claimed = set(res["old_id"].dropna())
    closed = old_u.loc[~old_u["school_id"].astype(str).isin(claimed), "school_id"].astype(str)
    res = pd.concat([res, pd.DataFrame({"old_id": closed, "new_id": None, "status": "closed", "score": 0.0})],
                    ignore_index=True)
    return res[["old_id", "new_id", "status", "score"]].reset_index(drop=True)


def registry_match_summary(links: pd.DataFrame) -> dict[str, int]:
    """Counts of a `match_registries` result: matched, ambiguous, new, closed."""
    st = links["status"]
    return {
        "matched": int(st.isin(["exact", "fuzzy"]).sum()),
        "ambiguous": int((st == "ambiguous").sum()),
        "new": int((st == "new").sum()),
        "closed": int((st == "closed").sum()),
    }
