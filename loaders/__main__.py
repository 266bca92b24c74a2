"""What does the command line `python -m loaders` do?

    python -m loaders FILE [FILE…] [--year Y] [--exam ЕГЭ] [--table results] [--layout NAME]
                      [--map "A=col,B=col"] [--map-file mapping.json] [--save-map] [--json]
    python -m loaders template TABLE [-o FILE]

The first form reads the files as one batch and prints, in Russian, what was
understood (per sheet: table, layout, rows; then warnings and errors); with
`--json` it prints one JSON object with the tidy tables and the problems.
Repeated messages are grouped («пустая ячейка …: строки 12–5 300 (5 213 ячеек)»), the first 50 groups
printed. Exit code 0 when everything is valid and something was read, 2 on errors — a file in which nothing
was understood, or only headers, is an error too. The second form writes the
canonical xlsx template of a table. Never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from loaders.mappings import MappingError, parse_map_arg, read_mapping_file
from loaders.report import group_problems
from loaders.model import TABLE_TITLES, TABLES

EXIT_OK, EXIT_ERRORS = 0, 2
MAX_GROUPS = 50  # repeated messages are grouped; this many groups are printed


def _template(argv: list[str]) -> int:
    from loaders.templates import default_filename, template_bytes

    p = argparse.ArgumentParser(prog="python -m loaders template", description="Записать шаблон таблицы (xlsx).")
    p.add_argument("table", choices=list(TABLES), help="таблица: " + ", ".join(f"{k} — {v}" for k, v in TABLE_TITLES.items()))
    p.add_argument("-o", "--output", help="куда записать файл (по умолчанию шаблон_<таблица>.xlsx)")
    args = p.parse_args(argv)
    path = Path(args.output or default_filename(args.table))
    path.write_bytes(template_bytes(args.table))
    print(f"Шаблон «{TABLE_TITLES[args.table]}» записан в {path}")
    return EXIT_OK


def _load(argv: list[str]) -> int:
    from loaders.pipeline import load_files
    from loaders.schema_io import result_to_json

    p = argparse.ArgumentParser(prog="python -m loaders",
                                description="Проверить файлы перед загрузкой: что поняла панель, ошибки и предупреждения.")
    p.add_argument("files", nargs="+", help="файлы xlsx, xls, ods, csv (или папки)")
    p.add_argument("--year", type=int, help="учебный год (2023/24 = 2024), если его нет в файле")
    p.add_argument("--exam", help="процедура (ЕГЭ, ОГЭ, ВПР, ГВЭ…), если её нет в файле")
    p.add_argument("--table", choices=list(TABLES), help="тип таблицы, если он не распознан")
    p.add_argument("--layout", help="макет листа, если он не распознан")
    p.add_argument("--map", dest="mapping", help="соответствие столбцов: «Заголовок=поле,Заголовок=поле»")
    p.add_argument("--map-file", help="файл JSON с соответствием столбцов {\"Заголовок\": \"поле\"}")
    p.add_argument("--save-map", action="store_true",
                   help="сохранить соответствие (--map, --map-file) под подписью заголовков прочитанных листов: "
                        "следующие файлы с такими же заголовками прочитаются с ним сами")
    p.add_argument("--json", action="store_true", help="вывести один объект JSON с таблицами и проблемами")
    args = p.parse_args(argv)
    try:
        mapping = parse_map_arg(args.mapping) if args.mapping else {}
        if args.map_file:
            mapping = {**read_mapping_file(args.map_file), **mapping}
    except (MappingError, ValueError, OSError) as exc:
        print(f"Ошибка в соответствии столбцов: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    result = load_files(args.files, year=args.year, exam=args.exam, table=args.table, layout=args.layout,
                        mapping=mapping or None)
    if args.save_map:
        saved = _save_map(result, mapping)
        if saved:
            print(f"Соответствие столбцов сохранено для {saved} вид(ов) заголовков.", file=sys.stderr)
    if args.json:
        json.dump(result_to_json(result), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        _print_report(result)
    return EXIT_OK if result.ok else EXIT_ERRORS


def _save_map(result, mapping: dict[str, str]) -> int:
    """Save the user's mapping under the header signature of every sheet read with it (only a clean load)."""
    from loaders.mappings import load_mapping, save_mapping

    if not mapping:
        print("Нечего сохранять: укажите соответствие (--map или --map-file).", file=sys.stderr)
        return 0
    if not result.ok:
        print("Соответствие не сохранено: в файлах есть ошибки.", file=sys.stderr)
        return 0
    signatures = sorted({d["signature"] for d in result.detected if d.get("signature")})
    for sig in signatures:
        save_mapping(sig, {**(load_mapping(sig) or {}), **mapping})
    return len(signatures)


def _print_report(result) -> None:
    for d in result.detected:
        extra = []
        if d.get("year"):
            extra.append(f"год {d['year']}")
        if d.get("exam"):
            extra.append(str(d["exam"]))
        if d.get("total_rows_skipped"):
            extra.append(f"итоговых строк пропущено: {d['total_rows_skipped']}")
        tail = f" ({', '.join(extra)})" if extra else ""
        print(f"Файл «{d['file']}», лист «{d['sheet']}»: {TABLE_TITLES.get(d['table'], d['table'])}, "
              f"{d['rows']} строк(и); макет «{d.get('title', d['layout'])}»{tail}")
    if result.ok:
        print("Принято:")
        for t, frame in result.tables.items():
            if len(frame):
                print(f"  {TABLE_TITLES[t]}: {len(frame)} строк(и)")
    for label, items in (("Предупреждения", result.warnings), ("Ошибки", result.errors)):
        if items:
            groups = group_problems(items)
            print(f"{label} ({len(items)}):")
            for group in groups[:MAX_GROUPS]:
                print(f"  {group.text()}")
            if len(groups) > MAX_GROUPS:
                print(f"  …и ещё {len(groups) - MAX_GROUPS} сообщений другого вида (все — в --json)")
    if result.errors:
        print("Файлы не приняты: исправьте ошибки — при ошибках не загружается ничего.")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "template":
            return _template(argv[1:])
        return _load(argv)
    except SystemExit as exc:  # argparse: usage errors print their own Russian-ish help
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERRORS
    except (KeyboardInterrupt, BrokenPipeError):
        return EXIT_ERRORS
    except Exception as exc:  # never a traceback
        print(f"Не удалось выполнить команду: внутренняя ошибка ({type(exc).__name__}). "
              "Сообщите разработчикам, приложив файл.", file=sys.stderr)
        return EXIT_ERRORS


if __name__ == "__main__":
    sys.exit(main())
