"""The import rules of docs/ARCHITECTURE.md that keep the layers apart, read from the source.

`ingest/` takes its options from its callers and never imports the `jixiao` package (settings,
CLI); code that runs in the service never imports `ingest.evaluation`, which needs the truth;
and `jixiao/settings.py` is a leaf. Every import counts, also one inside a function or under
`TYPE_CHECKING`.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("api", "bench", "ingest", "jixiao", "models", "workers")
# Measurement: the only code that may score against the truth.
MEASUREMENT = ("ingest/evaluation", "ingest/bench")
RUNTIME = ("ingest", "api", "workers", "models")
_IMPORTERS = {"import_module", "__import__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool = False) -> Iterator[str]:
    """Every module `source` (the text of `module`) imports, relative imports resolved; a name
    taken from a package may be a module, so it counts as one too."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            origin = ".".join([*base, *([node.module] if node.module else [])])
            yield origin
            yield from (f"{origin}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in _IMPORTERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def _files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _imports_of(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return set(imported(source, module_name(path), path.name == "__init__.py"))


def _breaking(files: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in files:
        bad = sorted(n for n in _imports_of(path) if any(_within(n, f) for f in forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_ingest_never_imports_the_jixiao_package() -> None:
    assert _breaking(_files("ingest"), ("jixiao",)) == {}


def test_runtime_code_never_imports_the_evaluation() -> None:
    runtime = [
        p
        for p in _files(*RUNTIME)
        if not any(p.is_relative_to(ROOT / folder) for folder in MEASUREMENT)
    ]
    assert len(runtime) > 100  # the folders were found
    assert _breaking(runtime, ("ingest.evaluation",)) == {}


def test_settings_are_a_leaf() -> None:
    assert _breaking([ROOT / "jixiao" / "settings.py"], PROJECT) == {}


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("def f():\n    from jixiao.settings import Settings\n", "ingest.x", "jixiao.settings"),
        ("if TYPE_CHECKING:\n    import jixiao\n", "ingest.x", "jixiao"),
        ("from ..evaluation import compare\n", "ingest.ocr.lines", "ingest.evaluation.compare"),
        ("from .evaluation.compare import f\n", "ingest.validate", "ingest.evaluation.compare"),
        ("from ingest import evaluation\n", "api.app", "ingest.evaluation"),
        (
            "importlib.import_module('ingest.evaluation.fitting')\n",
            "workers.x",
            "ingest.evaluation",
        ),
    ],
)
def test_every_way_of_importing_is_seen(source: str, module: str, expected: str) -> None:
    names = set(imported(source, module))
    assert any(_within(name, expected) for name in names), names


def test_a_relative_import_in_a_package_starts_from_the_package() -> None:
    assert "ingest.ocr.base" in set(imported("from .base import OcrEngine\n", "ingest.ocr", True))
