"""The programme progress report for a half-year or a school year.

A Word document the methodologist edits before signing (and the same as PDF):
title page; every indicator's baseline, plan, fact, status and forecast, grouped as
the programme groups them; charts of the indicators off plan; the roadmap — done
on time, done late, overdue, coming up — by section and by responsible party;
the changes of the ШНОР and ШНСУ lists; the ВПР objectivity summary; and a draft
of conclusions and proposals written from the same explanations the pages show.
"""
from __future__ import annotations

from reports import blocks as B
from reports import charts, pdf, word
from reports.content import (
    ROADMAP_LISTS, ROADMAP_TONES, STATUS_TONES, VERDICT_TONES, ProgrammeContent, forecast_header, headline,
)
from metrics.explain import render
from ui import format as fmt

LIST_NAMES = 60   # school names per cell of the ШНОР / ШНСУ table; the rest are counted
STRIP_LABELS = {"achieved": "достигнуто", "near": "близко к плану", "missed": "не достигнуто", "no data": "нет данных"}


def _indicators(c: ProgrammeContent, w: float) -> list[B.Block]:
    out: list[B.Block] = [B.Heading("1. Целевые показатели программы")]
    judged = sum(c.counts.values())
    if not c.indicators:
        return out + [B.Para(f"За {c.period.data_year} год нет ни плана, ни факта по показателям программы.")]
    if judged:
        out.append(B.Image(charts.status_strip(c.counts, STRIP_LABELS, width_mm=w, height_mm=7), w, 7))
    out.append(B.Para(f"Плановые значения {c.period.data_year} года сравниваются с фактом; прогноз — линейный тренд "
                      "последних фактов до года целевого значения. Показатели, которые ведутся только по школам, "
                      "показаны числом школ, достигших плана.", "note"))
    for group, lines in c.indicators:
        out.append(B.Heading(group, level=2))
        out.append(B.Table(
            (B.Col("Показатель", 62), B.Col("Базовое", 17, "right"), B.Col("План", 19, "right"),
             B.Col("Факт", 17, "right"), B.Col("Откл.", 17, "right"), B.Col("Статус", 22),
             B.Col(forecast_header(lines), w - 154)),
            tuple((ln.name, ln.baseline, ln.plan, ln.fact, ln.deviation, ln.status_text, ln.forecast) for ln in lines),
            tones=tuple((None, None, None, None, None, STATUS_TONES.get(ln.status), VERDICT_TONES.get(ln.verdict))
                        for ln in lines), size=7.5))
    return out


def _charts(c: ProgrammeContent, w: float) -> list[B.Block]:
    if not c.off_plan:
        return []
    out: list[B.Block] = [B.Heading("2. Показатели, не достигшие плана"),
                          B.Para("Сплошная линия — факт, пунктир — план, кольцо — целевое значение.", "note")]
    half = (w - 6) / 2
    why = {ln.indicator_id: ln for ln in c.off_plan_lines}
    cells: list[tuple[B.Block, ...]] = []
    for s, ln in zip(c.off_plan, c.off_plan_lines):
        png = charts.indicator_chart(s.years, s.facts, s.plans, s.target, s.final_year, s.name, s.unit,
                                     width_mm=half, height_mm=52)
        cells.append((B.Image(png, half, 52), B.Para(headline(why[ln.indicator_id].explanation) + ".", "note"),
                      B.Spacer(3)))
    for i in range(0, len(cells), 2):
        right = cells[i + 1] if i + 1 < len(cells) else ()
        out.append(B.Columns(cells[i], right, left_mm=half, gap_mm=6))
    return out


def _roadmap(c: ProgrammeContent, w: float) -> list[B.Block]:
    out: list[B.Block] = [B.Heading("3. План мероприятий")]
    if not c.roadmap:
        return out + [B.Para("За период нет выполненных, просроченных или предстоящих мероприятий "
                             "(или план мероприятий не загружен).")]
    out.append(B.Para(f"Выполненные — с датой выполнения в периоде {fmt.date_ru(c.period.start)}–"
                      f"{fmt.date_ru(c.period.end)}; просроченные — на {fmt.date_ru(c.as_of)}; предстоящие — "
                      f"с контрольной датой до {fmt.date_ru(c.coming_until)}.", "note"))
    cols = list(ROADMAP_LISTS)
    for by, title, label in (("section", "По разделам плана", "Раздел"),
                             ("responsible", "По ответственным", "Ответственный")):
        t = c.roadmap_by_section if by == "section" else c.roadmap_by_party
        out.append(B.Heading(title, level=2))
        rows = [(str(r[by]), *(str(int(r[k])) if int(r[k]) else "—" for k in cols)) for r in t.to_dict("records")]
        totals = ("Всего", *(str(int(t[k].sum())) for k in cols)) if by == "section" else None
        out.append(B.Table(
            (B.Col(label, w - 4 * 26), *(B.Col(ROADMAP_LISTS[k], 26, "right") for k in cols)),
            tuple(rows + ([totals] if totals else [])), size=7.5,
            bold_rows=(len(rows),) if totals else (),
            tones=tuple((None, *(ROADMAP_TONES[k] if r[i + 1] != "—" else None for i, k in enumerate(cols)))
                        for r in rows) + (((None,) * 5,) if totals else ())))
    for state, title in ROADMAP_LISTS.items():
        items = [e for e in c.roadmap if e.state == state]
        if not items:
            continue
        out.append(B.Heading(f"{title}: {len(items)}", level=2))
        date_label = {"done_on_time": "Выполнено", "done_late": "Выполнено", "overdue": "Контр. дата",
                      "coming": "Контр. дата"}[state]
        out.append(B.Table(
            (B.Col("№", 13), B.Col("Мероприятие", 78), B.Col(date_label, 20, "right"), B.Col("Ответственные", 40),
             B.Col("Примечание", w - 151)),
            tuple((e.number, e.title, e.date, e.responsible, e.detail) for e in items), size=7.5))
    return out


def _lists(c: ProgrammeContent, w: float) -> list[B.Block]:
    y = c.period.data_year
    out: list[B.Block] = [B.Heading("4. Списки ШНОР и ШНСУ")]
    if not c.lists:
        return out + [B.Para("Результаты оценочных процедур не загружены: списки не определены.")]
    out.append(B.Para(f"Списки определяются по правилам панели за учебный год: {fmt.year_label(y)} в сравнении с "
                      f"{fmt.year_label(y - 1)}.", "note"))

    def names(xs: list[str]) -> str:
        shown = ", ".join(xs[:LIST_NAMES]) if xs else "—"
        return shown + (f" и ещё {len(xs) - LIST_NAMES} (полный список — на странице «Школы в зоне риска»)"
                        if len(xs) > LIST_NAMES else "")

    out.append(B.Table(
        (B.Col("Список", 18), B.Col("Вошли", (w - 18) / 3), B.Col("Вышли", (w - 18) / 3),
         B.Col("Остались", (w - 18) / 3)),
        tuple((ch.list_name, names(ch.entered), names(ch.left), names(ch.stayed)) for ch in c.lists),
        tones=tuple((None, "bad" if ch.entered else None, "good" if ch.left else None, None) for ch in c.lists),
        size=7.5))
    return out


def _objectivity(c: ProgrammeContent, w: float) -> list[B.Block]:
    y = c.period.data_year
    out: list[B.Block] = [B.Heading("5. Объективность ВПР")]
    if not c.vpr_schools:
        return out + [B.Para(f"Результатов ВПР за {y} год нет.")]
    if not c.objectivity:
        return out + [B.Para(f"Признаков необъективности результатов ВПР {y} года не выявлено ни в одной из "
                             f"{c.vpr_schools} школ.")]
    out.append(B.Para(f"Признаки необъективности результатов ВПР {y} года выявлены в {len(c.objectivity)} из "
                      f"{c.vpr_schools} школ. ВПР — диагностика, а не рейтинг: это повод для перепроверки и "
                      "наблюдения, а не оценка школы."))
    out.append(B.Table(
        (B.Col("Школа", 36), B.Col("Работ с признаками", 26, "right"), B.Col("Лет из 3", 16, "right"),
         B.Col("Что видно", w - 78)),
        tuple((o.school, f"{o.flagged} из {o.works}", str(o.years_flagged), o.signs) for o in c.objectivity),
        size=7.5))
    return out


def _conclusions(c: ProgrammeContent) -> list[B.Block]:
    out: list[B.Block] = [B.Heading("6. Выводы и предложения (проект для правки)")]
    out.append(B.Para("Текст составлен панелью по данным выше; перед подписанием его следует проверить и дополнить.",
                      "note"))
    out.append(B.Heading("Выводы", level=2))
    out.append(B.Bullets(tuple(render(e) for e in c.conclusions) or ("Данных для выводов недостаточно.",)))
    out.append(B.Heading("Предложения", level=2))
    out.append(B.Bullets(tuple(render(e) for e in c.proposals) or ("Предложений по данным панели нет.",)))
    return out


def build(c: ProgrammeContent) -> B.Doc:
    w = B.Doc(title="").text_width_mm
    blocks = (_indicators(c, w) + _charts(c, w) + _roadmap(c, w) + _lists(c, w) + _objectivity(c, w)
              + _conclusions(c))
    state = "на " + fmt.date_ru(c.as_of) if c.as_of < c.period.end else "по итогам периода"
    return B.Doc(
        title="Отчёт о ходе выполнения программы повышения качества образования",
        subtitle=f"{c.period.label.capitalize()} ({fmt.date_ru(c.period.start)} – {fmt.date_ru(c.period.end)})",
        blocks=blocks, title_page=True,
        title_lines=(f"Данные {state}", f"Проект сформирован {fmt.date_ru(c.made_on)} панелью мониторинга",
                     "", "Подготовил: ____________________    Подпись: ____________    Дата: ____________"),
        footer=f"Отчёт о ходе выполнения программы · {c.period.label}")


def pdf_bytes(c: ProgrammeContent) -> tuple[bytes, int]:
    return pdf.render(build(c))


def docx_bytes(c: ProgrammeContent) -> bytes:
    return word.render(build(c))
