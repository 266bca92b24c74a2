"""How is a per-participant exam protocol turned into results per school and subject?

A protocol has one row per participant: code, surname, name, patronymic (or
ФИО), school, subject, score, maybe the pass mark («Порог»), a pass/fail
(«зачёт») column and the mark. It is aggregated at once into results rows per
school × subject (× grade): participants, mean, below minimum, high scorers and
counts of marks 2–5.

Personal data never leaves this module: the columns holding codes and names
are recognised by their headers and never read — no name or code reaches the
tables, problems, messages or logs (problems name the row number only).

Below minimum comes from the pass/fail column, else the pass-mark column, else
the mark («2»), else the minimum score of `loaders.thresholds` for the exam,
subject and year. High scorers are ЕГЭ scores at or above the band from
settings (`exams.high_score_band`, default 80).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from loaders import headers as H
from loaders.cells import find_year, to_numbers
from loaders.grid import Sheet, is_blank
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed
from loaders.layouts.forma1 import cell_text, title_texts
from loaders.layouts.tabular import canonical_exam, find_exam
from loaders.personal import name_column
from loaders.school_names import fuzzy_notice, match_many, normalise
from loaders.thresholds import find_subject, high_score_band, min_score, normalise_subject

SCAN_ROWS = 30
SCORE_EXAMS = {"ЕГЭ", "Пробный ЕГЭ"}

# Header roles by normalised prefix/words. Personal roles are recognised only to be skipped.
PERSONAL = ("surname", "first_name", "patronymic", "fio", "code", "document", "birth", "rownum")
_ROLE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("rownum", ("№", "№ п п", "п п", "n", "n п п", "№ пп")),
    ("surname", ("фамилия",)),
    ("first_name", ("имя",)),
    ("patronymic", ("отчество",)),
    ("fio", ("фио", "ф и о", "фамилия имя отчество", "участник", "обучающийся", "учащийся", "выпускник", "ученик",
             "ученица", "фи", "ф и", "фи ученика", "фи обучающегося", "фио ученика", "фио обучающегося",
             "фио участника", "фамилия имя", "фамилия и имя", "фамилия имя ученика", "список", "список класса")),
    ("code", ("код участника", "код работы", "уникальный код", "код обучающегося", "идентификатор участника",
              "регистрационный номер", "номер участника", "код", "шифр")),
    ("document", ("документ", "паспорт", "снилс", "серия", "номер документа")),
    ("birth", ("дата рождения", "год рождения")),
    ("school_id", ("код оо", "код школы", "код оу", "код образовательной организации")),
    ("school", ("оо", "оу", "школа", "образовательная организация", "наименование оо", "наименование оу",
                "образовательное учреждение", "наименование образовательной организации", "учреждение")),
    ("subject", ("предмет", "учебный предмет", "наименование предмета")),
    ("grade", ("класс", "параллель")),
    ("exam", ("экзамен", "процедура", "форма гиа", "форма")),
    ("year", ("год",)),
    ("threshold", ("порог", "минимальный балл", "мин балл", "пороговый балл", "минимальный порог")),
    ("passed", ("зачет", "зачёт", "преодолел порог", "результат зачет", "преодолел", "сдал", "статус")),
    ("mark", ("отметка", "оценка", "отметка по пятибалльной шкале", "итоговая отметка")),
    ("score", ("тестовый балл", "балл", "итоговый балл", "баллы", "сумма баллов", "балл по 100 балльной шкале",
               "балл егэ", "тестовый балл егэ", "результат", "итог", "итоговый результат", "количество баллов",
               "набранный балл", "набранные баллы")),
    ("primary", ("первичный балл", "первичные баллы", "сумма первичных баллов")),
]
_PASS_NO = {"нет", "незачет", "не зачет", "не сдал", "не преодолел", "-", "0", "н", "не прошел", "ниже порога",
            "false", "no"}
_PASS_YES = {"да", "зачет", "сдал", "преодолел", "+", "1", "прошел", "true", "yes"}


def _role(label: str, mapping: dict[str, str]) -> str | None:
    n = H.norm(label)
    if not n:
        return None
    if n in mapping:
        t = mapping[n]
        return {"school_name": "school", "participants": None}.get(t, t)
    return _role_of(n)


@lru_cache(maxsize=16384)
def _role_of(n: str) -> str | None:
    for role, words in _ROLE_WORDS:
        if n in words:
            return role
    for role, words in _ROLE_WORDS:
        if any(n.startswith(w + " ") for w in words if len(w) >= 3):
            return role
    return None


def _header(sheet: Sheet, ctx: Context) -> tuple[int, dict[int, str], dict[int, str]] | None:
    mapping = {H.norm(k): v for k, v in (ctx.mapping or {}).items()}
    for i in range(min(len(sheet.rows), SCAN_ROWS)):
        roles: dict[int, str] = {}
        labels: dict[int, str] = {}
        for j, v in enumerate(sheet.rows[i]):
            label = cell_text(v)
            r = _role(label, mapping)
            if r and (r in PERSONAL or r not in roles.values()):
                roles[j] = r
                labels[j] = label
        found = set(roles.values())
        if not ({"score", "mark", "primary"} & found):
            continue
        if not (set(PERSONAL) - {"rownum"}) & found:
            # whatever the headers say, a column of people's names below them makes the sheet a list of pupils
            j = name_column(sheet, i + 1, max((len(r) for r in sheet.rows[i:i + 50]), default=0))
            if j is None or j in roles:
                continue
            roles[j], labels[j] = "fio", cell_text(sheet.rows[i][j]) if j < len(sheet.rows[i]) else ""
        return i, roles, labels
    return None


class Protocol:
    name = "protocol"
    title = "Протокол результатов по участникам"

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        return 0.995 if _header(sheet, ctx) else 0.0

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        out = Parsed()
        h = _header(sheet, ctx)
        if h is None:
            out.problems.append(ctx.problem("error", "не найден заголовок протокола: нужны столбцы школы, балла "
                                                     "(или отметки) и участника", sheet))
            return out
        top, roles, labels = h
        out.info["personal"] = True  # names were on this sheet: its file's bytes are never kept
        col = {r: j for j, r in roles.items() if r not in PERSONAL}
        if not ({"school", "school_id"} & set(col)):
            out.problems.append(ctx.problem(
                "error", "это список учащихся (по строке на участника), но в нём нет столбца школы — результаты не по "
                         "чему собрать; добавьте столбец «ОО» (имена и коды не сохраняются)", sheet,
                sheet.row_number(top)))
            return out
        if "score" not in col and "primary" in col:
            col["score"] = col.pop("primary")
        col.pop("primary", None)
        titles = title_texts(sheet, top)
        # Only the non-personal columns are ever read out of the grid.
        body = sheet.rows[top + 1:]
        rows = np.arange(len(body)) + sheet.row_number(top + 1)
        frame = pd.DataFrame({r: [rw[j] if j < len(rw) else None for rw in body] for r, j in col.items()})
        frame["_row"] = rows
        keep = frame.drop(columns="_row").apply(lambda c: ~c.map(is_blank)).any(axis=1) if len(frame) else \
            pd.Series(dtype=bool)
        frame = frame[keep.to_numpy()] if len(frame) else frame
        out.info |= {"header_row": sheet.row_number(top), "table": "results", "participants_rows": int(len(frame)),
                     "titles": titles,
                    "header_texts": [labels[j] for j in sorted(labels) if roles[j] not in PERSONAL]}
        out.unplaced_columns = [cell_text(v) for j, v in enumerate(sheet.rows[top])
                                if j not in roles and cell_text(v)]
        if not len(frame):
            out.tables["results"] = pd.DataFrame(columns=["_row"])
            return out

        title_all = " ".join(titles + [sheet.name, sheet.file.rsplit("/", 1)[-1]])
        exam = ctx.exam or (frame["exam"].map(lambda v: canonical_exam(cell_text(v)) or None) if "exam" in frame
                            else None)
        if exam is None or (isinstance(exam, pd.Series) and exam.isna().all()):
            exam = find_exam(title_all)
            if exam in ("ЕГЭ", "ОГЭ") and "пробн" in H.norm(title_all):
                exam = f"Пробный {exam}"  # «пробного ЕГЭ» must not read as the ЕГЭ itself
        year = ctx.year
        if year is None and "year" in frame:
            yv, _ = to_numbers(frame["year"].map(lambda v: find_year(v) if not is_blank(v) else None))
            year = yv
        if year is None:
            year = find_year(title_all)
        frame["exam"] = exam if not isinstance(exam, pd.Series) else exam.to_numpy()
        frame["year"] = year if not isinstance(year, pd.Series) else year.to_numpy()

        score, bad_score = to_numbers(frame["score"]) if "score" in frame else (pd.Series(np.nan, index=frame.index),
                                                                                 pd.Series(False, index=frame.index))
        mark, bad_mark = to_numbers(frame["mark"]) if "mark" in frame else (pd.Series(np.nan, index=frame.index),
                                                                              pd.Series(False, index=frame.index))
        for what, bad, field in (("балл", bad_score, "score"), ("отметка", bad_mark, "mark")):
            if bad.any():
                rows_bad = frame.loc[bad, "_row"].tolist()
                out.problems.append(ctx.problem(
                    "error", f"{what} не число в {len(rows_bad)} строк(ах): "
                             + ", ".join(str(r) for r in rows_bad[:10]) + ("…" if len(rows_bad) > 10 else ""),
                    sheet, int(rows_bad[0]), labels[col[field]]))
        if "exam" in frame and frame["exam"].isna().all():
            guess = "ЕГЭ" if (score > 5).any() else "ОГЭ"
            frame["exam"] = guess
            out.problems.append(ctx.problem("warning", f"процедура не указана — по баллам принята «{guess}»; "
                                                       "укажите её (--exam) при другой", sheet))
        if "subject" in frame:
            subject = frame["subject"].map(normalise_subject)
        else:
            subj = next((s for s in (normalise_subject(t) for t in titles) if s in _known_subjects()), None) or \
                next((s for s in map(find_subject, titles) if s), None)
            subject = pd.Series(subj, index=frame.index, dtype=object)
        frame["subject"] = subject

        # below minimum, by the best evidence the protocol gives
        below = pd.Series(np.nan, index=frame.index)
        source = None
        if "passed" in frame:
            p = frame["passed"].map(lambda v: H.norm(v) if not is_blank(v) else None)
            below = p.map(lambda v: np.nan if v is None else (1.0 if v in _PASS_NO else (0.0 if v in _PASS_YES
                                                                                          else np.nan)))
            source = "passed"
        if below.isna().all() and "threshold" in frame:
            thr, _ = to_numbers(frame["threshold"])
            below = (score < thr).astype(float).where(score.notna() & thr.notna())
            source = "threshold"
        if below.isna().all() and mark.notna().any():
            below = (mark < 3).astype(float).where(mark.notna())
            source = "mark"
        if below.isna().all() and score.notna().any():
            mins = pd.Series([
                min_score(e, s, int(y)) if isinstance(e, str) and isinstance(s, str) and s and pd.notna(y)
                and e in SCORE_EXAMS else None
                for e, s, y in frame[["exam", "subject", "year"]].drop_duplicates().itertuples(index=False)],
                dtype=float)
            keys = frame[["exam", "subject", "year"]].drop_duplicates().reset_index(drop=True)
            keys["_min"] = mins
            m = frame[["exam", "subject", "year"]].merge(keys, how="left", on=["exam", "subject", "year"])["_min"]
            m.index = frame.index
            below = (score < m).astype(float).where(score.notna() & m.notna())
            source = "thresholds" if m.notna().any() else None
        out.info["below_min_from"] = source
        band = high_score_band(ctx.settings)
        is_score_exam = frame["exam"].isin(SCORE_EXAMS)
        high = (score >= band).astype(float).where(score.notna() & is_score_exam)

        frame["_score"] = score
        frame["_mark"] = mark
        frame["_below"] = below
        frame["_high"] = high
        for k in (2, 3, 4, 5):
            frame[f"_m{k}"] = (mark == k).astype(float).where(mark.notna())
        frame["_took"] = (score.notna() | mark.notna()).astype(int)
        school_key = "school_id" if "school_id" in col else "school"
        frame[school_key] = frame[school_key].map(lambda v: cell_text(v) or None)
        if school_key == "school":
            # Spelling variants of one school must land in one group: match before aggregating.
            names = frame["school"].dropna().unique().tolist()
            matches = match_many(names, ctx.registry, ctx.aliases) if ctx.registry is not None and len(
                ctx.registry) else {}
            first_spelling: dict[str, str] = {}
            for n in names:
                first_spelling.setdefault(normalise(n), n)
            key = {n: ("id", matches[n].school_id) if n in matches and matches[n].school_id
                   else ("name", first_spelling[normalise(n)]) for n in names}
            for n in names:  # a fuzzy match is kept but shown for the user to confirm
                if n in matches and matches[n].status == "fuzzy":
                    first_row = int(frame.loc[frame["school"] == n, "_row"].min())
                    warning, entry = fuzzy_notice(n, matches[n].school_id, matches[n].candidates, file=ctx.file,
                                                  sheet=sheet.name, row=first_row, column=labels[col["school"]])
                    out.problems.append(warning)
                    out.unmatched_schools.append(entry)
            frame["school"] = frame["school"].map(lambda n: key.get(n) if n is not None else None)
        if "grade" not in frame:
            frame["grade"] = None
        frame["grade"] = frame["grade"].map(lambda v: cell_text(v) or None)
        keys = [school_key, "exam", "subject", "year", "grade"]
        for k in keys:
            frame[k] = frame[k].astype(object).where(frame[k].notna(), "\x00")
        g = frame.groupby(keys, sort=False, dropna=False)
        agg = g.agg(participants=("_took", "sum"), _score_mean=("_score", "mean"), _mark_mean=("_mark", "mean"),
                    below_min=("_below", lambda s: s.sum() if s.notna().any() else np.nan),
                    high_scorers=("_high", lambda s: s.sum() if s.notna().any() else np.nan),
                    mark2=("_m2", lambda s: s.sum() if s.notna().any() else np.nan),
                    mark3=("_m3", lambda s: s.sum() if s.notna().any() else np.nan),
                    mark4=("_m4", lambda s: s.sum() if s.notna().any() else np.nan),
                    mark5=("_m5", lambda s: s.sum() if s.notna().any() else np.nan),
                    _row=("_row", "min")).reset_index()
        for k in keys:
            agg[k] = agg[k].where(agg[k] != "\x00", None)
        mark_exam = ~agg["exam"].isin(SCORE_EXAMS)
        agg["mean"] = np.where(mark_exam & agg["_mark_mean"].notna(), agg["_mark_mean"],
                               np.where(mark_exam, np.nan, agg["_score_mean"]))
        agg["mean"] = agg["mean"].round(2)
        if (mark_exam & agg["_mark_mean"].isna() & agg["_score_mean"].notna()).any():
            out.problems.append(ctx.problem("warning", "в протоколе ОГЭ/ВПР нет отметок — средняя отметка не "
                                                       "вычислена (первичные баллы не переводятся в отметки)", sheet))
        if school_key == "school":
            agg["school_id"] = agg["school"].map(lambda k: k[1] if isinstance(k, tuple) and k[0] == "id" else None)
            agg[H.SCHOOL_NAME] = agg["school"].map(lambda k: k[1] if isinstance(k, tuple) and k[0] == "name"
                                                   else None)
            agg = agg.drop(columns=["school"])
            out.headers["results"] = {H.SCHOOL_NAME: labels[col["school"]], "school_id": labels[col["school"]]}
        else:
            out.headers["results"] = {"school_id": labels[col["school_id"]]}
        if "score" in col:
            out.headers["results"]["mean"] = labels[col["score"]]
        out.tables["results"] = agg.drop(columns=["_score_mean", "_mark_mean"])
        return out


def _known_subjects() -> set[str]:
    from loaders.thresholds import SUBJECTS
    return set(SUBJECTS)


PROTOCOL = register(Protocol())
