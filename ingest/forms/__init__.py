"""The forms jixiao reads, each a plug-in folder: its template (labels, sections, taxonomy,
kinds, checks, messages), the contract it fills, and its calibration per OCR engine.

A document's form is recognised from the text around and in its table (`recognise`): a title
naming a form decides; otherwise the form whose section labels the table prints most of.
The contracts of the built-in forms live with the other data shapes (`models.contract`,
`models.project`); a form defined outside the package brings its own in its folder
(`contract.py`, registering it with `models.contract.register_contract`), is loaded with
`load_form` and added with `register_form`: nothing outside its folder changes.
"""

import importlib.util
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

import models.project  # noqa: F401  (registers the second form's contract)
from ingest.calibration import CalibrationModel, model_at
from ingest.errors import TemplateError
from ingest.labels import match_label
from ingest.template import Template, load_template, normalize_label
from models.contract import FormDocument, contract_for

FORMS_DIR = Path(__file__).parent


class _FormFile(BaseModel):
    """`form.yaml`: what a form folder declares besides its template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    # What the queue shows of a document of this form: `department`, `project` -> value path.
    summary: dict[str, str] = {}
    # How export files and sheets call a document of this form, where not by its `name`.
    short_name: str | None = None
    # Whether the XLSX lays each document out as the paper prints it (else it lists its fields)
    # and the flat tables give a printed block a table of its own (`ingest.export`).
    printed: bool = False
    # The form a document is read as when nothing tells (one form says so).
    default: bool = False


@dataclass(frozen=True)
class Form:
    """One form: its folder and what it holds."""

    id: str
    name: str
    folder: Path
    summary: dict[str, str]
    short_name: str | None = None
    printed: bool = False
    default: bool = False

    @property
    def export_name(self) -> str:
        """How export files and sheets call a document of this form."""
        return self.short_name or self.name

    @cached_property
    def template(self) -> Template:
        return load_template(self.folder / "template.yaml")

    @property
    def schema_id(self) -> str:
        return self.template.schema_id

    @property
    def contract(self) -> type[FormDocument]:
        return contract_for(self.schema_id)

    def calibration_path(self, engine: str) -> Path:
        """The fitted confidence model of this form for an OCR engine (may not exist yet)."""
        return self.folder / "calibration" / f"{engine}.json"

    def calibration(self, engine: str) -> CalibrationModel:
        """The confidence model to flag this form's fields read by `engine` with."""
        return model_at(self.calibration_path(engine))


def load_form(folder: Path) -> Form:
    """A form from its folder (`form.yaml`, `template.yaml`, and `contract.py` for a form
    whose contract is not built in); errors name the file."""
    path = folder / "form.yaml"
    try:
        declared = _FormFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise TemplateError(f"{path}: {exc}") from exc
    contract = folder / "contract.py"
    if contract.is_file():
        spec = importlib.util.spec_from_file_location(f"jixiao_form_{declared.id}", contract)
        if spec is None or spec.loader is None:
            raise TemplateError(f"{contract}: cannot be loaded")
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    form = Form(
        id=declared.id,
        name=declared.name,
        folder=folder,
        summary=declared.summary,
        short_name=declared.short_name,
        printed=declared.printed,
        default=declared.default,
    )
    form.template  # noqa: B018  (a broken template fails here, at load, not mid-document)
    return form


_REGISTRY: dict[str, Form] = {}
_LOADING = threading.Lock()


def register_form(form: Form) -> None:
    _REGISTRY[form.id] = form


def forms() -> list[Form]:
    """Every known form, the built-in ones first. The built-in ones are loaded once, all
    before any is published: a service's first requests come on several threads, and one
    that saw the registry half filled would read a second form's document as the first."""
    if not _REGISTRY:
        with _LOADING:
            if not _REGISTRY:
                folders = sorted(p.parent for p in FORMS_DIR.glob("*/form.yaml"))
                _REGISTRY.update({form.id: form for form in map(load_form, folders)})
    return list(_REGISTRY.values())


def form_ids() -> set[str]:
    return {form.id for form in forms()}


def value_at(data: dict, path: str) -> object:
    """The value at a dotted path of a contract's JSON (`project.name`), None where absent."""
    node: object = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def form_by_id(form_id: str) -> Form:
    for form in forms():
        if form.id == form_id:
            return form
    raise KeyError(f"unknown form {form_id!r}")


def form_for_schema(schema_id: str) -> Form:
    for form in forms():
        if form.schema_id == schema_id:
            return form
    raise KeyError(f"no form fills schema {schema_id!r}")


def form_of(document: FormDocument) -> Form:
    return form_for_schema(document.schema_id)


def default_form() -> Form:
    """The form a document is read as when nothing tells: the one whose folder says `default`
    (the 部门整体 form); none, or more than one, is a mistake in the forms' folders."""
    defaults = [form for form in forms() if form.default]
    if len(defaults) != 1:
        named = ", ".join(str(form.folder / "form.yaml") for form in defaults) or "none"
        raise TemplateError(f"exactly one form must say 'default: true' ({named})")
    return defaults[0]


def recognise(texts: Iterable[str], candidates: list[Form] | None = None) -> Form | None:
    """The form a document's text names: a title matching a form's `form_title_pattern`
    decides; otherwise the form with the most of its section labels printed (at least two),
    None when no form has them."""
    options = candidates if candidates is not None else forms()
    lines = ["".join(t.split()) for t in texts if t and t.strip()]
    titled = [f for f in options if any(re.search(f.template.form_title_pattern, t) for t in lines)]
    if len(titled) == 1:
        return titled[0]
    pool = titled or options
    normalised = [normalize_label(t) for t in lines if len(t) <= 30]

    def labels_read(form: Form) -> int:
        sections = {s.key: s.labels for s in form.template.sections}
        found = {m.key for t in normalised if (m := match_label(t, sections)) is not None}
        return len(found)

    scores = {f.id: labels_read(f) for f in pool}
    best = max(pool, key=lambda f: scores[f.id], default=None)
    if best is None or scores[best.id] < 2:
        return titled[0] if titled else None
    return best
