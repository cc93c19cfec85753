"""jixiao: scanned budget performance target tables in, checked structured data out.

Each subcommand lives in `jixiao/commands/<name>.py` and is imported only when used, so the
command starts fast.
"""

import argparse
import importlib
import sys

from ingest.ocr.runtime import without_telemetry

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("jixiao.commands.ingest", "read scans into contract JSON"),
    "synth": ("jixiao.commands.synth", "render a synthetic corpus with ground truth"),
    "paddle-models": ("jixiao.commands.paddle_models", "write PaddleOCR model folders"),
    "eval": ("jixiao.commands.eval", "score pipeline output against ground truth"),
    "calibrate": ("jixiao.commands.calibrate", "refit field confidence and flag thresholds"),
    "bench": ("jixiao.commands.bench", "measure pages per minute against a peer pipeline"),
    "serve": ("jixiao.commands.serve", "run the API (and a worker, unless --api-only)"),
    "worker": ("jixiao.commands.worker", "run a Celery worker"),
    "upload": ("jixiao.commands.client", "upload files to a running server"),
    "status": ("jixiao.commands.client", "show a document's status on a server"),
    "export": ("jixiao.commands.client", "download a document's export from a server"),
    "token": ("jixiao.commands.token", "create, list or revoke API tokens"),
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        if not argv or argv[0] == name or argv[0].startswith("-"):
            module = importlib.import_module(module_name)
            cmd = sub.add_parser(name, help=help_text, description=help_text)
            module.add_arguments(cmd, name)
            cmd.set_defaults(run=module.run)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def main(argv: list[str] | None = None) -> int:
    without_telemetry()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
