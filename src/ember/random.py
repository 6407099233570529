"""Random number generation (filled in by the random family)."""
__all__ = []
