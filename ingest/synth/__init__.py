"""Synthetic scans of the forms with ground truth for every cell, for measuring the pipeline.

content -> table (logical rows and merged blocks; both per form, see `registry`) -> layout
(pages, grid, cell boxes) -> render (pixels) -> degrade (scan, seal, photo) -> corpus (PDF,
truth JSON, manifest).
"""
