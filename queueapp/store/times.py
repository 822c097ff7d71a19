"""Times in the file: ISO 8601 text in UTC with milliseconds, so they sort as text."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(epoch: float | None) -> str | None:
    """Epoch seconds as the file writes them (``2026-11-23T10:42:07.123+00:00``)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


def epoch(text: str | None) -> float | None:
    """A time read from the file, as epoch seconds (None for NULL or empty)."""
    return None if not text else datetime.fromisoformat(text).timestamp()
