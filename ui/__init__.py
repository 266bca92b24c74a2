"""What is the shared UI layer?

Everything the pages have in common: where the data comes from (`ui.data`),
the sidebar filters kept in the URL (`ui.filters`), Russian formatting of
numbers and statuses (`ui.format`), tables with Excel download (`ui.tables`),
the "nothing to show yet" hint (`ui.empty`), Plotly figure builders
(`ui.charts`), the upload history table (`ui.history`) and the upload widget
slot (`ui.upload`). Pages compute nothing: every number comes from `metrics/`.
"""

from ui.deep_links import leave_pages_folder_mode

leave_pages_folder_mode()
