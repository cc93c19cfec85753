"""jixiao: scanned budget-performance target tables in, checked structured data out."""

__version__ = "0.1.0"
