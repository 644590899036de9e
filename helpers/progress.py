"""A tiny text progress bar, redrawn in place with a carriage return; no dependencies."""
import sys


class Progress:
    """Show ``desc  45% |#########           | 12.3/27.0 MB`` on one line of ``file``.

    total: the amount expected, in the caller's units (bytes here), or None if unknown.
    unit, scale: how amounts are shown (bytes / 1e6 as "MB"; scale=1 shows integers).
    file: where to draw (default: sys.stderr at the time of the call); enabled=False
    draws nothing. Call update(n) after each n units of work, and close() once.
    """

    def __init__(self, total, desc="", file=None, enabled=True, unit="MB", scale=1e6, width=20):
        self.total, self.desc, self.file, self.enabled = total, desc, file, enabled
        self.unit, self.scale, self.width = unit, scale, width
        self.done, self._last = 0, None

    def update(self, n):
        """Add n units of work and redraw the bar if what it shows has changed."""
        self.done += n
        if not self.enabled:
            return
        fmt = ".0f" if self.scale == 1 else ".1f"
        amount = f"{self.done / self.scale:{fmt}}"
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * self.width)
            amount = f"{frac:4.0%} |{bar:<{self.width}}| {amount}/{self.total / self.scale:{fmt}}"
        line = f"\r{self.desc}  {amount} {self.unit}"
        if line != self._last:
            self._last = line
            print(line, end="", file=self.file or sys.stderr, flush=True)

    def close(self):
        """End the bar's line (once); later calls do nothing."""
        if self.enabled and self._last is not None:
            (self.file or sys.stderr).write("\n")
        self.enabled = False
