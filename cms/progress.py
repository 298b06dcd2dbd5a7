"""A progress bar on standard error for long management commands (index rebuild, regrouping)."""

import sys


def progress_bar(done: int, total: int, *, width: int = 30, stream=None) -> None:
    """Redraw ``[#####-----]  50.0%  5,000/10,000`` in place; the command writes a newline when done."""
    stream = stream or sys.stderr
    share = min(done / total, 1) if total else 1
    bar = "#" * int(share * width) + "-" * (width - int(share * width))
    stream.write(f"\r[{bar}] {share:6.1%}  {done:,}/{total:,}")
    stream.flush()
