"""The digital fixtures of tests/data/digital (made by tests/data/digital/build.py)."""

import json
from pathlib import Path

from models.contract import PerformanceTargets

DATA = Path(__file__).parents[2] / "data"
DIGITAL = DATA / "digital"
SEED_PDF = DIGITAL / "seed.pdf"  # seed.xlsx printed by LibreOffice
SEED_XLSX = DIGITAL / "seed.xlsx"
SEED_DOCX = DIGITAL / "seed.docx"
SCAN_WITH_LAYER = DIGITAL / "scan_with_layer.pdf"
MIXED = DIGITAL / "mixed.pdf"
GARBLED = DIGITAL / "garbled.pdf"


def seed_gold() -> PerformanceTargets:
    return PerformanceTargets.model_validate(
        json.loads((DATA / "seed" / "seed_gold.json").read_text(encoding="utf-8"))
    )
