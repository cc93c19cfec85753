"""`jixiao bench`: pages per minute and cell-text accuracy, jixiao against a peer pipeline.

- `accuracy`: cell-text accuracy of any reader's cells against the synthetic corpus's truth.
- `peer`: the peer pipeline, Tesseract through img2table's bordered-table extraction.
- `runner`: worker processes that each build their reader once, timed phases and the soak.
- `report`: medians, ratios, the printed table and the JSON.
"""
