"""Batch loading: batch functions over SQL and the per-request DataLoaders that call them."""

from loaders.registry import Loaders
from loaders.windows import ChildKey

__all__ = ["ChildKey", "Loaders"]
