"""gyeoljae: Korean administrative documents → queryable Parquet tables."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gyeoljae")  # one source of truth: pyproject.toml
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
