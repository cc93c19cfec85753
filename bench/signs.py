"""How every printed ≥ ≧ ≤ ≦ was read, by level, from stored results: `python -m bench.signs
--corpus C --results R [--list]` from the repository root (results as `jixiao eval --results R`
writes them, by any version).

A value's sign is read right when the signs in the read value are those printed (a sign lost,
`60%` for `≧60%`, is wrong). Each is counted as right or wrong, flagged or not; a wrong sign
accepted unflagged is the one error that must not happen. A flagged value's `suggestion` (which
the review page offers, Tab takes it) is counted where it changes the sign: right where it
carries the printed one. Values whose row was lost are left out (the row's own flag covers
them).
"""

import argparse
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from ingest.evaluation.corpus import load_truths
from ingest.evaluation.metrics import match_rows
from ingest.evaluation.results import load_result
from ingest.forms import form_for_schema
from ingest.template import Template
from models.contract import FieldStatus, FieldValue, FormDocument, value_paths

_SIGNS = frozenset("≥≧≤≦<>")
_PRINTED = frozenset("≥≧≤≦")
OUTCOMES = ("right", "right, flagged", "wrong, flagged", "wrong, unflagged")
SUGGESTIONS = ("right suggestion", "wrong suggestion")


class SignReading(NamedTuple):
    path: str
    printed: FieldValue
    read: FieldValue
    outcome: str  # one of OUTCOMES
    suggestion: (
        str | None
    )  # one of SUGGESTIONS, where a flagged value's suggestion changes the sign
    confidence: float | None


def signs_of(value: FieldValue) -> str:
    """The comparison signs in `value`, in order."""
    return "".join(ch for ch in str(value or "") if ch in _SIGNS)


def sign_readings(truth: FormDocument, pred: FormDocument, template: Template) -> list[SignReading]:
    """How each printed value holding a sign was read, rows aligned as the evaluation aligns
    them."""
    rows = match_rows(truth, pred, template)
    pred_values = dict(value_paths(pred))
    records = {r.path: r for r in pred.fields}
    readings = []
    for path, printed in value_paths(truth):
        if not _PRINTED & set(str(printed or "")):
            continue
        pred_path = rows.pred_of.get(path, path)
        if pred_path is None:
            continue
        record = records.get(pred_path)
        read = pred_values.get(pred_path)
        right = signs_of(read) == signs_of(printed)
        flagged = record is not None and record.status == FieldStatus.FLAGGED
        outcome = OUTCOMES[int(flagged) if right else 3 - int(flagged)]
        suggested = record.suggestion if record is not None and flagged else None
        suggestion = None
        if suggested is not None and signs_of(suggested) != signs_of(read):
            suggestion = SUGGESTIONS[signs_of(suggested) != signs_of(printed)]
        confidence = record.confidence if record is not None else None
        readings.append(SignReading(path, printed, read, outcome, suggestion, confidence))
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--split", default="all", choices=("test", "calibration", "all"))
    parser.add_argument("--list", action="store_true", help="print every sign not sure and right")
    args = parser.parse_args()
    by_level: dict[str, Counter[str]] = {}
    for truth in load_truths(args.corpus, args.split):
        result = load_result(args.results, truth.doc_id)
        if result is None:
            raise SystemExit(f"no result for {truth.doc_id} in {args.results}")
        template = form_for_schema(truth.document.schema_id).template
        counts = by_level.setdefault(truth.level, Counter())
        for r in sign_readings(truth.document, result.document, template):
            counts[r.outcome] += 1
            counts[r.suggestion or ""] += 1
            if args.list and r.outcome != "right":
                conf = "–" if r.confidence is None else f"{r.confidence:.2f}"
                print(
                    f"{truth.doc_id} {truth.level:6} {r.path:24} {r.printed!s:>10} → "
                    f"{r.read!s:10} {r.outcome:17} confidence {conf} {r.suggestion or ''}"
                )
    total: Counter[str] = sum(by_level.values(), Counter())
    columns = (*OUTCOMES, *SUGGESTIONS)
    print("level   signs " + " ".join(f"{c:>16}" for c in columns))
    for level, counts in [*by_level.items(), ("total", total)]:
        signs = sum(counts[c] for c in OUTCOMES)
        print(f"{level:7} {signs:5} " + " ".join(f"{counts[c]:16}" for c in columns))


if __name__ == "__main__":
    main()
