"""How every printed ≥ ≧ ≤ ≦ was read, by level, from stored results: `python -m bench.signs
--corpus C --results R [--list]` from the repository root (results as `jixiao eval --results R`
writes them, by any version).

A value's sign is read right when the signs in the read value are those printed (a sign lost,
`60%` for `≧60%`, is wrong). Each is counted as right or wrong, flagged or not; a wrong sign
accepted unflagged is the one error that must not happen. A flagged value's `suggestion` (which
the review page offers, Tab takes it) is counted where it carries the printed sign. Values
whose row was lost are left out (the row's own flag covers them).
"""

import argparse
from collections import Counter
from pathlib import Path

from ingest.evaluation.corpus import load_truths
from ingest.evaluation.metrics import match_rows
from ingest.evaluation.results import load_result
from ingest.forms import form_for_schema
from models.contract import FieldStatus, FieldValue, value_paths

_SIGNS = frozenset("≥≧≤≦<>")
_PRINTED = frozenset("≥≧≤≦")
_COLUMNS = (
    "right",
    "right, flagged",
    "wrong, flagged",
    "wrong, unflagged",
    "right suggestion",
    "wrong suggestion",
)


def signs_of(value: FieldValue) -> str:
    """The comparison signs in `value`, in order."""
    return "".join(ch for ch in str(value or "") if ch in _SIGNS)


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
        pred = result.document
        rows = match_rows(truth.document, pred, form_for_schema(truth.document.schema_id).template)
        pred_values = dict(value_paths(pred))
        records = {r.path: r for r in pred.fields}
        for path, value in value_paths(truth.document):
            if not _PRINTED & set(str(value or "")):
                continue
            pred_path = rows.pred_of.get(path, path)
            if pred_path is None:
                continue
            record = records.get(pred_path)
            read = pred_values.get(pred_path)
            right = signs_of(read) == signs_of(value)
            flagged = record is not None and record.status == FieldStatus.FLAGGED
            column = ("right" if right else "wrong") + (", flagged" if flagged else "")
            column = "wrong, unflagged" if column == "wrong" else column
            counts = by_level.setdefault(truth.level, Counter())
            counts[column] += 1
            suggestion = record.suggestion if record is not None and flagged else None
            if suggestion is not None and signs_of(suggestion) != signs_of(read):
                counts[
                    "right suggestion"
                    if signs_of(suggestion) == signs_of(value)
                    else "wrong suggestion"
                ] += 1
            if args.list and column != "right":
                conf = f"{record.confidence:.2f}" if record is not None else "–"
                print(
                    f"{truth.doc_id} {truth.level:6} {path:32} {value!s:>10} → {read!s:10} "
                    f"{column:17} conf {conf} suggestion {suggestion}"
                )
    total: Counter[str] = sum(by_level.values(), Counter())
    print("level   signs " + " ".join(f"{c:>16}" for c in _COLUMNS))
    for level, counts in [*by_level.items(), ("total", total)]:
        signs = sum(counts[c] for c in _COLUMNS[:4])
        print(f"{level:7} {signs:5} " + " ".join(f"{counts[c]:16}" for c in _COLUMNS))


if __name__ == "__main__":
    main()
