"""Indexing ops (filled in by the indexing family)."""
__all__ = []
