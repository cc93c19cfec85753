"""Whether a PDF page's text layer can be read instead of its pixels.

A layer is trusted only when it is what the page shows: printed text with Unicode maps. A page
with no characters is a scan; one whose characters are invisible (render mode 3, the layer a
scanner's OCR adds under its image) or that lies mostly under an image is a scan with someone
else's OCR on it, of unknown quality; one whose glyphs lack Unicode maps or decode to
private-use or replacement characters is garbled. All of those are OCR'd as before. A layer
that passes here is still checked against a quick OCR of a few of its lines
(`ingest.digital.verify`), which catches fonts whose maps are present but wrong.
"""

from enum import StrEnum

from ingest.digital.layer import LayerChar, LayerPage

# A page this much under one image is a scan, whatever text lies on it.
SCAN_IMAGE_SHARE = 0.5
# Fewer printed characters than this is no table's text (a page number, a stray label).
MIN_CHARS = 8
# Share of characters that may be doubtful before the layer counts as garbled.
GARBLED_SHARE = 0.02
INVISIBLE_SHARE = 0.5


class LayerVerdict(StrEnum):
    """Why a page is read from its layer, or why not."""

    USABLE = "text_layer"
    NO_TEXT = "no_text_layer"
    INVISIBLE = "invisible_text_layer"
    UNDER_IMAGE = "scanned_image"
    GARBLED = "garbled_text_layer"
    DISAGREES = "text_layer_disagrees_with_image"


def judge_layer(page: LayerPage) -> LayerVerdict:
    """The cheap checks, from the layer alone."""
    chars = [c for c in page.chars if not c.text.isspace()]
    if len(chars) < MIN_CHARS:
        return LayerVerdict.NO_TEXT
    if sum(not c.visible for c in chars) > INVISIBLE_SHARE * len(chars):
        return LayerVerdict.INVISIBLE
    if page.image_share >= SCAN_IMAGE_SHARE:
        return LayerVerdict.UNDER_IMAGE
    if sum(_doubtful(c) for c in chars) > GARBLED_SHARE * len(chars):
        return LayerVerdict.GARBLED
    return LayerVerdict.USABLE


def _doubtful(char: LayerChar) -> bool:
    code = ord(char.text)
    return (
        char.unmapped
        or 0xE000 <= code <= 0xF8FF  # private use
        or code >= 0xF0000  # supplementary private use planes
        or code == 0xFFFD  # the replacement character
        or (code < 0x20 and char.text not in "\t")
    )
