"""What the commands working over a synthetic corpus share: the `--corpus` option and exit codes
(0 done, 1 a document could not be read, 2 bad arguments or no documents)."""

import argparse
from pathlib import Path

EXIT_READ_FAILED = 1
EXIT_USAGE = 2


def add_corpus_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, required=True, help="folder of <doc_id>.truth.json")
