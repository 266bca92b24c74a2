"""How is the dashboard's server started so that its pages are ready when asked?

`python serve.py [streamlit options]` is `streamlit run app.py [options]` (what `python3 dev.py run` starts), after
importing what the pages draw with and computing what the first page (Обзор) shows (`ui.warm.preload`,
`ui.warm.first_page`: the server answers when that page is ready), and with the background warm-up of the rest of
the default view (`ui.warm.start`; see `ui/warm.py`). `streamlit run app.py`
still works: the pages are the same, only nothing is computed ahead.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from ui import warm
    from ui.deep_links import navigation_mode

    navigation_mode()  # `ui` is imported here, outside any session: see ui/deep_links.py
    warm.preload()
    warm.first_page()
    warm.start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
