"""Per-level, per-engine and total figures from per-document scores, and their printed form."""

import statistics
from typing import TYPE_CHECKING, get_args

from pydantic import BaseModel

from ingest.evaluation.metrics import Counts, DocumentScore
from models.truth import Engine, Level

if TYPE_CHECKING:
    from rich.console import Console


class GroupSummary(BaseModel):
    """Counts summed over a group of documents (a level, or all), then divided once."""

    name: str
    documents: int
    failed: int
    counts: Counts
    median_seconds_per_page: float | None


class EvalReport(BaseModel):
    documents: list[DocumentScore]
    levels: list[GroupSummary]
    engines: list[GroupSummary] = []  # each engine, then each engine's levels ("office/scan")
    forms: list[GroupSummary] = []  # each form, then each form's levels, when a corpus mixes forms
    total: GroupSummary


def _summary(name: str, scores: list[DocumentScore]) -> GroupSummary:
    per_page = [s.counts.seconds_per_page for s in scores]
    known = [v for v in per_page if v is not None]
    return GroupSummary(
        name=name,
        documents=len(scores),
        failed=sum(s.error is not None for s in scores),
        counts=sum((s.counts for s in scores), Counts()),
        median_seconds_per_page=statistics.median(known) if known else None,
    )


def _by_level(scores: list[DocumentScore], prefix: str = "") -> list[GroupSummary]:
    return [
        _summary(prefix + level, group)
        for level in get_args(Level)
        if (group := [s for s in scores if s.level == level])
    ]


def summarize(scores: list[DocumentScore]) -> EvalReport:
    """Levels in their order of difficulty, engines in theirs, forms in the order first met;
    only those present are listed, forms only when there are several."""
    engines = []
    for engine in get_args(Engine):
        if group := [s for s in scores if s.engine == engine]:
            engines += [_summary(engine, group), *_by_level(group, f"{engine}/")]
    forms = []
    form_ids = list(dict.fromkeys(s.form for s in scores))
    for form in form_ids if len(form_ids) > 1 else []:
        group = [s for s in scores if s.form == form]
        forms += [_summary(form, group), *_by_level(group, f"{form}/")]
    return EvalReport(
        documents=scores,
        levels=_by_level(scores),
        engines=engines,
        forms=forms,
        total=_summary("total", scores),
    )


def _pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


_METRIC_COLUMNS = ("short", "chars", "auto", "residual", "old rule", "flag P", "ECE")
_TAIL_COLUMNS = ("cell F1", "span F1", "rows −(silent)/+", "lines", "s/page")
WIDTH = 156  # the widest table's natural width; narrower consoles would truncate cells


def _metric_cells(c: Counts) -> list[str]:
    structure = c.structure
    return [
        _pct(c.short_accuracy),
        _pct(c.char_accuracy),
        _pct(c.automation),
        _pct(c.residual_error, 2),
        _pct(c.residual_error_old_rule, 2),
        _pct(c.flag_precision),
        _num(c.reliability.ece, 3),
        _pct(structure.f1 if structure else None),
        _pct(structure.span_f1 if structure else None),
        f"{c.missing_rows}({c.silent_rows})/{c.extra_rows}",
        _pct(c.placed_share),
    ]


def print_report(report: EvalReport, console: "Console") -> None:
    """Documents, then levels with the total, then the reliability curve and stage times."""
    from rich import box
    from rich.table import Table

    legend = (
        "short: short-field accuracy · chars: 1 − CER of long text · auto: fields not flagged · "
        "residual: wrong and unflagged, a missing row's fields wrong and flagged only under an "
        "open document flag · old rule: residual before document flags · flag P: flagged that "
        "are wrong · rows −(silent)/+: missing (of them under no open document flag)/extra · "
        "lines: recognised text lines that reached a field or a template label"
    )
    docs = Table(title="Documents", box=box.SIMPLE_HEAD, caption=legend)
    for name in ("document", "level", "pages", *_METRIC_COLUMNS, *_TAIL_COLUMNS):
        docs.add_column(name, justify="left" if name in ("document", "level") else "right")
    for score in report.documents:
        label = score.doc_id if score.error is None else f"{score.doc_id} (failed)"
        docs.add_row(
            label,
            score.level if score.engine == "native" else f"{score.engine}/{score.level}",
            str(score.pages),
            *_metric_cells(score.counts),
            _num(score.counts.seconds_per_page),
        )
    console.print(docs)

    groups = [*report.levels, report.total]
    if len({s.engine for s in report.documents}) > 1:
        groups = [*report.engines, *groups]
    groups = [*report.forms, *groups]
    form_names = {g.name for g in report.forms if "/" not in g.name}
    levels = Table(title="Forms, engines, levels and total", box=box.SIMPLE_HEAD)
    widest = max(len(g.name) for g in groups)  # a form's id is kept whole
    for name in ("group", "docs", *_METRIC_COLUMNS, *_TAIL_COLUMNS, "median s/page"):
        if name == "group":
            levels.add_column(name, justify="left", no_wrap=True, min_width=widest)
        else:
            levels.add_column(name, justify="right")
    for group in groups:
        levels.add_row(
            group.name,
            f"{group.documents}" + (f" ({group.failed} failed)" if group.failed else ""),
            *_metric_cells(group.counts),
            _num(group.counts.seconds_per_page),
            _num(group.median_seconds_per_page),
            style="bold"
            if group is report.total or group.name in {*get_args(Engine), *form_names}
            else None,
        )
    console.print(levels)

    effort = Table(
        title="Review effort",
        box=box.SIMPLE_HEAD,
        caption="para residual: paragraphs over 2 % wrong and unflagged · items, keys: per "
        "document (a merged cell once; keys to confirm, take a suggestion or type the printed "
        "value, and accept) · suggested: items with a suggestion · right: of those",
    )
    for name in ("level", "paragraphs", "para residual", "items/doc", "keys/doc", "suggested",
                 "right"):  # fmt: skip
        effort.add_column(name, justify="left" if name == "level" else "right")
    for group in [*report.levels, report.total]:
        c, n = group.counts, max(group.documents, 1)
        effort.add_row(
            group.name,
            str(c.paragraphs),
            _pct(c.paragraph_residual, 2),
            _num(c.review_items / n, 1),
            _num(c.review_keys / n, 1),
            _pct(c.suggestion_share),
            _pct(c.suggestion_precision),
            style="bold" if group is report.total else None,
        )
    console.print(effort)

    curve = Table(title="Reliability (total, short fields)", box=box.SIMPLE_HEAD)
    for name in ("confidence", "fields", "mean conf", "accuracy"):
        curve.add_column(name, justify="right")
    for b in report.total.counts.reliability.curve:
        curve.add_row(
            f"{b.lower:.1f}–{b.upper:.1f}",
            str(b.count),
            _num(b.mean_confidence, 3),
            _pct(b.accuracy),
        )
    console.print(curve)

    timed = [(g.name, g.counts.timings) for g in [*report.levels, report.total]]
    timed = [(name, t) for name, t in timed if t is not None and t.pages]
    stages = sorted({stage for _, t in timed for stage in t.seconds})
    if stages:
        times = Table(title="Seconds per page by stage", box=box.SIMPLE_HEAD)
        times.add_column("stage")
        for name, _ in timed:
            times.add_column(name, justify="right")
        for stage in stages:
            times.add_row(stage, *(_num(t.seconds.get(stage, 0.0) / t.pages) for _, t in timed))
        console.print(times)
    for score in report.documents:
        if score.error is not None:
            console.print(f"{score.doc_id}: {score.error}", style="red", markup=False)
