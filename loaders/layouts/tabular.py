"""How is a plain header-and-rows table read (our templates, results exports)? (work in progress)"""
from __future__ import annotations

from loaders.grid import Sheet
from loaders.layouts import register
from loaders.layouts.base import Context, Parsed


class Tabular:
    name = "tabular"
    title = "Таблица с заголовками"

    def detect(self, sheet: Sheet, ctx: Context) -> float:
        return 0.0

    def parse(self, sheet: Sheet, ctx: Context) -> Parsed:
        return Parsed()


TABULAR = register(Tabular())
