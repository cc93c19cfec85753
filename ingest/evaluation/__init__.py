"""Scoring pipeline output against the synthetic corpus's ground truth (`jixiao eval`).

    compare      normalisation, decimal-aware equality, edit distance (shared by all metrics)
    align        order-preserving alignment of task and indicator rows
    calibration  reliability bins and expected calibration error
    structure    cell-structure precision/recall/F1 of a grid against the truth's cells
    metrics      one document's counts; `score_document`
    results      a run's stored output (contract JSON, grids, timings) in a results folder
    corpus       the corpus's ground-truth files
    report       per-level and total figures, and their printed tables

Definitions worth knowing when reading the numbers:
- A *short* field is any value of `models.contract.value_paths` that is not long text; it is
  right when equal after NFKC and whitespace removal (amounts as decimals; empty == empty).
- Rows are aligned first. A truth row with no partner is *missing* (its fields wrong and
  unflagged); a predicted row with no partner is *extra*: its short fields are false fields
  added to the accuracy denominator, its long text counts as edits. An empty indicator row
  (no 三级指标, no value) on one side only is neither, because the contract lets it be omitted.
- Short-field accuracy = right / (truth short fields + extra fields); residual error =
  wrong-and-unflagged / truth short fields; flag precision = flagged-and-wrong / flagged, where a
  flagged long-text field is wrong if any character differs.
- Every figure above a document is its counts summed, then divided once.
"""
