"""Digital submissions read without OCR: PDFs with a usable text layer, XLSX and DOCX files.

Every page or file ends as the same artifacts the scan path makes (`CleanPage`, `PageTable`,
`Table`), so stitching, mapping, checks, flags and exports are shared.
"""
