"""What is the dashboard, and how does one move around it?

The entry point (`streamlit run app.py`): page config, the navigation over the
nine pages under `pages/`, and the shared sidebar — the school year and the
school («Весь район» or one school) right under the menu, where the data comes
from, who is signed in, and for editors the slot for uploading fresh files
(`ui.upload.sidebar_upload`). The procedure (ЕГЭ / ОГЭ …) is chosen on the page
whose chart it drives, once per page. A link naming a year, school or procedure
that is not loaded gets a warning above the page. Nothing is shown until `ui.auth.gate`
lets the session in. Pages compute nothing; see `ui/` and `metrics/`.
"""
from __future__ import annotations

import streamlit as st

from ui import auth, data, filters, warm
from ui import format as fmt
from ui.upload import result_banner, sidebar_upload

PRINT = st.query_params.get("print") == "1"

st.set_page_config(
    page_title="Качество образования — район",
    page_icon=":material/school:",
    layout="wide",
    initial_sidebar_state="collapsed" if PRINT else "auto",
)

PAGES = {
    "Программа": [
        st.Page("pages/overview.py", title="Обзор", icon=":material/dashboard:", default=True),
        st.Page("pages/indicators.py", title="Показатели программы", icon=":material/monitoring:"),
        st.Page("pages/events.py", title="Мероприятия", icon=":material/event_note:"),
    ],
    "Школы": [
        st.Page("pages/ranking.py", title="Рейтинг школ", icon=":material/leaderboard:"),
        st.Page("pages/school.py", title="Школа (карточка)", icon=":material/apartment:"),
        st.Page("pages/risk.py", title="Школы в зоне риска", icon=":material/warning:"),
        st.Page("pages/objectivity.py", title="Объективность ВПР", icon=":material/fact_check:"),
        st.Page("pages/commitments.py", title="Договорённости", icon=":material/handshake:"),
    ],
    "Сервис": [
        st.Page("pages/data.py", title="Данные", icon=":material/database:"),
    ],
}

# Streamlit leaves 6rem above the first element (room for a header it draws transparent): about 100 px of
# nothing above every title at 1366×768. Our own constant CSS, no file string in it.
LAYOUT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.25rem; }
@media print { [data-testid="stMainBlockContainer"] { padding-top: 0; } }
</style>"""


def compact_layout() -> None:
    """Start every page's title near the top of the window (the header strip stays for the menu on the right)."""
    st.html(LAYOUT_CSS)


def signed_in() -> auth.Identity:
    """Who this session is (ui.auth); stops the script with the sign-in or a Russian error otherwise."""
    try:
        return auth.gate(data.get_store())
    except Exception as exc:  # a store deleted or locked while the app runs: a sentence, never a traceback
        if type(exc).__name__ in ("StopException", "RerunException"):
            raise
        st.error(f"Панель не может проверить вход: {exc}", icon=":material/error:")
        st.stop()
        raise


# st.navigation runs on every run, signed in or not: a run that stopped before it would let Streamlit fall
# back to serving the pages/ folder directly, past the sign-in. The menu is shown only to a signed-in session.
page = st.navigation(PAGES, position="hidden" if PRINT or not auth.peek(data.get_store()) else "sidebar")
compact_layout()
identity = signed_in()


def russian_file_uploader() -> None:
    """Streamlit writes its file uploader's button, size note and refusals in English («Upload», «50MB per
    file • …», «File must be 50.0MB or smaller.») and has no language setting: put Russian words in their
    place (CSS only, every uploader). A refused file's chip says why in Russian, and so does its tooltip."""
    limit = st.get_option("server.maxUploadSize")
    refused = f"Файл не загружен: допускаются таблицы xlsx, xls, ods и csv размером до {limit} МБ."
    st.html(f"""<style>
    [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
    [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
        content: "Выбрать файл"; font-size: 0.875rem; }}
    [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
    [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
        content: "или перетащите сюда · до {limit} МБ"; font-size: 0.8rem; }}
    [data-testid="stTooltipErrorContent"], [data-testid="stFileChip"] [role="alert"] {{ font-size: 0; white-space: normal; max-width: 16rem; }}
    [data-testid="stTooltipErrorContent"]::after, [data-testid="stFileChip"] [role="alert"]::after {{
        content: "{refused}"; font-size: 0.8rem; }}
    [data-testid="stFileChip"][aria-invalid="true"] {{ flex-wrap: wrap; }}
    [data-testid="stFileChip"][aria-invalid="true"]::after {{
        content: "{refused}"; flex-basis: 100%; font-size: 0.75rem; color: rgb(189, 65, 53); }}
    </style>""")



def sidebar_source() -> None:
    """One line on where the data comes from and how fresh it is."""
    store = data.get_store()
    if store is None:
        st.sidebar.error(data.store_error() or "Хранилище данных недоступно.")
        return
    try:
        hist = data.history()
        last = hist["at"].max() if hist is not None and len(hist) else None
        uploads = 0 if hist is None else int(len(hist))
    except Exception:
        last, uploads = None, 0
    when = f", обновлено {fmt.datetime_ru(last)}" if last else ""
    st.sidebar.caption(f":material/database: Данные: хранилище «{store.path.name}», загрузок {uploads}{when}.")


russian_file_uploader()
if not PRINT:
    with st.sidebar:
        # the filters right under the menu, inside the first screen at 1366×768; who and where from below them
        filters.sidebar_filters()
        sidebar_source()
        auth.sidebar(identity)
        if auth.can("upload"):
            st.divider()
            sidebar_upload()
    result_banner()  # what an accept just did, at the top of the page (the dialog has closed)
else:
    filters.sync_from_url()
filters.show_notices()  # a link that named a year, school or procedure not loaded: said above the page

try:
    with warm.PAGES.running():  # the warm-up waits while a page runs (ui/warm.py)
        page.run()
finally:  # also after st.stop(): what this run asked for, computed ahead for the neighbouring years
    warm.follow()
