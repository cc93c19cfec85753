"""The pure reading pipeline: bytes of a scan in, a checked document out.

Nothing here imports Celery, FastAPI or SQL; `workers/` and `api/` wrap it.
"""
