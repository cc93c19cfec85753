"""Page cleaning: illumination, perspective, deskew and seal suppression (see `clean`)."""

from ingest.preprocess.clean import clean_page

__all__ = ["clean_page"]
