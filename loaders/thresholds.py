"""What is the minimum score of an exam subject in a given year, and who counts as a high scorer?

Thresholds are data, versioned by year, in `config/exam_thresholds.csv`
(kind `min` — minimum score or mark; `high` — high-score bands 70/80/90/100;
`high_sum` — bands summed over three subjects, 220+). A district edits that
file when Рособнадзор changes a minimum; no code changes. This module also
owns the canonical subject names and their synonyms (`Математика П`,
`Математика профильного уровня` → `Математика (профильная)`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from metrics.settings import get

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "config" / "exam_thresholds.csv"

# Canonical subject → synonyms (normalised: lower case, ё→е, punctuation as spaces).
SUBJECTS: dict[str, list[str]] = {
    "Русский язык": ["русский язык", "русский", "рус яз", "русск яз", "русский яз", "рус язык", "ря"],
    "Математика (профильная)": ["математика профильная", "математика профильного уровня", "математика п",
                                "математика профиль", "профильная математика", "математика проф", "мат проф",
                                "математика профильный уровень", "математика пу"],
    "Математика (базовая)": ["математика базовая", "математика базового уровня", "математика б", "математика баз",
                             "базовая математика", "мат баз", "математика базовый уровень", "математика бу"],
    "Математика": ["математика", "мат", "алгебра"],
    "Физика": ["физика"],
    "Химия": ["химия"],
    "Биология": ["биология"],
    "География": ["география"],
    "История": ["история", "история россии"],
    "Обществознание": ["обществознание", "обществозн", "общество"],
    "Литература": ["литература"],
    "Информатика": ["информатика", "информатика и икт", "информатика кегэ", "икт"],
    "Английский язык": ["английский язык", "английский", "англ яз", "английский яз", "иностранный язык английский"],
    "Немецкий язык": ["немецкий язык", "немецкий", "нем яз", "иностранный язык немецкий"],
    "Французский язык": ["французский язык", "французский", "франц яз", "иностранный язык французский"],
    "Испанский язык": ["испанский язык", "испанский", "исп яз", "иностранный язык испанский"],
    "Китайский язык": ["китайский язык", "китайский", "кит яз", "иностранный язык китайский"],
    "Иностранный язык": ["иностранный язык", "ин яз", "иняз", "иностр яз"],
    "Окружающий мир": ["окружающий мир", "окр мир"],
}
FOREIGN_LANGUAGES = ("Английский язык", "Немецкий язык", "Французский язык", "Испанский язык", "Китайский язык",
                     "Иностранный язык")

_PUNCT = re.compile(r"[().,;:«»\"'/\\_–—-]+")


def _key(text: object) -> str:
    s = str(text).lower().replace("ё", "е").replace("\u00a0", " ")
    return " ".join(_PUNCT.sub(" ", s).split())


_INDEX = {_key(syn): canon for canon, syns in SUBJECTS.items() for syn in syns + [canon]}


def _stems(canon: str) -> tuple[str, ...]:
    """Word stems of a subject that any grammatical case keeps: «по математике» ← математ, «по русскому языку» ←
    русск + язык (a stem of at least four letters)."""
    return tuple(w[:max(4, len(w) - 2)] for w in _key(re.sub(r"\(.*\)", "", canon)).split())


def find_subject(text: object) -> str | None:
    """The subject a title names in any case («Результаты ВПР по математике, 5 класс» → Математика); the most
    specific one when several fit («профильной математике» → Математика (профильная)); None when none."""
    words = _key(text).split()
    if not words:
        return None
    best, best_len = None, 0
    for canon in SUBJECTS:
        stems = _stems(canon)
        if all(any(w.startswith(st) for w in words) for st in stems):
            extra = 0
            m = re.search(r"\((\w+)", canon)
            if m:
                if not any(w.startswith(m.group(1)[:5].lower()) for w in words):
                    continue
                extra = 1
            if len(stems) + extra > best_len:
                best, best_len = canon, len(stems) + extra
    return best


@lru_cache(maxsize=4096)
def normalise_subject(text: object) -> str:
    """Canonical subject name; an unknown subject comes back trimmed as written."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    k = _key(text)
    if k in _INDEX:
        return _INDEX[k]
    if k.startswith("мат"):
        if re.search(r"(?<![а-я])(проф[а-я]*|п|пу)(?![а-я])", k):
            return "Математика (профильная)"
        if re.search(r"(?<![а-я])(баз[а-я]*|б|бу)(?![а-я])", k):
            return "Математика (базовая)"
    for canon in FOREIGN_LANGUAGES[:-1]:
        if k.startswith(_key(canon).split()[0][:5]):
            return f"{canon} (устный)" if "устн" in k else canon  # the oral part is an exam of its own
    return " ".join(str(text).split())


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"kind": str, "exam": str, "subject": str, "purpose": str, "note": str})
    df["subject"] = df["subject"].map(lambda s: s if s == "*" else normalise_subject(s))
    for col in ("year_from", "year_to"):
        df[col] = df[col].astype(int)
    df["score"] = df["score"].astype(float)
    return df


def load_thresholds(path: str | Path | None = None) -> pd.DataFrame:
    """The thresholds table: kind, exam, subject (canonical or `*`), year_from, year_to, score, purpose, note."""
    p = Path(path) if path else DEFAULT_PATH
    return _load(str(p), p.stat().st_mtime).copy()


def min_score(exam: str, subject: str, year: int, *, purpose: str = "certificate",
              path: str | Path | None = None, nearest: bool = True) -> float | None:
    """Minimum score (ЕГЭ) or lowest passing mark (ОГЭ/ВПР/ГВЭ, base maths: 3) of a subject in a year.

    With `nearest`, a year outside the table takes the closest known year's value.
    None if the subject has no threshold.
    """
    t = _load(str(Path(path) if path else DEFAULT_PATH), (Path(path) if path else DEFAULT_PATH).stat().st_mtime)
    subj = normalise_subject(subject)
    rows = t[(t["kind"] == "min") & (t["exam"] == exam) & (t["purpose"] == purpose)
             & ((t["subject"] == subj) | (t["subject"] == "*"))]
    if rows.empty:
        return None
    # A subject's own row beats the exam-wide `*` row.
    rows = rows.assign(_own=(rows["subject"] != "*").astype(int))
    inside = rows[(rows["year_from"] <= year) & (rows["year_to"] >= year)]
    if not inside.empty:
        return float(inside.sort_values("_own", ascending=False)["score"].iloc[0])
    if not nearest:
        return None
    dist = (rows["year_from"] - year).clip(lower=0) + (year - rows["year_to"]).clip(lower=0)
    rows = rows.assign(_dist=dist).sort_values(["_own", "_dist"], ascending=[False, True])
    return float(rows["score"].iloc[0])


def high_score_band(settings: dict | None = None) -> float:
    """The score from which an ЕГЭ result counts as high (settings `exams.high_score_band`, default 80)."""
    return float(get(settings, "exams.high_score_band", 80))


def high_sum_band(settings: dict | None = None) -> float:
    """The three-subject sum that counts as high (settings `exams.high_sum_band`, default 220)."""
    return float(get(settings, "exams.high_sum_band", 220))


def high_score_bands(exam: str = "ЕГЭ", path: str | Path | None = None) -> list[float]:
    """All high-score bands of an exam from the thresholds file (70, 80, 90, 100 for ЕГЭ)."""
    t = load_thresholds(path)
    return sorted(t.loc[(t["kind"] == "high") & (t["exam"] == exam), "score"].tolist())
