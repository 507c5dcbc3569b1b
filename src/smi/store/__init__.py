"""The store: the only package that talks to DuckDB."""

from smi.store.db import ImportWriter, Store

__all__ = ["ImportWriter", "Store"]
