"""What does the command line `python -m reports` do?

    python -m reports programme --period 2026-H1 --out отчет.docx
    python -m reports brief --year 2026 --out справка.pdf
    python -m reports school SCHOOL_ID --year 2026 --out карточка.pdf

Writes the programme progress report (period: 2026-H1, 2026-H2, 2026 or
2025/26), the one-page meeting brief or one school's interview handout from the
store the dashboard uses (`--store`, else env DASHBOARD_STORE, else settings
`store.path`). The format follows the file's extension: .pdf or .docx.
`--today` fixes the date documents are made on (else env DASHBOARD_TODAY, else
today). Exit 0 on success; a Russian message on stderr and exit 2 when the data
needed is missing or an argument is wrong. Never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_ERRORS = 0, 2
FORMATS = (".pdf", ".docx")


class Refusal(Exception):
    """A Russian message for the user; exit 2."""


_ARGPARSE_RU = {"the following arguments are required": "не указаны обязательные аргументы",
                "unrecognized arguments": "лишние аргументы", "invalid int value": "не целое число",
                "invalid choice": "недопустимое значение", "expected one argument": "нужно значение"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for en, ru in _ARGPARSE_RU.items():
            message = message.replace(en, ru)
        raise Refusal(f"Неверные аргументы: {message}. Справка: python -m reports --help")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m reports", description="Документы панели мониторинга: отчёт о ходе программы, "
                "справка к совещанию, материалы к собеседованию со школой (PDF или Word по расширению файла).")
    p.add_argument("--store", help="файл хранилища (по умолчанию — как у панели)")
    p.add_argument("--today", help="дата формирования, ГГГГ-ММ-ДД (по умолчанию — сегодня)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    prog = sub.add_parser("programme", help="отчёт о ходе выполнения программы за период")
    prog.add_argument("--period", required=True, help="2026-H1 (январь–июнь), 2026-H2 (июль–декабрь), "
                      "2026 или 2025/26 (учебный год)")
    prog.add_argument("--out", required=True, help="файл .docx или .pdf")
    brief = sub.add_parser("brief", help="справка к совещанию руководителей (1 страница)")
    brief.add_argument("--year", type=int, help="учебный год по году окончания (2026 = 2025/26)")
    brief.add_argument("--out", required=True, help="файл .pdf или .docx")
    school = sub.add_parser("school", help="материалы к собеседованию со школой (до 2 страниц)")
    school.add_argument("school_id", help="код школы из реестра")
    school.add_argument("--year", type=int, help="учебный год по году окончания (2026 = 2025/26)")
    school.add_argument("--out", required=True, help="файл .pdf или .docx")
    return p


def _today(text: str | None) -> date:
    raw = text or os.environ.get("DASHBOARD_TODAY")
    if not raw:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Refusal(f"Дата «{raw}» не распознана: нужна дата вида 2026-11-22.") from None


def _out(path: str) -> tuple[Path, str]:
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in FORMATS:
        raise Refusal(f"Файл «{path}»: формат определяется расширением — укажите .pdf или .docx.")
    if not p.parent.exists():
        raise Refusal(f"Папки «{p.parent}» нет.")
    return p, ext


def _default_year(tables: dict, today: date) -> int:
    """The latest year with results or facts that is not in the future (as the dashboard's year filter)."""
    years: set[int] = set()
    for name, kind in (("results", None), ("values", "fact")):
        df = tables.get(name)
        if df is None or df.empty:
            continue
        if kind:
            df = df[df["kind"] == kind]
        years |= {int(y) for y in df["year"].dropna().unique()}
    years = {y for y in years if y <= today.year}
    if not years:
        raise Refusal("В хранилище нет ни результатов, ни фактических значений показателей: укажите --year "
                      "или загрузите данные.")
    return max(years)


def _inputs(args: argparse.Namespace):
    from reports.content import Inputs
    from store import open_store

    store = open_store(path=args.store) if args.store else open_store()
    return Inputs(tables=store.read_all(), today=_today(args.today), commitments=store.commitments())


def run(argv: list[str]) -> tuple[Path, int | None]:
    """Write the document; return its path and PDF page count (None for Word)."""
    args = _parser().parse_args(argv)
    out, ext = _out(args.out)
    if args.store is not None and not Path(args.store).exists():
        raise Refusal(f"Файла хранилища «{args.store}» нет.")
    inp = _inputs(args)
    pages: int | None = None
    if args.command == "programme":
        from metrics.periods import parse_period
        from reports import programme
        from reports.content import programme_content

        content = programme_content(inp, parse_period(args.period))
        if ext == ".pdf":
            data, pages = programme.pdf_bytes(content)
        else:
            data = programme.docx_bytes(content)
    elif args.command == "brief":
        from reports import brief
        from reports.content import brief_content

        content = brief_content(inp, args.year or _default_year(inp.tables, inp.today))
        doc, pdf, pages = brief.make(content)
        data = pdf if ext == ".pdf" else _word(doc)
    else:
        from reports import handout
        from reports.content import handout_content

        content = handout_content(inp, args.school_id, args.year or _default_year(inp.tables, inp.today))
        doc, pdf, pages = handout.make(content)
        data = pdf if ext == ".pdf" else _word(doc)
    out.write_bytes(data)
    return out, pages if ext == ".pdf" else None


def _word(doc) -> bytes:
    from reports import word

    return word.render(doc)


def main(argv: list[str] | None = None) -> int:
    from metrics.periods import PeriodError
    from reports.content import MissingData
    from store import StoreError

    started = time.perf_counter()
    try:
        out, pages = run(sys.argv[1:] if argv is None else argv)
    except (Refusal, MissingData, PeriodError, StoreError) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except OSError as exc:
        print(f"Ошибка: не удалось записать файл: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    size = out.stat().st_size
    what = f", страниц: {pages}" if pages else ""
    print(f"Записано: {out} ({size // 1024 or 1} КБ{what}) за {time.perf_counter() - started:.1f} с")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
