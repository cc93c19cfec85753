"""One settings object for every process, read from `JIXIAO_*` environment variables.

`REDIS_URL` and `DATABASE_URL` are read without the prefix because that is how hosting
platforms and docker compose hand them over.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIXIAO_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "JIXIAO_DATABASE_URL")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "JIXIAO_REDIS_URL")
    )

    # Input limits: every one is enforced before heavy work starts.
    max_upload_bytes: int = 100 * 1024 * 1024
    max_pages: int = 50
    max_image_pixels: int = 60_000_000  # per page rendered, and per page's images decoded
    raster_dpi: int = 200
    # Address space of each child that parses or renders a PDF (PDFium, pdftoppm): a page of
    # `max_image_pixels` renders in about 250 MiB.
    raster_memory_bytes: int = 1 << 30

    # OCR
    ocr_engine: str = "rapidocr"
    ocr_threads: int = 0  # 0: every core this process may run on
    # Line crops are resized to the recogniser's height and then to this share of their width:
    # its cost grows with the columns it sees. 0.85 read heavy pages worse (README, Speed).
    ocr_width_factor: float = Field(default=1.0, gt=0.5, le=1.0)
    paddle_model_dir: Path | None = None

    # Trust
    residual_error_target: float = 0.005
    # Acceptance is a reviewer's act; with this on, a document read with no flag at all (no
    # field, no document flag) is accepted on arrival, recorded as done by this policy.
    auto_accept_unflagged: bool = False

    # Reliability: how much work may wait, and how long one task may run (seconds; the hard
    # limit kills the task's process `time_limit_grace_s` after the soft one asked it to stop).
    max_queue_depth: int = 200
    # Uploads are refused (507) while the data folder's disk has less than this free beyond
    # the upload itself: page images, the queue and the database need room to finish the work.
    min_free_bytes: int = 1 << 30
    page_time_limit_s: float = 300
    document_time_limit_s: float = 300
    time_limit_grace_s: float = 60

    # Supervision of `jixiao serve`'s worker: a dead or stuck one is restarted after a delay
    # that doubles while restarts keep failing; stuck means silent (or idle while documents
    # wait) this long; on shutdown it may finish its task for `shutdown_grace_s`.
    worker_restart_delay_s: float = 2
    worker_stuck_after_s: float = 120
    worker_start_timeout_s: float = 180
    shutdown_grace_s: float = 10

    # Access: tokens are required unless `open_access` (only `jixiao serve` in embedded mode on
    # a loopback address turns it on); browsers from other origins are refused unless listed.
    open_access: bool = False
    cors_origins: list[str] = Field(default_factory=list)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'jixiao.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
