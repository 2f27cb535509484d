"""What every command prints: aligned tables, progress bars, the language, a quiet pipe.

The API other command modules use:

- :func:`default_lang` — ``zh`` or ``en`` from the locale (``LC_ALL``, ``LC_MESSAGES``,
  ``LANG``); commands take ``--lang`` to choose.
- :func:`table` — rows of cells as aligned columns (the first left, the rest right),
  measured in terminal cells so Chinese text lines up; metric names and formats come
  from :mod:`sim.report.labels`.
- :func:`progress` — a context manager giving a ``callback(done, total)`` that draws a
  bar with the time left on standard error when it is a terminal, and nothing in a pipe
  or a file (rich, which also measures the table cells).
- :func:`working` — a spinner with the time elapsed, for work that reports no steps (the
  agents-only commands); also only on a terminal.
- :func:`quiet_pipe` — run a command so that a reader closing the pipe early
  (``hpfsim … | head``) ends it quietly instead of with a ``BrokenPipeError``.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

LANGS = ("zh", "en")


def default_lang() -> str:
    """``zh`` when the locale is Chinese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def significant(x: float) -> str:
    """A number for a table: thousands separators from 1,000 up, three significant digits
    below, never scientific notation (under 0.000001 is 0; not a number is a dash)."""
    if x != x:
        return "–"
    if abs(x) < 5e-7:
        return "0"
    if abs(x) >= 999.5:
        return f"{x:,.0f}"
    x = round(x, 2 - math.floor(math.log10(abs(x))))  # 3 digits; decimals as the rounded needs
    return f"{x:.{min(6, max(0, 2 - math.floor(math.log10(abs(x)))))}f}"


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    gap: int = 3,
    align: str = "",
    header_width: int = 12,
    width: int = 130,
) -> str:
    """Columns aligned by terminal width: ``align`` gives ``l`` or ``r`` per column
    (default: the first column left, the others right). In a table wider than ``width``
    cells, a header wider than its column's cells and ``header_width`` is wrapped over
    several lines, so that a table of long names stays a terminal's width."""
    cols = len(header)
    align = align or "l" + "r" * (cols - 1)
    cells = [max((_width(str(r[c])) for r in rows), default=0) for c in range(cols)]
    whole = sum(max(_width(str(h)), w) for h, w in zip(header, cells, strict=True))
    if whole + gap * (cols - 1) <= width:
        header_width = max(map(_width, map(str, header)), default=0)  # fits: one line
    heads = [_wrap(str(h), max(header_width, w)) for h, w in zip(header, cells, strict=True)]
    widths = [max([w, *map(_width, h)]) for h, w in zip(heads, cells, strict=True)]
    depth = max(map(len, heads), default=1)
    head_lines = [[""] * (depth - len(h)) + h for h in heads]  # bottom-aligned

    def line(cells) -> str:
        out = []
        for c, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (w - _width(str(cell)))
            out.append(f"{cell}{pad}" if align[c] == "l" else f"{pad}{cell}")
        return (" " * gap).join(out).rstrip()

    rule = "-" * (sum(widths) + gap * (cols - 1))
    head = [line([h[k] for h in head_lines]) for k in range(depth)]
    return "\n".join([*head, rule, *(line(r) for r in rows)])


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken at spaces (a word longer
    than a line stays whole); Chinese only before a bracket."""
    if _width(text) <= width:
        return [text]
    if any(ord(ch) >= 0x2E80 for ch in text):  # Chinese: only a part in brackets moves
        k = text.find("（", 1)
        return [text] if k < 0 else [text[:k], *_wrap(text[k:], width)]
    lines, current = [], ""
    for unit in text.split(" "):
        candidate = f"{current} {unit}" if current else unit
        if current and _width(candidate) > width:
            lines.append(current)
            current = unit
        else:
            current = candidate
    return [*lines, current]


@contextmanager
def progress(
    description: str, *, stream=None, force: bool | None = None
) -> Iterator[Callable[[int, int], None]]:
    """A ``callback(done, total)`` drawing a progress bar with the time left.

    Drawn on ``stream`` (standard error) only when it is a terminal, unless ``force``.
    """
    stream = stream or sys.stderr
    shown = force if force is not None else stream.isatty()
    if not shown:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(file=stream, force_terminal=True),
        transient=False,
    )
    task = None
    with bar:

        def update(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task(description, total=total)
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def working(description: str, *, stream=None) -> Iterator[None]:
    """A spinner with the time elapsed, on a terminal only, for work that reports no steps."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(description),
        TimeElapsedColumn(),
        console=Console(file=stream, force_terminal=True),
        transient=True,
    ) as bar:
        bar.add_task(description, total=None)
        yield


def quiet_pipe(run: Callable[[], int]) -> int:
    """``run()``; if the reader of standard output goes away, stop quietly."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # the shell's status for a process ended by SIGPIPE
