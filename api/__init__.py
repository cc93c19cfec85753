"""The HTTP API: upload, follow, correct and export documents."""
