"""A QR code drawn with text, so a guest can scan their page's link off the stand's
screen: two module rows per line with half blocks, dark modules on a light ground
(phones read dark-on-light; a light-on-dark code on a dark theme often fails)."""

from __future__ import annotations

import segno
from rich.text import Text

QUIET = 2  # modules of light border around the code (phones need some quiet zone)
STYLE = "#000000 on #ffffff"  # true colours: not the theme's nor the terminal's palette
# (top module dark, bottom module dark) -> the character that draws both
BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def modules(url: str, quiet: int = QUIET) -> list[list[bool]]:
    """The code's modules for ``url``, quiet zone included (True: dark)."""
    code = segno.make(url, error="l")
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=quiet)]


def qr_lines(url: str, quiet: int = QUIET) -> list[str]:
    """``url`` as lines of half blocks: each line draws two rows of modules."""
    grid = modules(url, quiet)
    if len(grid) % 2:
        grid.append([False] * len(grid[0]))  # the last line's lower half is light
    return ["".join(BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(grid[::2], grid[1::2], strict=True)]


def qr_text(url: str, quiet: int = QUIET) -> Text:
    """The code as one styled Text, ready for a Static."""
    return Text("\n".join(qr_lines(url, quiet)), style=STYLE, no_wrap=True)


def read_back(lines: list[str]) -> list[list[bool]]:
    """The modules a drawing shows (the inverse of :func:`qr_lines`): what a test compares
    with segno's own matrix."""
    grid: list[list[bool]] = []
    for line in lines:
        grid.append([ch in "█▀" for ch in line])
        grid.append([ch in "█▄" for ch in line])
    return grid


def size_of(url: str, quiet: int = QUIET) -> tuple[int, int]:
    """(columns, lines) the drawing takes."""
    lines = qr_lines(url, quiet)
    return len(lines[0]), len(lines)
