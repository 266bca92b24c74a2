"""What can the pages call from metrics?

The public metric functions: pure functions over the tidy tables of
`loaders/model.py` that return DataFrames. Each engineer keeps an own block.
"""
# --- M1 exports ---
# --- end M1 exports ---

# --- M2 exports ---
# --- end M2 exports ---
