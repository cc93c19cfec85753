"""Measure the two ways of reading cells on pages whose every cell text is known.

    python -m tests.ingest.ocr.compare_strategies [--pages N]
    python -m tests.ingest.ocr.compare_strategies --corpus tests/data/corpus [--levels clean scan]

Prints seconds per page (wall and CPU) and accuracy (exact cells, character accuracy) per
strategy. Without --corpus: form-like A4 pages rendered here at 200 DPI, clean and scan-like.
With --corpus: the synthetic corpus's PDFs, rasterised, cleaned and gridded by the pipeline's
own stages; each truth cell is compared with the found cell that overlaps it most.
"""

import argparse
import os
import random
import time
from pathlib import Path

from PIL import ImageFont

from ingest.artifacts import Grid
from ingest.ocr import create_engine
from ingest.ocr.assign import Strategy, read_cells
from jixiao.options import input_limits, ocr_options
from jixiao.settings import Settings
from tests.ingest.ocr.render import SERIF, CellSpec, RenderedPage, degrade, render_table, wrap

COLS = [110, 290, 560, 900, 1220, 1544]
GOALS = [
    "1、加强侨务政策宣传，推动归侨侨眷权益保障工作落实；2、做好海外联谊工作，年内接待来访侨胞不少于18批次。",
    "围绕市委市政府中心工作，发挥群团组织作用，全面完成年度各项工作任务，提高财政资金使用效益。",
]
ITEMS = [
    "1、开展归侨侨眷走访慰问活动\n2、组织海外侨胞回乡交流考察\n3、举办侨界人才创新创业座谈会",
    "完善基层侨联组织建设，推进侨法宣传进社区、进学校，提升为侨服务水平和工作质量。",
]
INDICATORS = [
    ("数量指标", "侨务接待次数", "≥18次"),
    ("数量指标", "慰问归侨侨眷人数", "≥190人"),
    ("质量指标", "活动完成率", "100%"),
    ("质量指标", "资金使用合规率", "≧95%"),
    ("时效指标", "任务完成时间", "2024年12月31日前完成"),
    ("成本指标", "", ""),
    ("社会效益指标", "侨界群众知晓率", "不低于上年度水平"),
    ("可持续影响指标", "工作机制", "长期"),
    ("服务对象满意度指标", "服务对象满意度", "≥90%"),
]


def form_page(seed: int) -> RenderedPage:
    """One page of the department form, with amounts and texts varied by `seed`."""
    rng = random.Random(seed)

    def amount() -> str:
        value = rng.uniform(0, 99999)
        return f"{value:,.2f}" if rng.random() < 0.3 else f"{value / 10:.2f}"

    rows: list[list[CellSpec]] = []
    r = 0

    def add(*cells: CellSpec) -> None:
        nonlocal r
        rows.append(list(cells))
        r += 1

    add(CellSpec(r, 0, "部门名称"), CellSpec(r, 1, "湛江市归国华侨联合会", col_span=4))
    add(
        CellSpec(r, 0, "基本信息"),
        CellSpec(r, 1, "财政供养人员数"),
        CellSpec(r, 2, str(rng.randint(5, 300))),
        CellSpec(r, 3, "下属二级单位数"),
        CellSpec(r, 4, str(rng.randint(0, 9))),
    )
    budget = [
        ("部门预算支出", "预算金额(万元)", "收入来源", "预算金额(万元)"),
        ("基本支出", amount(), "财政拨款", amount()),
        ("项目支出", amount(), "其他资金", amount()),
        ("事业发展性支出", amount(), "按预算级次划分", ""),
        ("财政专项资金", amount(), "市本级使用资金", amount()),
        ("其他事业发展性支出", amount(), "拟用于对下转移支付资金", amount()),
    ]
    start = r
    for k, (a, b, c, d) in enumerate(budget):
        cells = [CellSpec(r, 1, a), CellSpec(r, 2, b), CellSpec(r, 3, c), CellSpec(r, 4, d)]
        if k == 0:
            cells.insert(0, CellSpec(r, 0, "预算整体情况", row_span=len(budget), vertical=True))
        add(*cells)
    add(CellSpec(r, 0, "总体绩效目标"), CellSpec(r, 1, rng.choice(GOALS), col_span=4))
    add(
        CellSpec(r, 0, "年度重点工作任务", row_span=3),
        CellSpec(r, 1, "任务名称"),
        CellSpec(r, 2, "主要实施内容"),
        CellSpec(r, 3, "拟投入的资金(万元)"),
        CellSpec(r, 4, "期望达到的目标(概述)"),
    )
    for k in range(2):
        add(
            CellSpec(r, 1, f"重点工作任务{k + 1}"),
            CellSpec(r, 2, rng.choice(ITEMS)),
            CellSpec(r, 3, amount()),
            CellSpec(r, 4, rng.choice(GOALS)),
        )
    add(
        CellSpec(r, 0, "一级指标"),
        CellSpec(r, 1, "二级指标"),
        CellSpec(r, 2, "三级指标", col_span=2),
        CellSpec(r, 4, "指标值"),
    )
    picks = rng.sample(INDICATORS, 7)
    for k, (l2, name, value) in enumerate(picks):
        cells = [CellSpec(r, 1, l2), CellSpec(r, 2, name, col_span=2), CellSpec(r, 4, value)]
        if k == 0:
            cells.insert(0, CellSpec(r, 0, "产出指标", row_span=len(picks), vertical=True))
        add(*cells)
    del start

    font = ImageFont.truetype(SERIF, 29)
    heights = []
    for cells in rows:
        need = 1
        for c in cells:
            if c.row_span == 1 and not c.vertical:
                width = COLS[c.col + c.col_span] - COLS[c.col] - 29
                need = max(need, len(wrap(c.text, font, width)))
        heights.append(round(need * 29 * 1.45 + 24))
    edges = [260]
    for h in heights:
        edges.append(edges[-1] + h)
    return render_table(
        edges, COLS, [c for cells in rows for c in cells], title="2024年市级部门整体预算绩效目标表"
    )


def _char_accuracy(truth: str, read: str) -> float:
    """1 - edit distance / length, so an empty truth read as empty counts as right."""
    if not truth:
        return 1.0 if not read else 0.0
    prev = list(range(len(read) + 1))
    for i, a in enumerate(truth, 1):
        cur = [i]
        for j, b in enumerate(read, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return max(0.0, 1 - prev[-1] / len(truth))


def corpus_pages(corpus: Path, levels: list[str], limit: int) -> dict[str, list[RenderedPage]]:
    """Corpus pages through rasterise → clean → grid, with truth texts keyed by found cell."""
    from ingest.grid import find_grid
    from ingest.preprocess import clean_page
    from ingest.rasterize import rasterize
    from ingest.sources import accept_upload
    from models.truth import GroundTruth

    limits = input_limits(Settings())
    out: dict[str, list[RenderedPage]] = {level: [] for level in levels}
    for truth_path in sorted(corpus.glob("*.truth.json")):
        truth = GroundTruth.model_validate_json(truth_path.read_text())
        if truth.level not in levels or len(out[truth.level]) >= limit:
            continue
        pdf = truth_path.with_name(f"{truth.doc_id}.pdf")
        source = accept_upload(pdf, pdf.name, limits)
        for raw, page_truth in zip(
            rasterize(source, truth.pages[0].dpi, limits), truth.pages, strict=False
        ):
            clean = clean_page(raw)
            grid = find_grid(clean)
            if grid is None or len(out[truth.level]) >= limit:
                continue
            expected = _match_truth(grid, page_truth)
            title = "" if page_truth.page > 1 else truth.document.title or ""
            out[truth.level].append(RenderedPage(clean, grid, expected, title))
    return out


def _match_truth(grid: Grid, page_truth) -> dict[tuple[int, int], str]:
    """Truth text per found cell, matching boxes normalised by their table's box."""

    def norm(box, frame):
        w, h = frame[2] - frame[0], frame[3] - frame[1]
        return (
            (box[0] - frame[0]) / w,
            (box[1] - frame[1]) / h,
            (box[2] - frame[0]) / w,
            (box[3] - frame[1]) / h,
        )

    found = {(c.row, c.col): norm(c.bbox, grid.bbox) for c in grid.cells}
    expected = dict.fromkeys(found, "")
    for cell in page_truth.cells:
        box = norm(cell.bbox, page_truth.table_bbox)
        best = max(found, key=lambda k: _iou(found[k], box))
        if _iou(found[best], box) > 0.5:
            expected[best] = cell.text
    return expected


def _iou(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0) * max(h, 0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--levels", nargs="+", default=["clean", "scan"])
    parser.add_argument("--strategies", nargs="+", default=["cell_lines", "full_page"])
    args = parser.parse_args()
    engine = create_engine(ocr_options(Settings(ocr_engine="rapidocr")))
    if args.corpus:
        sets = corpus_pages(args.corpus, args.levels, args.pages)
    else:
        rendered = [form_page(s) for s in range(args.pages)]
        sets = {"clean": rendered, "scan": [degrade(p, s) for s, p in enumerate(rendered)]}
    pages = next(iter(sets.values()))
    read_cells(pages[0].page, pages[0].grid, engine)  # warm the models
    strategies: list[Strategy] = args.strategies
    print(f"load {os.getloadavg()[0]:.2f}, threads {getattr(engine, 'threads', '?')}")
    for level, level_pages in sets.items():
        for strategy in strategies:
            seconds, cpu, exact, chars, total, misses = 0.0, 0.0, 0, 0.0, 0, []
            for page in level_pages:
                started, cpu_started = time.perf_counter(), time.process_time()
                table = read_cells(page.page, page.grid, engine, strategy)
                seconds += time.perf_counter() - started
                cpu += time.process_time() - cpu_started
                for cell in table.cells:
                    truth = page.expected.get((cell.cell.row, cell.cell.col), "")
                    exact += cell.text == truth
                    chars += _char_accuracy(truth, cell.text)
                    total += 1
                    if cell.text != truth:
                        misses.append((truth, cell.text))
                title = "".join(t.text for t in table.outside)
                misses += [] if title == page.title else [(page.title, title)]
            n = max(len(level_pages), 1)
            print(
                f"{level:5} {strategy:10} {seconds / n:5.2f} s/page (cpu {cpu / n:5.2f} s)  "
                f"exact cells {exact}/{total}  char acc {chars / total:.4f}"
            )
            for truth, read in misses[:8]:
                print(f"      {truth!r} -> {read!r}")


if __name__ == "__main__":
    main()
