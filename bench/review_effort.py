"""Review effort per document on stored results, as one version of the review page presents
them: `python -m bench.review_effort --corpus C --results R [--page earlier|terms]` from the
repository root (results as `jixiao eval --results R` writes them, by any version).

`--page earlier` counts as the page did before merged cells were one item and acceptance a
person's act (every flagged field an item, no press to accept); `--page terms` as it did
before a failed sum check was one item (each of its flagged terms an item); `--page fields` as
it did before a row's structure doubts were one item (each field of the row an item); the
default counts as the page does now. Same documents, same clerk model
(`ingest/evaluation/effort.py`).
"""

import argparse
from pathlib import Path

from ingest.evaluation.corpus import load_truths
from ingest.evaluation.effort import CURRENT_PAGE, EARLIER_PAGE, FIELDS_PAGE, TERMS_PAGE
from ingest.evaluation.metrics import Counts, score_document
from ingest.evaluation.results import load_result
from ingest.forms import form_for_schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--split", default="test", choices=("test", "calibration", "all"))
    pages = {
        "current": CURRENT_PAGE,
        "earlier": EARLIER_PAGE,
        "terms": TERMS_PAGE,
        "fields": FIELDS_PAGE,
    }
    parser.add_argument("--page", default="current", choices=tuple(pages))
    args = parser.parse_args()
    page = pages[args.page]
    by_level: dict[str, list[Counts]] = {}
    for truth in load_truths(args.corpus, args.split):
        result = load_result(args.results, truth.doc_id)
        if result is None:
            raise SystemExit(f"no result for {truth.doc_id} in {args.results}")
        form = form_for_schema(truth.document.schema_id)
        counts = score_document(truth, result, form.template, page, form=form.id).counts
        by_level.setdefault(truth.level, []).append(counts)
        by_level.setdefault("total", []).append(counts)
    print("level  docs  flags/doc  keys/doc  suggested  right  residual  para-residual")
    for level, documents in by_level.items():
        c = sum(documents[1:], documents[0])
        n = len(documents)

        def pct(x: float | None) -> str:
            return "–" if x is None else f"{100 * x:.1f} %"

        print(
            f"{level:6} {n:4} {c.review_items / n:10.1f} {c.review_keys / n:9.1f} "
            f"{pct(c.suggestion_share):>10} {pct(c.suggestion_precision):>6} "
            f"{pct(c.residual_error):>9} {pct(c.paragraph_residual):>14}"
        )


if __name__ == "__main__":
    main()
