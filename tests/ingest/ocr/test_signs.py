"""≥ vs ≧ (≤ vs ≦) from the bars under the angle, in every corpus font and a few others."""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.artifacts import OcrToken, PageTable, SignEvidence
from ingest.ocr import signs
from ingest.ocr.signs import (
    DOUBTFUL_SIGN_CONFIDENCE,
    BarCount,
    SignGlyph,
    doubt_signs,
    read_glyph,
    settle_document_signs,
    settle_signs,
)
from ingest.synth.fonts import BODY_FACES, FACES
from tests.ingest.ocr.tokens import read_line

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def count_bars(gray: np.ndarray, x: float) -> BarCount | None:
    return read_glyph(gray, x).counted


Line = tuple[OcrToken, np.ndarray, list[float]]


def settle_pages(*pages: list[Line]) -> list[list[OcrToken]]:
    """Each page's lines settled together, then the pages as one document."""
    tables = [
        PageTable(page=k, width=1, height=1, grid=None, outside=tuple(settle_signs(lines)))
        for k, lines in enumerate(pages)
    ]
    return [list(table.outside) for table in settle_document_signs(tables)]


def settle_page(lines: list[Line]) -> list[OcrToken]:
    """The lines of a document's only page settled."""
    return settle_pages(lines)[0]


def settle_line(token: OcrToken, crop: np.ndarray, char_x: list[float]) -> OcrToken:
    """One line settled on its own, as the only line of its document."""
    return settle_page([(token, crop, char_x)])[0]


def _line(text: str, font: ImageFont.FreeTypeFont, px: int) -> tuple[np.ndarray, float]:
    """A rendered line and the column at the middle of its first character."""
    width = round(font.getlength(text)) + px
    image = Image.new("L", (width, round(px * 1.8)), 255)
    ImageDraw.Draw(image).text((px // 2, px // 4), text, 0, font)
    return np.asarray(image).copy(), px // 2 + font.getlength(text[0]) / 2


def _scanned(image: np.ndarray, seed: int = 0) -> np.ndarray:
    noisy = cv2.GaussianBlur(image.astype(np.float32), (3, 3), 0.8) * 0.9 + 20
    noisy += np.random.default_rng(seed).normal(0, 10, image.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _fonts() -> list[tuple[str, ImageFont.FreeTypeFont]]:
    fonts = [(name, FACES[name]) for name in BODY_FACES]
    loaded = [(n, ImageFont.truetype(f.path, 29, index=f.index)) for n, f in fonts]
    return [*loaded, ("DejaVu Sans", ImageFont.truetype(DEJAVU, 29))]


SIGNS = [("≥", 1), ("≧", 2), ("≤", 1), ("≦", 2)]


@pytest.mark.parametrize("px", [22, 29, 40])
@pytest.mark.parametrize(("sign", "bars"), SIGNS)
def test_bars_are_counted_in_every_font(sign: str, bars: int, px: int):
    for name, font in _fonts():
        image, x = _line(sign + "95%", font.font_variant(size=px), px)
        assert count_bars(image, x) == BarCount(bars, sure=True), name


@pytest.mark.parametrize("px", [22, 29])
@pytest.mark.parametrize(("sign", "bars"), SIGNS)
def test_scanned_signs_are_counted_or_left_undecided_never_misjudged(sign: str, bars: int, px: int):
    """Body text at 200 DPI (29 px) is decided; smaller, blurred glyphs may stay undecided."""
    for name, font in _fonts():
        image, x = _line(sign + "95%", font.font_variant(size=px), px)
        for seed in range(3):
            counted = count_bars(_scanned(image, seed), x)
            if px >= 29:
                assert counted == BarCount(bars, sure=True), (name, seed)
            else:
                assert counted is None or counted.bars == bars, (name, seed)


def test_a_sign_after_other_text_is_found_by_its_column():
    font = _fonts()[0][1]
    image, _ = _line("满意度≧90%", font, 29)
    x = 29 // 2 + font.getlength("满意度") + font.getlength("≧") / 2
    assert count_bars(image, x) == BarCount(2, sure=True)


def test_an_unreadable_glyph_is_not_decided():
    faint = np.full((50, 120), 200, np.uint8)
    faint[20:30, 10:30] = 190  # too little contrast to count strokes on
    assert count_bars(faint, 20) is None
    assert count_bars(np.full((50, 120), 255, np.uint8), 20) is None


def test_settle_signs_corrects_the_reading_and_keeps_its_confidence():
    font = _fonts()[2][1]
    image, x = _line("≧95%", font, 29)
    settled = settle_line(read_line("≥95%"), image, [x, x + 15, x + 30, x + 45])
    assert settled.text == "≧95%"
    assert settled.char_confidences == (0.99,) * 4

    image, x = _line("≤5次", font, 29)
    assert settle_line(read_line("≦5次"), image, [x, x + 15, x + 30]).text == "≤5次"


def test_a_sign_that_cannot_be_settled_becomes_doubtful():
    blank = np.full((50, 120), 255, np.uint8)
    settled = settle_line(read_line("≥95%"), blank, [20.0, 35.0, 50.0, 65.0])
    assert settled.text == "≥95%"
    assert settled.char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
    assert settled.char_confidences[1:] == (0.99,) * 3


def test_lines_without_signs_or_without_positions():
    plain = read_line("100%")
    assert settle_line(plain, np.zeros((5, 5), np.uint8), []) is plain
    doubted = settle_line(read_line("≧95%"), np.zeros((5, 5), np.uint8), [])
    assert doubted.confidence == DOUBTFUL_SIGN_CONFIDENCE
    line_only = OcrToken(text="≥95%", bbox=(0, 0, 1, 1), confidence=0.97)  # no per-character
    assert doubt_signs(line_only).confidence == DOUBTFUL_SIGN_CONFIDENCE
    assert doubt_signs(line_only).char_confidences == ()


def test_a_likely_but_unsure_count_sets_the_sign_and_leaves_it_doubtful(monkeypatch):
    monkeypatch.setattr(signs, "read_glyph", lambda gray, x: SignGlyph(BarCount(2, False), None))
    settled = settle_line(read_line("≥95%"), np.zeros((40, 80), np.uint8), [10.0, 25, 40, 55])
    assert settled.text == "≧95%"
    assert settled.char_confidences == (DOUBTFUL_SIGN_CONFIDENCE, 0.99, 0.99, 0.99)


@pytest.mark.parametrize("sigma", [1.0, 1.3, 1.6])
def test_a_small_photographed_double_bar_is_never_a_sure_single_bar(sigma: float):
    """A phone photo blurs the two bars of a small ≧ into one; where only one bar shows, the
    count must not be trusted."""
    for name, font in _fonts():
        image, x = _line("≧95%", font.font_variant(size=20), 20)
        blurred = cv2.GaussianBlur(image.astype(np.float32), (0, 0), sigma)
        counted = count_bars(np.clip(blurred, 0, 255).astype(np.uint8), x)
        assert counted is None or counted.bars == 2 or not counted.sure, (name, counted)


def _drawn_sign(slanted_bar: bool) -> np.ndarray:
    """A ≥ drawn stroke by stroke: its bar level, or slanted beside its lower arm as in most
    CJK fonts."""
    image = np.full((44, 90), 255, np.uint8)
    cv2.polylines(image, [np.array([(10, 8), (30, 16), (10, 24)])], False, 0, 2, cv2.LINE_AA)
    if slanted_bar:
        cv2.line(image, (30, 24), (10, 32), 0, 2, cv2.LINE_AA)
    else:
        cv2.line(image, (10, 33), (30, 33), 0, 2, cv2.LINE_AA)
    return image


def test_a_speck_beside_a_slanted_bar_is_not_a_sure_second_bar():
    image = _drawn_sign(slanted_bar=True)
    assert count_bars(image, 20.0) == BarCount(1, sure=True)
    cv2.line(image, (12, 26), (19, 26), 0, 1, cv2.LINE_AA)  # a speck between arm and bar
    assert count_bars(image, 20.0) == BarCount(1, sure=False)


def test_a_sign_joined_to_its_neighbour_by_a_blot_is_counted_alone_and_not_trusted():
    image = _drawn_sign(slanted_bar=False)
    assert count_bars(image, 20.0) == BarCount(1, sure=True)
    cv2.ellipse(image, (39, 13), (5, 5), 0, 0, 360, 0, 2, cv2.LINE_AA)  # an 8 close by
    cv2.ellipse(image, (39, 26), (6, 7), 0, 0, 360, 0, 2, cv2.LINE_AA)
    cv2.circle(image, (34, 3), 3, 0, -1, cv2.LINE_AA)  # a blot over the gap
    assert count_bars(image, 20.0) == BarCount(1, sure=False)


def test_two_bars_blurred_into_one_thick_bar_are_not_a_sure_single_bar():
    image = np.full((44, 90), 255, np.uint8)
    cv2.polylines(image, [np.array([(10, 8), (30, 16), (10, 24)])], False, 0, 2, cv2.LINE_AA)
    image[29:34, 10:31] = 0  # two bars a pixel apart, run together
    blurred = np.clip(cv2.GaussianBlur(image.astype(np.float32), (0, 0), 0.7), 0, 255)
    assert count_bars(blurred.astype(np.uint8), 20.0) != BarCount(1, sure=True)


def _photographed(image: np.ndarray, seed: int) -> np.ndarray:
    """A phone photo of a print: shrunk, dimmer, blurred, noisy and JPEG-compressed."""
    rng = np.random.default_rng(seed)
    shrunk = cv2.resize(image.astype(np.float32), None, fx=0.8, fy=0.8)
    dim = cv2.GaussianBlur(shrunk * 0.7 + 10, (0, 0), rng.uniform(0.9, 1.2))
    noisy = np.clip(dim + rng.normal(0, 3, dim.shape), 0, 255).astype(np.uint8)
    return cv2.imdecode(cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 70])[1], 0)


@pytest.mark.parametrize("px", [22, 25, 29])
@pytest.mark.parametrize(("sign", "bars"), SIGNS)
def test_photographed_signs_are_never_misjudged_for_sure(sign: str, bars: int, px: int):
    """A photo shrinks and blurs a ≧ until its bars run together (or the upper bar into the lower
    arm); the ink of the one stroke left shows it is not a single bar."""
    for name, font in _fonts():
        image, x = _line(sign + "91人", font.font_variant(size=px), px)
        for seed in range(4):
            counted = count_bars(_photographed(image, seed), x * 0.8)
            assert counted is None or counted.bars == bars or not counted.sure, (name, seed)


def test_a_speck_under_the_bar_is_not_a_sure_second_bar():
    """A speck on a heavy print, a few pixels under the bar of ≤, crosses like a second bar in
    the columns it covers, but does not span the glyph as a bar does."""
    for name, font in _fonts():
        image, x = _line("≤95%", font.font_variant(size=26), 26)
        rows, cols = np.nonzero(image[:, : round(2 * x)] < 128)
        for cx in range(cols.min(), cols.max() + 1):
            specked = image.copy()
            cv2.circle(specked, (int(cx), int(rows.max()) + 2), 1, 40, -1)
            counted = count_bars(specked, x)
            assert counted is None or counted.bars == 1 or not counted.sure, (name, cx)


@pytest.mark.parametrize("slanted_bar", [False, True])
def test_an_angle_read_for_a_sign_gets_its_bar_back_or_is_doubted(slanted_bar: bool):
    """The form prints no >: one read where a ≥ stands is settled from the glyph."""
    image = _drawn_sign(slanted_bar)
    settled = settle_line(read_line(">9"), image, [20.0, 40.0])
    assert settled.text == "≥9" or settled.char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
    blurred = cv2.GaussianBlur(image, (0, 0), 1.5)  # bar and lower arm run together
    settled = settle_line(read_line(">9"), blurred, [20.0, 40.0])
    assert settled.text == "≥9" or settled.char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE


def test_a_bare_angle_is_doubted():
    image = np.full((44, 90), 255, np.uint8)
    cv2.polylines(image, [np.array([(10, 8), (30, 16), (10, 24)])], False, 0, 2, cv2.LINE_AA)
    settled = settle_line(read_line(">9"), image, [20.0, 40.0])
    assert settled.text == ">9"
    assert settled.char_confidences == (DOUBTFUL_SIGN_CONFIDENCE, 0.99)
    without_positions = settle_line(read_line(">9"), image, [])
    assert without_positions.confidence == DOUBTFUL_SIGN_CONFIDENCE


@pytest.mark.parametrize(
    ("font_name", "sign", "counted"),
    [
        ("AR PL UMing CN", "≥", BarCount(1, sure=True)),
        ("AR PL UMing CN", "≤", BarCount(1, sure=True)),
        ("AR PL UMing CN", "≧", BarCount(2, sure=False)),
        ("AR PL UMing CN", "≦", BarCount(2, sure=False)),
        ("WenQuanYi Zen Hei", "≦", BarCount(2, sure=False)),
    ],
)
def test_photographed_strokes_run_together_are_weighed(
    font_name: str, sign: str, counted: BarCount
):
    """On a photo the bar of ≥ runs into its lower arm and the bars of ≧ into each other (or the
    upper bar into the arm), so the strokes cannot be counted, or one bar too few is; the ink
    under the upper arm, two arms' worth under ≥ and three under ≧, still tells them apart, and
    a lowest edge slanted as a CJK ≥ bar is makes one bar sure."""
    font = dict(_fonts())[font_name].font_variant(size=25)
    image, x = _line(sign + "91人", font, 25)
    for seed in range(3):
        assert count_bars(_photographed(image, seed), x * 0.8) == counted, seed


def test_a_glyph_too_small_to_weigh_is_not_given_a_second_bar():
    """A photographed sign a dozen rows high has a row or two per stroke: its ink is not
    weighed (it would measure three arms' worth under a ≥)."""
    for name, font in _fonts():
        for sign in "≥≤":
            image, x = _line(sign + "91人", font.font_variant(size=16), 16)
            for seed in range(4):
                counted = count_bars(_photographed(image, seed), x * 0.8)
                assert counted is None or counted.bars == 1, (name, sign, seed)


def _heavy(image: np.ndarray, seed: int) -> np.ndarray:
    """A heavy print: faded toner, blur, strong noise, JPEG-compressed."""
    rng = np.random.default_rng(seed)
    faded = 255 - (255 - image.astype(np.float32)) * rng.uniform(0.55, 1.0)
    blurred = cv2.GaussianBlur(faded, (0, 0), rng.uniform(0.45, 1.0))
    noisy = np.clip(blurred + rng.normal(0, rng.uniform(4, 7), image.shape), 0, 255)
    return cv2.imdecode(
        cv2.imencode(".jpg", noisy.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 60])[1], 0
    )


@pytest.mark.parametrize("px", [18, 20, 22])
@pytest.mark.parametrize(("sign", "bars"), SIGNS)
def test_heavy_prints_are_never_misjudged_for_sure(sign: str, bars: int, px: int):
    """Body text of a 150 DPI heavy print: faded, blurred and noisy glyphs are weighed where
    their strokes cannot be counted, and a sure count is always the right one."""
    for name, font in _fonts():
        image, x = _line(sign + "91人", font.font_variant(size=px), px)
        for seed in range(3):
            counted = count_bars(_heavy(image, seed), x)
            assert counted is None or counted.bars == bars or not counted.sure, (name, seed)


def _photographed_line(text: str, font_name: str, seed: int) -> tuple[OcrToken, np.ndarray, list]:
    """A token read as `text` with ≧ taken for ≥ (as the recogniser does), its photographed
    crop and each character's column."""
    font = dict(_fonts())[font_name].font_variant(size=25)
    image, _ = _line(text, font, 25)
    columns = [
        0.8 * (25 // 2 + font.getlength(text[:i]) + font.getlength(text[i]) / 2)
        for i in range(len(text))
    ]
    return read_line(text.replace("≧", "≥")), _photographed(image, seed), columns


def test_a_page_whose_single_bars_slant_makes_a_level_double_bar_sure():
    """One page is one font: where its sure ≥ bars slant (AR PL UMing), a blurred sign leaning
    to two bars whose lowest edge lies level is a ≧; read alone it stays in doubt."""
    for seed in range(3):
        single, double = (
            _photographed_line("≥91人", "AR PL UMing CN", seed),
            _photographed_line("≧91人", "AR PL UMing CN", seed),
        )
        alone = settle_line(*double)
        assert alone.text == "≧91人" and alone.char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
        page = settle_page([single, double])
        assert [t.text for t in page] == ["≥91人", "≧91人"]
        assert page[0].char_confidences[0] == page[1].char_confidences[0] == 0.99


def test_a_page_with_a_level_single_bar_leaves_a_double_bar_in_doubt():
    """A sure ≥ with a level bar (DejaVu) on the page means not all its ≥ slant: a level edge
    is no longer a ≧ for sure."""
    image, x = _line("≥91人", ImageFont.truetype(DEJAVU, 29), 29)
    level = (read_line("≥91人"), image, [x, x + 15.0, x + 30.0, x + 45.0])
    for seed in range(3):
        single = _photographed_line("≥91人", "AR PL UMing CN", seed)
        double = _photographed_line("≧91人", "AR PL UMing CN", seed)
        page = settle_page([single, level, double])
        assert page[1].char_confidences[0] == 0.99
        assert page[2].char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE, seed


def _heavy_line(text: str, font_name: str, seed: int) -> tuple[OcrToken, np.ndarray, list]:
    """A token read as `text` with ≧ taken for ≥, its crop printed heavy at 22 px, and each
    character's column."""
    font = dict(_fonts())[font_name].font_variant(size=22)
    image, _ = _line(text, font, 22)
    columns = [
        22 // 2 + font.getlength(text[:i]) + font.getlength(text[i]) / 2 for i in range(len(text))
    ]
    return read_line(text.replace("≧", "≥")), _heavy(image, seed), columns


def test_a_double_bar_narrower_than_its_pages_single_bars_is_sure():
    """WenQuanYi Zen Hei draws ≧ about 0.6 times as wide as ≥: a sign leaning to two bars, by
    its strokes and its ink, that narrow beside the page's sure ≥ is not one; alone, or beside
    ≥ of a font that draws both signs narrow (WenQuanYi Micro Hei), it stays in doubt."""
    double = _heavy_line("≧91人", "WenQuanYi Zen Hei", 1)
    alone = settle_line(*double)
    assert alone.text == "≧91人" and alone.char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
    wide = _heavy_line("≥91人", "WenQuanYi Zen Hei", 1)
    page = settle_page([wide, double])
    assert [t.text for t in page] == ["≥91人", "≧91人"]
    assert page[0].char_confidences[0] == page[1].char_confidences[0] == 0.99
    narrow = _heavy_line("≥91人", "WenQuanYi Micro Hei", 0)
    micro = _heavy_line("≧91人", "WenQuanYi Micro Hei", 1)
    page = settle_page([narrow, micro])
    assert page[0].char_confidences[0] == 0.99
    assert page[1].text == "≧91人" and page[1].char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE


def test_a_page_without_sure_single_bars_is_settled_by_the_documents_other_pages():
    """A page whose only signs lean to two bars holds no sure ≥ to measure them against; another
    page of the same print does, and vouches for them as the page's own would (a narrow ≧ of
    WenQuanYi Zen Hei, a level one beside the slanted ≥ of AR PL UMing)."""
    double, wide = (
        _heavy_line("≧91人", "WenQuanYi Zen Hei", 1),
        _heavy_line("≥91人", "WenQuanYi Zen Hei", 1),
    )
    assert settle_line(*double).char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
    first, second = settle_pages([double], [wide])
    assert [first[0].text, second[0].text] == ["≧91人", "≥91人"]
    assert first[0].char_confidences[0] == second[0].char_confidences[0] == 0.99
    for seed in range(3):
        double = _photographed_line("≧91人", "AR PL UMing CN", seed)
        single = _photographed_line("≥91人", "AR PL UMing CN", seed)
        first, second = settle_pages([double], [single])
        assert first[0].text == "≧91人" and first[0].char_confidences[0] == 0.99, seed


def test_a_document_page_that_does_not_vouch_leaves_the_sign_in_doubt():
    """The other pages vouch only as a page does: a sure level ≥ anywhere in the document (not
    all its ≥ slant), or ≥ as narrow as the sign (WenQuanYi Micro Hei draws both narrow), leave
    a sign leaning to two bars in doubt."""
    image, x = _line("≥91人", ImageFont.truetype(DEJAVU, 29), 29)
    level = (read_line("≥91人"), image, [x, x + 15.0, x + 30.0, x + 45.0])
    for seed in range(3):
        double = _photographed_line("≧91人", "AR PL UMing CN", seed)
        single = _photographed_line("≥91人", "AR PL UMing CN", seed)
        pages = settle_pages([double], [single], [level])
        assert pages[0][0].char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE, seed
    narrow, micro = (
        _heavy_line("≥91人", "WenQuanYi Micro Hei", 0),
        _heavy_line("≧91人", "WenQuanYi Micro Hei", 1),
    )
    first, second = settle_pages([micro], [narrow])
    assert first[0].text == "≧91人" and first[0].char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
    assert second[0].char_confidences[0] == 0.99


def test_a_pending_sign_whose_token_changed_since_is_doubted():
    """The evidence follows a token's signs in order: a character trimmed beside the sign keeps
    it settled; a sign trimmed since (its doubt with it) leaves the whole line in doubt."""
    double, wide = (
        _heavy_line("≧91人", "WenQuanYi Zen Hei", 1),
        _heavy_line("≥91人", "WenQuanYi Zen Hei", 1),
    )
    (pending,), (single,) = (settle_signs([double]), settle_signs([wide]))
    assert pending.char_confidences[0] == 0.99 and pending.signs[0].pending

    def document(token: OcrToken) -> OcrToken:
        pages = [
            PageTable(page=k, width=1, height=1, grid=None, outside=(t,))
            for k, t in enumerate((token, single))
        ]
        return settle_document_signs(pages)[0].outside[0]

    trimmed = pending.model_copy(update={"text": "≧91", "char_confidences": (0.99,) * 3})
    assert document(trimmed).char_confidences == (0.99,) * 3
    lost = pending.model_copy(update={"text": "91人", "char_confidences": (0.99,) * 3})
    assert document(lost).char_confidences == (DOUBTFUL_SIGN_CONFIDENCE,) * 3


def _pending(text: str, *glyphs: SignEvidence) -> OcrToken:
    """A token as `settle_signs` leaves it, its signs' evidence `glyphs`."""
    return read_line(text).model_copy(update={"signs": glyphs})


def _settled_document(*tokens: OcrToken) -> list[OcrToken]:
    tables = [PageTable(page=0, width=1, height=1, grid=None, outside=tokens)]
    return list(settle_document_signs(tables)[0].outside)


def test_glyphs_split_by_width_as_by_bars_are_sure():
    """Blurred glyphs of a font drawing ≧ far narrower than ≥ (WenQuanYi Zen Hei on photos and
    heavy prints, 0.55 to 0.6 against 0.9 to 1.0): every one leaning to one bar far wider than
    every one leaning to two, the counts agree with the widths and are sure, though none was
    on its own. One ≧ taken for one bar is as narrow as the others and breaks the split."""
    single = SignEvidence(bars=1, aspect=0.94, lowest_rise=0.0, pending=True)
    double = SignEvidence(bars=2, aspect=0.57, lowest_rise=0.0, pending=True)
    split = _settled_document(_pending("≥8场", single), _pending("≧90%", double))
    assert [t.char_confidences[0] for t in split] == [0.99, 0.99]
    assert all(t.signs[0].sure and not t.signs[0].pending for t in split)
    narrow_single = single.model_copy(update={"aspect": 0.6})
    broken = _settled_document(
        _pending("≥8场", single), _pending("≧90%", double), _pending("≥95%", narrow_single)
    )
    assert [t.char_confidences[0] for t in broken] == [DOUBTFUL_SIGN_CONFIDENCE] * 3


def test_a_glyph_narrowed_from_its_neighbours_ink_is_never_vouched_for():
    """A joined glyph's width and lowest edge are partly its neighbour's: a ≤ joined to its 5
    and counted as two level bars is no ≧ because the page's other ≥ slant, nor because it is
    wider than the page's glyphs leaning to two bars."""
    slanted = SignEvidence(bars=1, sure=True, aspect=0.8, lowest_rise=0.5)
    joined = SignEvidence(bars=2, aspect=1.2, lowest_rise=0.0, joined=True, pending=True)
    settled = _settled_document(_pending("≥90%", slanted), _pending("≦5%", joined))
    assert settled[1].char_confidences[0] == DOUBTFUL_SIGN_CONFIDENCE
    assert settled[0].char_confidences[0] == 0.99


def test_a_sure_sign_is_never_misjudged_on_any_document_of_one_or_two_fonts():
    """Every degraded sign glyph vouched for by the other signs of its document (one font, or
    two fonts mixed) is the printed one."""
    fonts = _fonts()
    texts = ["≥91人", "≧91人", "≤5%", "≦5%"]

    def page(font: ImageFont.FreeTypeFont, px: int, seed: int) -> list[Line]:
        lines = []
        for text in texts:
            image, x = _line(text, font.font_variant(size=px), px)
            read = read_line(text.replace("≧", "≥").replace("≦", "≤"))
            lines.append((read, _photographed(image, seed), [0.8 * x] + [0.0] * (len(text) - 1)))
        return lines

    for px, seed in [(22, 1), (22, 2), (25, 0)]:
        pages = {name: page(font, px, seed) for name, font in fonts}
        for first, second in [(a, b) for a in pages for b in pages]:
            lines = pages[first] if first == second else pages[first][:2] + pages[second][2:]
            for token, text in zip(settle_page(lines), texts * 2, strict=False):
                if token.char_confidences[0] > DOUBTFUL_SIGN_CONFIDENCE:
                    assert token.text[0] == text[0], (first, second, px, seed, text)
