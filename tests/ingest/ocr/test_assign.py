"""How read_cells turns OCR output into cell texts, with a fake engine that reads block glyphs.

Each character is drawn as a solid block with its own grey level, so the fake engine can
"recognise" any crop it is handed exactly, and the tests check only the geometry: which text
lands in which cell, in which order, with which line breaks.
"""

import numpy as np
import pytest

from ingest.artifacts import CleanPage, Grid, GridCell, OcrToken
from ingest.ocr.assign import read_cells
from models.contract import EngineInfo

ALPHABET = "0123456789、.（）产出指标数量预算整体情况开展活动组织考察完成任务年度重点部门名称，"
FIRST = 20  # grey level of ALPHABET[0]; rules are drawn at 0, so they are never read
GLYPH_W, GLYPH_H, ADVANCE, LINE = 22, 28, 28, 44
DPI = 200


def _value(ch: str) -> int:
    return FIRST + ALPHABET.index(ch)


def _decode(image: np.ndarray) -> str:
    """Glyphs left to right: a run of columns showing one glyph level is one character."""
    glyph = (image >= FIRST) & (image < FIRST + len(ALPHABET))
    levels = np.where(glyph, image, 0).max(axis=0)
    text, previous = [], 0
    for level in levels:
        if level and level != previous:
            text.append(ALPHABET[int(level) - FIRST])
        previous = level
    return "".join(text)


class BlockEngine:
    """Detects lines as rows of glyphs across the whole image, rules ignored (so a line may
    cross a rule, as a real detector's box can); reads any crop exactly."""

    def __init__(self) -> None:
        self.detect_calls = 0
        self.read_calls = 0

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(engine="blocks")

    def detect_and_read(self, image: np.ndarray) -> list[OcrToken]:
        self.detect_calls += 1
        glyph = (image >= FIRST) & (image < FIRST + len(ALPHABET))
        rows = np.flatnonzero(glyph.any(axis=1))
        tokens = []
        if rows.size == 0:
            return tokens
        starts = [rows[0], *rows[1:][np.diff(rows) > 1]]
        ends = [*rows[:-1][np.diff(rows) > 1], rows[-1]]
        for y0, y1 in zip(starts, ends, strict=True):
            cols = np.flatnonzero(glyph[y0 : y1 + 1].any(axis=0))
            box = (int(cols[0]), int(y0), int(cols[-1]) + 1, int(y1) + 1)
            text = _decode(image[box[1] : box[3], box[0] : box[2]])
            tokens.append(OcrToken(text=text, bbox=box, confidence=0.9))
        return tokens

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        self.read_calls += 1
        return [
            OcrToken(
                text=_decode(c),
                bbox=(0, 0, c.shape[1], c.shape[0]),
                confidence=0.9,
                char_confidences=tuple(0.9 for _ in _decode(c)),
            )
            for c in crops
        ]


class Sheet:
    """A white page with rules and block text, and the grid of the cells drawn on it."""

    def __init__(self, width: int = 1200, height: int = 900) -> None:
        self.gray = np.full((height, width), 255, dtype=np.uint8)
        self.cells: list[GridCell] = []

    def cell(self, row: int, col: int, box, row_span: int = 1, col_span: int = 1) -> None:
        x0, y0, x1, y1 = box
        self.gray[y0 : y0 + 3, x0:x1] = 0
        self.gray[y1 - 3 : y1, x0:x1] = 0
        self.gray[y0:y1, x0 : x0 + 3] = 0
        self.gray[y0:y1, x1 - 3 : x1] = 0
        self.cells.append(
            GridCell(row=row, col=col, row_span=row_span, col_span=col_span, bbox=box, confidence=1)
        )

    def text(self, x: int, y: int, text: str) -> None:
        for k, ch in enumerate(text):
            left = x + k * ADVANCE
            self.gray[y : y + GLYPH_H, left : left + GLYPH_W] = _value(ch)

    def striped(self, x: int, y: int, ch: str) -> None:
        """A glyph of three bars with blank rows between them, like 三."""
        for top in (0, 11, 22):
            self.gray[y + top : y + top + 6, x : x + GLYPH_W] = _value(ch)

    def vertical(self, x: int, y: int, text: str) -> None:
        for k, ch in enumerate(text):
            self.text(x, y + k * LINE, ch)

    def page(self, seal: tuple[int, int, int, int] | None = None) -> tuple[CleanPage, Grid]:
        mask = None
        if seal:
            mask = np.zeros(self.gray.shape, dtype=bool)
            mask[seal[1] : seal[3], seal[0] : seal[2]] = True
        page = CleanPage(
            index=2, image=np.dstack([self.gray] * 3), gray=self.gray, dpi=DPI, seal_mask=mask
        )
        xs = sorted({c.bbox[0] for c in self.cells} | {c.bbox[2] for c in self.cells})
        ys = sorted({c.bbox[1] for c in self.cells} | {c.bbox[3] for c in self.cells})
        grid = Grid(page=2, row_edges=tuple(ys), col_edges=tuple(xs), cells=tuple(self.cells))
        return page, grid


def _texts(table) -> dict[tuple[int, int], str]:
    return {(c.cell.row, c.cell.col): c.text for c in table.cells}


STRATEGIES = ["cell_lines", "full_page"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_merged_cells_vertical_label_and_empty_cell(strategy):
    sheet = Sheet()
    sheet.text(400, 60, "年度重点任务")  # title above the table
    sheet.cell(0, 0, (100, 150, 300, 450), row_span=3)
    sheet.vertical(186, 190, "预算整体情况")
    sheet.cell(0, 1, (300, 150, 1100, 250), col_span=2)
    sheet.text(320, 186, "部门名称")
    sheet.cell(1, 1, (300, 250, 700, 350))
    sheet.text(320, 286, "数量指标")
    sheet.cell(1, 2, (700, 250, 1100, 350))
    sheet.text(720, 286, "100")
    sheet.cell(2, 1, (300, 350, 700, 450))
    sheet.cell(2, 2, (700, 350, 1100, 450))
    sheet.striped(720, 405, "3")
    sheet.text(720 + ADVANCE, 405, "0")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine(), strategy)

    assert _texts(table) == {
        (0, 0): "预算整体情况",
        (0, 1): "部门名称",
        (1, 1): "数量指标",
        (1, 2): "100",
        (2, 1): "",
        (2, 2): "30",
    }
    assert "".join(t.text for t in table.outside) == "年度重点任务"
    assert table.page == 2 and (table.width, table.height) == (1200, 900)
    first = next(c for c in table.cells if c.text == "部门名称")
    x0, y0, x1, y1 = first.tokens[0].bbox
    assert 300 <= x0 < 330 and x1 < 1100 and 150 < y0 < 190 and y1 < 250


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_wrapped_lines_join_and_numbered_items_break(strategy):
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 500, 420))
    # item 1 wraps (its first line fills the cell), then ends short before item 2
    sheet.text(115, 120, "1、开展活动组织考察完成")
    sheet.text(115, 120 + LINE, "任务")
    sheet.text(115, 120 + 2 * LINE, "2、年度重点")
    # a short line followed by a line that is not a numbered item runs on
    sheet.text(115, 120 + 3 * LINE, "部门")
    sheet.text(115, 120 + 4 * LINE, "名称")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine(), strategy)

    assert table.cells[0].text == "1、开展活动组织考察完成任务\n2、年度重点部门名称"


def test_entries_stacked_in_one_cell_are_told_from_wrapped_text():
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 500, 300))  # two short entries, one above the other
    sheet.text(115, 140, "产出指标")
    sheet.text(115, 140 + LINE, "数量")
    sheet.cell(0, 1, (500, 100, 900, 300))  # one entry wrapped: its first line fills the cell
    sheet.text(515, 140, "开展活动组织考察完成任务年")
    sheet.text(515, 140 + LINE, "任务")
    sheet.cell(0, 2, (900, 100, 1300, 300))  # numbered items are one text, not stacked
    sheet.text(915, 140, "1、预算")
    sheet.text(915, 140 + LINE, "2、整体")
    sheet.cell(1, 0, (100, 300, 500, 500))  # a name wrapped after its comma goes on
    sheet.text(115, 340, "开展活动，")
    sheet.text(115, 340 + LINE, "考察")
    # a comma may not begin a line, so the character before it went down too
    sheet.cell(1, 1, (500, 300, 815, 500))
    sheet.text(515, 340, "开展活动组织考察")
    sheet.text(515, 340 + LINE, "完，任务")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    assert [c.stacked_lines for c in table.cells] == [True, False, False, False, False]
    assert table.cells[0].text == "产出指标数量"


def test_line_crossing_a_rule_is_cut_at_the_rule():
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 400, 200))
    sheet.cell(0, 1, (400, 100, 800, 200))
    sheet.text(300, 136, "产出")  # runs up to the rule at x=400 ...
    sheet.text(412, 136, "指标")  # ... and the next cell's text starts right after it
    page, grid = sheet.page()
    engine = BlockEngine()

    table = read_cells(page, grid, engine, "full_page")

    assert _texts(table) == {(0, 0): "产出", (0, 1): "指标"}
    assert engine.detect_calls == 1 and engine.read_calls == 1
    left, right = (c.tokens[0].bbox for c in table.cells)
    assert left[2] <= 400 <= right[0]


def test_cell_lines_reads_all_cells_in_one_batch_and_records_the_seal():
    sheet = Sheet()
    for k in range(4):
        sheet.cell(k, 0, (100, 100 + 100 * k, 600, 200 + 100 * k))
        sheet.text(120, 136 + 100 * k, f"{k}.{k}")
    page, grid = sheet.page(seal=(100, 100, 600, 150))
    engine = BlockEngine()

    table = read_cells(page, grid, engine)

    assert [c.text for c in table.cells] == ["0.0", "1.1", "2.2", "3.3"]
    assert engine.read_calls == 1 and engine.detect_calls == 0
    assert table.cells[0].seal_overlap == pytest.approx(0.5, abs=0.01)
    assert table.cells[1].seal_overlap == 0.0
    (seal,) = table.seal_boxes
    assert abs(seal[0] - 100) <= 16 and abs(seal[2] - 600) <= 16 and seal[3] <= 170
    assert table.cells[0].confidence == pytest.approx(0.9)


def test_no_grid_reads_every_run_of_ink_as_outside_text_in_reading_order():
    sheet = Sheet()
    sheet.text(500, 300, "指标")
    sheet.text(400, 102, "名称")
    sheet.text(100, 100, "部门")
    sheet.text(560, 800, "1")  # one character alone: a stroke of the paper's edge, say
    page, _ = sheet.page()
    engine = BlockEngine()

    table = read_cells(page, None, engine)

    assert table.grid is None and table.cells == ()
    assert [t.text for t in table.outside] == ["部门", "名称", "指标"]
    assert engine.detect_calls == 0
    assert len(table.unread) == 1 and table.unread[0][1] >= 790


def test_text_beside_the_table_is_read_across_and_down_the_margin():
    sheet = Sheet()
    sheet.cell(0, 0, (200, 150, 700, 250))
    sheet.text(220, 186, "部门名称")
    sheet.cell(1, 0, (200, 250, 700, 350))
    sheet.text(220, 286, "数量指标")
    sheet.text(20, 300, "年度")  # left of the frame, level with its second row
    sheet.vertical(900, 160, "完成任务")  # a note down the right margin
    page, grid = sheet.page()
    engine = BlockEngine()

    table = read_cells(page, grid, engine)

    assert _texts(table) == {(0, 0): "部门名称", (1, 0): "数量指标"}
    assert sorted(t.text for t in table.outside) == ["完成任务", "年度"]
    assert engine.read_calls == 1 and engine.detect_calls == 0


def test_specks_away_from_text_are_not_read_but_punctuation_beside_it_is():
    from ingest.ocr.assign import _ink_bands

    dpi = 200
    ink = np.zeros((200, 600), dtype=bool)
    ink[40:68, 50:300] = True  # a line of text, 28 px tall
    ink[62:67, 304:309] = True  # a full stop right after it
    ink[150:154, 400:404] = True  # dust, far from any stroke
    ink[20:23, 560:563] = True  # more dust in the corner
    bands = _ink_bands(ink, (0, 0, 600, 200), dpi)
    assert [(b.x0, b.y0, b.x1, b.y1) for b in bands] == [(50, 40, 309, 68)]


def test_a_speck_just_under_a_lines_end_is_not_read_as_a_line_of_its_own():
    """Close enough to the text to survive as punctuation, but on no line of text: the
    corner of a cell's rules, or dust, read as "1" otherwise."""
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 500, 200))
    sheet.text(120, 120, "产出指标")
    x = 120 + 3 * ADVANCE + GLYPH_W - 3
    sheet.gray[120 + GLYPH_H + 6 : 120 + GLYPH_H + 10, x : x + 3] = _value("1")
    page, grid = sheet.page()
    assert _texts(read_cells(page, grid, BlockEngine())) == {(0, 0): "产出指标"}


class FiveEngine(BlockEngine):
    """Reads every crop it is handed as "5", sure of it."""

    def read_lines(self, crops: list[np.ndarray]) -> list[OcrToken]:
        return [
            OcrToken(text="5", bbox=(0, 0, c.shape[1], c.shape[0]), confidence=0.99) for c in crops
        ]


def test_a_glyph_fainter_than_the_pages_ink_is_read_in_its_cell_but_never_trusted():
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 500, 200))
    sheet.cell(0, 1, (500, 100, 900, 200))
    sheet.cell(0, 2, (900, 100, 1100, 200))
    sheet.text(120, 130, "产出指标数量")
    sheet.gray[130 : 130 + GLYPH_H, 690:704] = 175  # a light, blurred digit
    sheet.gray[103:106, 903:1097] = 200  # the last cell holds only its rule's pale fringe
    page, grid = sheet.page()
    table = read_cells(page, grid, FiveEngine())
    cells = {c.cell.col: c for c in table.cells}
    assert cells[1].text == "5" and cells[1].confidence <= 0.5
    assert cells[0].confidence == 0.99  # ink the page's threshold saw keeps its reading
    assert cells[2].text == ""


def test_faint_characters_past_the_end_of_a_line_the_page_saw_are_read_and_doubted():
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 600, 200))
    sheet.cell(0, 1, (600, 100, 1100, 200))
    sheet.cell(1, 0, (100, 200, 600, 300))
    for left in (120, 148, 620, 648):  # pale digits the page's threshold just sees
        sheet.gray[130 : 130 + GLYPH_H, left : left + 14] = 90
    for left in (176, 204):  # and paler ones after them, in the first cell
        sheet.gray[130 : 130 + GLYPH_H, left : left + 14] = 160
    sheet.gray[150:154, 690:693] = 160  # a faint speck past the end is no character
    for left in (120, 148):
        sheet.gray[230 : 230 + GLYPH_H, left : left + 14] = 90
    sheet.gray[232:256, 176:260] = 215  # a photo's shading: light, and nowhere as dark as ink
    sheet.gray[212:214, 110:300] = 160  # a faint rule fringe along the top of the cell
    page, grid = sheet.page()
    table = read_cells(page, grid, FiveEngine())
    cells = {(c.cell.row, c.cell.col): c for c in table.cells}
    assert cells[0, 0].confidence <= 0.5
    assert cells[0, 0].tokens[0].bbox[2] >= 218  # the line was read to its faint end
    assert cells[0, 1].confidence == 0.99
    assert cells[1, 0].confidence == 0.99


def test_a_faint_value_is_read_beside_a_blot_of_toner_darker_than_itself():
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 600, 300))
    for left in (200, 228, 256):  # faint digits, far lighter than halfway to the blot
        sheet.gray[200 : 200 + GLYPH_H, left : left + 14] = 200
    yy, xx = np.ogrid[:900, :1200]
    sheet.gray[(yy - 140) ** 2 + (xx - 400) ** 2 <= 36] = 40  # a blot of toner
    page, grid = sheet.page()
    (cell,) = read_cells(page, grid, FiveEngine()).cells
    assert cell.text == "5" and cell.confidence <= 0.5
    assert cell.tokens[0].bbox[0] <= 200 and cell.tokens[0].bbox[2] >= 270


def _disc(ink: np.ndarray, cy: int, cx: int, r: int) -> None:
    yy, xx = np.ogrid[: ink.shape[0], : ink.shape[1]]
    ink[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = True


def test_dust_blobs_are_dropped_and_whitened_but_a_comma_head_beside_text_stays():
    from ingest.ocr.assign import _ink_bands

    dpi = 200  # a character is about 28 px
    ink = np.zeros((200, 600), dtype=bool)
    ink[40:68, 50:300] = True  # a line of text
    _disc(ink, 63, 318, 5)  # a comma's head, a little past the line's last character
    _disc(ink, 150, 200, 6)  # a blob of toner alone in the cell, bigger than a speck
    _disc(ink, 20, 500, 4)  # dust above the line's end, off its line
    gray = np.where(ink, 0, 255).astype(np.uint8)
    bands = _ink_bands(ink, (0, 0, 600, 200), dpi, erase_in=gray)
    assert [(b.x0, b.y0, b.x1, b.y1) for b in bands] == [(50, 40, 324, 68)]
    assert gray[150, 200] == 255 and gray[20, 500] == 255  # no crop can show them
    assert gray[63, 318] == 0 and gray[50, 100] == 0


def test_a_full_width_mark_starting_a_wrapped_line_is_kept_though_far_from_its_text():
    """A `，` or `。` a layout set at a wrapped line's start stands at the foot of its own em
    square, at the left edge the text's lines keep to: most of a character left of the next
    glyph, beyond the reach that tells punctuation from dust, yet low on the line it begins.
    A dot as far before a line of centred text or a text's only line, or high on a line, is
    dust."""
    from ingest.ocr.assign import _ink_bands

    dpi = 200  # a character is about 28 px
    ink = np.zeros((400, 600), dtype=bool)
    ink[40:68, 50:300] = True  # a paragraph's lines keep to the left edge at x = 50
    ink[100:128, 90:300] = True  # a line after a mark at its start
    _disc(ink, 122, 57, 4)  # a full stop at the foot of its em square, 29 px before the text
    ink[160:188, 50:300] = True
    ink[220:248, 90:300] = True  # a line with dust as far off but high on it
    _disc(ink, 224, 57, 4)
    _disc(ink, 350, 100, 4)  # dust under the text, on no line
    gray = np.where(ink, 0, 255).astype(np.uint8)
    bands = _ink_bands(ink, (0, 0, 600, 400), dpi, erase_in=gray)
    assert [(b.x0, b.x1) for b in bands] == [(50, 300), (53, 300), (50, 300), (90, 300)]
    assert gray[122, 57] == 0  # the mark stays in the page its line is cut from
    assert gray[224, 57] == 255 and gray[350, 100] == 255

    centred = np.zeros((200, 600), dtype=bool)
    centred[40:68, 50:300] = True  # a name wrapped in a narrow cell, centred
    centred[100:128, 90:260] = True
    _disc(centred, 122, 57, 4)
    bands = _ink_bands(centred, (0, 0, 600, 200), dpi)
    assert [(b.x0, b.x1) for b in bands] == [(50, 300), (90, 260)]

    alone = np.zeros((100, 600), dtype=bool)
    alone[14:15, 50:300] = True  # a rule's fringe along the cell's top: no line of text
    alone[40:68, 90:300] = True  # a value of one line
    _disc(alone, 62, 57, 4)  # a dot before it: no text begins with a mark
    bands = _ink_bands(alone, (0, 0, 600, 100), dpi)
    assert [(b.x0, b.x1) for b in bands if b.height > 1] == [(90, 300)]


@pytest.mark.parametrize(
    ("text", "confs", "kept"),
    [
        ("产出指标o", (0.99, 0.98, 0.99, 0.97, 0.19), "产出指标"),
        ("0数量指标", (0.3, 0.99, 0.98, 0.99, 0.97), "数量指标"),
        ("•。办公设备", (0.2, 0.4, 0.99, 0.98, 0.99, 0.97), "办公设备"),
        ("≤290万元6", (0.9, 0.99, 0.98, 0.99, 0.97, 0.99, 0.3), "≤290万元6"),  # digits beside
        ("100%", (0.3, 0.99, 0.98, 0.99), "100%"),  # a doubtful digit of a number stays
        ("效率提高.", (0.99, 0.98, 0.99, 0.97, 0.95), "效率提高."),  # read with confidence
        ("98%", (0.99, 0.98, 0.3), "98%"),  # the form's own signs stay
        ("（概述）", (0.3, 0.99, 0.98, 0.3), "（概述）"),
        ("·6个", (0.55, 0.99, 0.99), "6个"),  # the speck's doubt does not make 6 a speck
    ],
)
def test_doubtful_stray_marks_at_a_lines_ends_are_dropped_keeping_the_doubt(text, confs, kept):
    from ingest.ocr.assign import _trim_specks

    token = OcrToken(text=text, bbox=(0, 0, 10, 10), confidence=0.9, char_confidences=confs)
    trimmed = _trim_specks(token)
    assert trimmed.text == kept
    assert min(trimmed.char_confidences) == min(confs)


def _row_texts(table) -> dict[tuple[int, int, int], str]:
    return {(c.cell.row, c.cell.col, c.cell.row_span): c.text for c in table.cells}


def test_a_row_whose_cells_all_hold_two_stacked_entries_is_cut_between_them():
    from ingest.ocr.hidden_rules import INFERRED_RULE_CONFIDENCE

    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 300, 400), row_span=2)  # a merged label beside both rows
    sheet.vertical(186, 140, "产出")
    sheet.cell(0, 1, (300, 100, 700, 300))  # the rule between two entries has faded away
    sheet.text(315, 130, "开展")
    sheet.text(315, 130 + 2 * LINE, "考察")
    sheet.cell(0, 2, (700, 100, 1100, 300))
    sheet.text(715, 130, "60")
    sheet.text(715, 130 + 2 * LINE, "100")
    sheet.cell(1, 1, (300, 300, 700, 400))
    sheet.text(315, 330, "整体")
    sheet.cell(1, 2, (700, 300, 1100, 400))
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    assert _row_texts(table) == {
        (0, 0, 3): "产出",
        (0, 1, 1): "开展",
        (0, 2, 1): "60",
        (1, 1, 1): "考察",
        (1, 2, 1): "100",
        (2, 1, 1): "整体",
        (2, 2, 1): "",
    }
    assert table.grid.n_rows == 3
    cut = {(c.cell.row, c.cell.col): c.cell for c in table.cells}
    assert cut[(0, 1)].bbox[3] == cut[(1, 1)].bbox[1]  # the inferred rule, between the lines
    assert 130 + GLYPH_H <= cut[(0, 1)].bbox[3] <= 130 + 2 * LINE
    assert cut[(0, 1)].confidence == cut[(1, 2)].confidence == INFERRED_RULE_CONFIDENCE
    assert cut[(2, 1)].confidence == 1


def test_a_stacked_cell_and_a_wrapped_name_with_a_gap_as_wide_cut_their_row():
    """Two names wrapped over full lines show no short line, but the gap between them lines
    up with the stacked values' gap: one row of the paper each."""
    sheet = Sheet()
    sheet.cell(0, 0, (300, 100, 700, 400))
    sheet.text(315, 120, "开展活动组织考察完成任务年")
    sheet.text(315, 120 + LINE, "度重点部门名称开展活动组织")
    sheet.text(315, 120 + 3 * LINE, "考察完成任务年度重点部门名")
    sheet.text(315, 120 + 4 * LINE, "称开展活动组织考察完成任务")
    sheet.cell(0, 1, (700, 100, 1100, 400))
    sheet.text(715, 140, "60")
    sheet.text(715, 140 + 3 * LINE, "100")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    assert table.grid.n_rows == 2
    assert _row_texts(table) == {
        (0, 0, 1): "开展活动组织考察完成任务年度重点部门名称开展活动组织",
        (0, 1, 1): "60",
        (1, 0, 1): "考察完成任务年度重点部门名称开展活动组织考察完成任务",
        (1, 1, 1): "100",
    }


def test_one_cell_with_stacked_lines_does_not_cut_its_row():
    sheet = Sheet()
    sheet.cell(0, 0, (300, 100, 700, 300))
    sheet.text(315, 130, "开展")
    sheet.text(315, 130 + 2 * LINE, "考察")
    sheet.cell(0, 1, (700, 100, 1100, 300))
    sheet.text(715, 130, "60")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    assert table.grid.n_rows == 1
    assert _row_texts(table) == {(0, 0, 1): "开展考察", (0, 1, 1): "60"}


def test_evenly_spaced_short_lines_of_paragraphs_do_not_cut_their_row():
    sheet = Sheet()
    for col, x in ((0, 300), (1, 700)):
        sheet.cell(0, col, (x, 100, x + 400, 300))
        for k, words in enumerate(("开展", "考察", "整体")):
            sheet.text(x + 15, 120 + k * LINE, words)
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    assert all(c.stacked_lines for c in table.cells)
    assert table.grid.n_rows == 1


def test_lines_around_the_table_are_text_only_with_an_ideograph_or_a_digit():
    from ingest.ocr.assign import _keep_outside

    kept: list[OcrToken] = []
    unread: list = []
    readings = [
        ("mn", 0.9),
        ("ayy", 0.3),
        ("一", 0.99),
        ("-2-", 0.95),
        ("附件2", 0.9),
        ("一一", 0.4),
    ]
    for k, (text, confidence) in enumerate(readings):
        _keep_outside(
            OcrToken(text=text, bbox=(0, k, 10, k + 5), confidence=confidence), kept, unread
        )
    assert [t.text for t in kept] == ["-2-", "附件2", "一一"]  # a paper edge reads as the others
    assert len(unread) == 3
    # a strip along the frame's side, taller than wide, read as digits
    _keep_outside(OcrToken(text="1111", bbox=(86, 1656, 104, 1861), confidence=0.99), kept, unread)
    assert len(kept) == 3 and len(unread) == 4


def test_a_cell_over_two_rows_holding_one_entry_centred_in_each_is_cut_between_them():
    from ingest.ocr.hidden_rules import INFERRED_RULE_CONFIDENCE

    sheet = Sheet()
    sheet.cell(0, 0, (300, 100, 700, 200))  # two names, the rule between them seen
    sheet.text(315, 135, "开展")
    sheet.cell(1, 0, (300, 200, 700, 300))
    sheet.text(315, 235, "考察")
    sheet.cell(0, 1, (700, 100, 1100, 300), row_span=2)  # too faint here: merged over both
    sheet.text(715, 135, "60")
    sheet.text(715, 235, "100")
    sheet.cell(0, 2, (1100, 100, 1190, 300), row_span=2)  # a name wrapped around the rule
    sheet.text(1110, 200 - LINE, "产")
    sheet.text(1110, 200 + LINE - GLYPH_H, "出")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    assert _row_texts(table) == {
        (0, 0, 1): "开展",
        (1, 0, 1): "考察",
        (0, 1, 1): "60",
        (1, 1, 1): "100",
        (0, 2, 2): "产出",
    }
    cut = {(c.cell.row, c.cell.col): c.cell for c in table.cells}
    assert cut[(0, 1)].bbox == (700, 100, 1100, 200) and cut[(1, 1)].bbox == (700, 200, 1100, 300)
    assert cut[(1, 1)].confidence == INFERRED_RULE_CONFIDENCE


def test_a_wrapped_line_starting_a_glyph_right_of_the_line_under_it_lost_its_first_glyph():
    sheet = Sheet()
    for col, (x0, x1) in enumerate([(100, 500), (500, 900), (900, 1190)]):
        sheet.cell(0, col, (x0, 100, x1, 220))
    # the first glyph of a wrapped name was too faint for the page: its line starts a glyph in
    sheet.text(115 + ADVANCE, 120, "开展活动组织考察")
    sheet.text(115, 120 + LINE, "完成")
    # a centred name's short second line starts right of the first, as it should
    sheet.text(515, 120, "开展活动组织考察")
    sheet.text(515 + 3 * ADVANCE, 120 + LINE, "完成")
    # a paragraph's first line indented by two glyphs
    sheet.text(915 + 2 * ADVANCE, 120, "开展活动组织")
    sheet.text(915, 120 + LINE, "考察完成")
    page, grid = sheet.page()
    table = read_cells(page, grid, BlockEngine(), "cell_lines")
    cells = {c.cell.col: c for c in table.cells}
    assert cells[0].text == "开展活动组织考察完成"
    assert cells[0].tokens[0].char_confidences[0] <= 0.5
    assert cells[0].tokens[0].char_confidences[1:] == (0.9,) * 7
    assert cells[1].confidence == 0.9 and cells[2].confidence == 0.9


def test_a_cell_left_empty_by_a_glyph_tall_blob_taken_for_dust_is_read_in_doubt():
    """A light digit alone in its cell is seen only at its darkest strokes, a solid blob like
    toner: it is dropped as dust, and the empty reading is an even-odds one."""
    sheet = Sheet()
    sheet.cell(0, 0, (100, 100, 500, 200))
    sheet.text(120, 130, "产出指标")  # the page's line height: 28 px
    sheet.cell(0, 1, (500, 100, 700, 200))
    blob = np.zeros(sheet.gray.shape, bool)
    _disc(blob, 150, 600, 6)  # 13 px tall: the dark core of a light `8`
    sheet.gray[blob] = _value("8")
    sheet.cell(0, 2, (700, 100, 900, 200))
    dust = np.zeros(sheet.gray.shape, bool)
    _disc(dust, 150, 800, 2)  # dust
    sheet.gray[dust] = _value("8")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    cells = {(c.cell.row, c.cell.col): c for c in table.cells}
    assert cells[(0, 1)].text == "" and cells[(0, 1)].confidence == 0.5
    assert cells[(0, 2)].text == "" and cells[(0, 2)].confidence == 1.0
    assert cells[(0, 0)].text == "产出指标" and not cells[(0, 0)].unread_mark


def test_a_glyph_tall_blob_taken_for_dust_below_a_cells_text_puts_the_reading_in_doubt():
    """A photo's small print (lines 17 px at 200 DPI): a name's last glyph wrapped onto a line
    of its own and blurred into one solid blob is dropped as dust, the name read without it
    (`矛盾纠纷排查次` for 矛盾纠纷排查次数). A dust dot under a name doubts nothing."""
    sheet = Sheet()

    def small(x: int, y: int, text: str) -> None:
        for k, ch in enumerate(text):
            sheet.gray[y : y + 17, x + 17 * k : x + 17 * k + 14] = _value(ch)

    for col, (x0, x1) in enumerate(((100, 400), (400, 700), (700, 1000))):
        sheet.cell(0, col, (x0, 100, x1, 200))
        small(x0 + 20, 120, "完成任务")
    blob, dust = np.zeros(sheet.gray.shape, bool), np.zeros(sheet.gray.shape, bool)
    _disc(blob, 160, 130, 7)  # 15 px tall, a glyph's height on this page
    _disc(dust, 160, 430, 2)
    sheet.gray[blob | dust] = _value("数")
    page, grid = sheet.page()

    table = read_cells(page, grid, BlockEngine())

    cells = {c.cell.col: c for c in table.cells}
    assert [cells[c].text for c in range(3)] == ["完成任务"] * 3
    assert cells[0].unread_mark and cells[0].confidence == 0.5
    assert not cells[1].unread_mark and cells[1].confidence == 0.9
    assert not cells[2].unread_mark


def test_two_lines_set_close_are_never_merged_as_fragments_of_one():
    """On a page whose touching paragraph lines make the typical band two lines tall, a name
    wrapped onto a second close line (`办公设备购置` over `经费`) is still two lines; the thin
    rows the profile cuts from one line (the strokes of 二) are rejoined."""
    from ingest.ocr.assign import _Band, _merge_fragments

    lines = [_Band(368, 727, 529, 753), _Band(367, 756, 420, 782)]  # 26 px each, 3 px apart
    assert _merge_fragments(lines, line_height=44.0, dpi=200) == lines
    strokes = [_Band(368, 727, 529, 733), _Band(368, 740, 529, 753)]  # 二's bars over a line
    assert _merge_fragments(strokes, line_height=44.0, dpi=200) == [_Band(368, 727, 529, 753)]


def test_a_glyph_printed_as_light_as_the_rest_of_its_value_is_unseen_ink():
    """`≤5%` printed light on a heavy page: the page's threshold saw the digits (73 levels
    under the paper), not the sign (59). Ink within a few levels of what was seen is the same
    print; beside dark text, ink that light stays a photo's shading."""
    from ingest.ocr.assign import _FAINT_CONTRAST, _Band, _beyond

    paper = 255
    gray = np.full((60, 200), paper, dtype=np.uint8)
    gray[20:36, 40:60] = 196  # the sign, unseen
    gray[20:36, 62:100] = 182  # the digits, seen
    seen = [_Band(62, 20, 100, 36)]
    own = [_Band(40, 20, 100, 36)]
    assert _beyond(own, seen, 16.0, gray, paper - _FAINT_CONTRAST)
    gray[20:36, 62:100] = 30  # dark digits: the light stretch beside them is no glyph
    assert not _beyond(own, seen, 16.0, gray, paper - _FAINT_CONTRAST)
