"""Celery workers that run the reading pipeline per document and per page."""
