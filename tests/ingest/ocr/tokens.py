"""Recognised lines made by hand, for tests of what happens after recognition."""

from ingest.artifacts import OcrToken


def read_line(text: str, confidence: float = 0.99) -> OcrToken:
    """A line read with the same confidence for every character."""
    return OcrToken(
        text=text,
        bbox=(0, 0, 10, 10),
        confidence=confidence,
        char_confidences=tuple(confidence for _ in text),
    )
