"""Does the store ever hold participant names or codes from a per-participant protocol?

The loaders aggregate a protocol into per-school results and drop names and
codes; the store must not bring them back through the kept original bytes.
These tests search the raw database file (and its -wal) for every surname and
code that was in the protocol.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import StoreError
from store.writes import PROTOCOL_NOTE
from tests.store.helpers import res, result

PARTICIPANTS = [  # code, surname, name, school, subject, score
    ("770101-000123", "Зайцева", "Пелагея", "МБОУ «Сосновская СОШ № 1»", "Математика (профильная)", 72),
    ("770101-000124", "Кривошеев", "Аркадий", "МБОУ «Сосновская СОШ № 1»", "Математика (профильная)", 45),
    ("770101-000125", "Ефремова", "Ульяна", "МБОУ «Сосновская СОШ № 1»", "Математика (профильная)", 23),
    ("770101-000126", "Шумилов", "Евграф", "МКОУ «Кедровская ООШ»", "Математика (профильная)", 81),
]
SECRETS = [p[0] for p in PARTICIPANTS] + [p[1] for p in PARTICIPANTS] + [p[2] for p in PARTICIPANTS]


def protocol_csv() -> bytes:
    lines = ["Код участника;Фамилия;Имя;ОО;Предмет;Первичный балл"]
    lines += [";".join(map(str, p)) for p in PARTICIPANTS]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def aggregated(layout: str):
    # Hand-aggregated, as the loaders do: sos1: (72 + 45 + 23) / 3 = 46.67, one below the minimum 27, none ≥ 80;
    # kedr: one participant with 81 (a high scorer).
    rows = [
        res(2026, "Пробный ЕГЭ", "Математика (профильная)", "sos1", 3, 140 / 3, 11, below_min=1, high_scorers=0),
        res(2026, "Пробный ЕГЭ", "Математика (профильная)", "kedr", 1, 81.0, 11, below_min=0, high_scorers=1),
    ]
    return result(results=rows, detected=[{"file": "protocol.csv", "sheet": None, "layout": layout,
                                           "table": "results", "rows": 4}])


def db_bytes(path: Path) -> bytes:
    out = b""
    for suffix in ("", "-wal", "-journal"):
        p = Path(str(path) + suffix)
        if p.exists():
            out += p.read_bytes()
    return out


def found(blob: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode("utf-8") in blob or s.encode("utf-16-le") in blob]


def test_protocol_upload_keeps_no_names_or_codes(store):
    holder = sqlite3.connect(store.path)  # keeps the -wal file alive, so it is searched too
    holder.execute("SELECT 1 FROM uploads").fetchall()
    uid = store.accept(aggregated("protocol"), "protocol.csv", protocol_csv())
    assert Path(str(store.path) + "-wal").exists()
    assert found(db_bytes(store.path)) == []
    holder.close()
    assert found(db_bytes(store.path)) == []
    h = store.history().set_index("upload_id").loc[uid]
    assert h["note"] == PROTOCOL_NOTE and not h["file_kept"]
    assert h["sha256"]  # the file is still identified
    with pytest.raises(StoreError, match="персональные данные"):
        store.file_bytes(uid)
    got = store.read("results").set_index("school_id")
    assert got.loc["sos1", "participants"] == 3 and got.loc["kedr", "high_scorers"] == 1


def test_the_search_would_find_them_if_the_file_were_kept(store):
    """Control: the same bytes from a non-protocol layout are kept — and the search sees the names."""
    uid = store.accept(aggregated("results_export"), "protocol.csv", protocol_csv())
    assert store.file_bytes(uid)[1] == protocol_csv()
    assert set(found(db_bytes(store.path))) == set(SECRETS)


def test_a_name_column_is_refused_outright(store):
    lr = aggregated("protocol")
    lr.tables["results"]["participant_code"] = "770101-000123"
    with pytest.raises(StoreError, match="вне модели данных: participant_code"):
        store.accept(lr, "protocol.csv", protocol_csv())
    assert found(db_bytes(store.path)) == []


def test_protocol_through_the_real_loaders(store):
    """The whole path: protocol bytes → loaders (aggregate, drop names) → store; then search the file."""
    from loaders import load_bytes
    from tests.store.helpers import SCHOOLS

    store.accept(result(schools=SCHOOLS), "registry.xlsx", b"registry")
    lr = load_bytes("protocol.csv", protocol_csv(), registry=store.read("schools"), aliases=store.aliases(),
                    year=2026, exam="Пробный ЕГЭ")
    assert lr.ok and any(d["layout"] == "protocol" for d in lr.detected)
    uid = store.accept(lr, "protocol.csv", protocol_csv())
    assert found(db_bytes(store.path)) == []
    assert store.history().set_index("upload_id").loc[uid, "note"] == PROTOCOL_NOTE
    got = store.read("results").set_index("school_id")
    assert got.loc["sos1", "participants"] == 3 and got.loc["kedr", "participants"] == 1
