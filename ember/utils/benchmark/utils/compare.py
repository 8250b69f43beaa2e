"""``Compare``: arrange many Measurements into tables (torch.utils.benchmark.Compare's layout).

One table per ``label``; rows are ``sub_label`` (or the statement), grouped by thread count
(and ``env`` when several are present); columns are ``description``. Cells show the median in
one unit chosen per table.
"""
import collections
import enum
import math

from . import common

__all__ = ["Colorize", "Compare"]

BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    """How ``Compare`` colours cells: not at all, per column or per row.

    Args:
        value (str): ``"none"``, ``"columnwise"`` or ``"rowwise"``.

    Example::

        >>> from ember.utils.benchmark import Colorize
        >>> Colorize.ROWWISE.value
        'rowwise'
    """
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _color(segment, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + segment + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + segment + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + segment + TERMINATE * 2
    if value >= best * 2:
        return BAD + segment + TERMINATE * 2
    return segment


class _Table:
    """One label's measurements laid out as rows x columns."""

    def __init__(self, results, colorize, trim, highlight):
        if len({r.label for r in results}) != 1:
            raise AssertionError("All results must share the same label")
        self.results = results
        self.colorize = colorize
        self.trim = trim
        self.highlight = highlight
        self.label = results[0].label
        self.unit, self.scale = common.select_unit(min(r.median for r in results))
        row_keys = common.ordered_unique((r.num_threads, r.env, r.as_row_name) for r in results)
        row_keys.sort(key=lambda k: k[:2])  # stable: keeps statement order within a group
        self.row_keys = row_keys
        self.col_keys = common.ordered_unique(r.description for r in results)
        ri = {k: i for i, k in enumerate(row_keys)}
        ci = {k: i for i, k in enumerate(self.col_keys)}
        self.grid = [[None] * len(self.col_keys) for _ in row_keys]
        for r in results:
            self.grid[ri[(r.num_threads, r.env, r.as_row_name)]][ci[r.description]] = r
        envs = {r.env for r in results}
        self.render_env = len(envs) > 1
        self.env_len = max(len(str(e)) for e in envs) if self.render_env else 0
        # row groups: a new group at each thread count
        self.groups = []
        prev = None
        for k in row_keys:
            if k[0] != prev:
                self.groups.append([])
                prev = k[0]
            self.groups[-1].append(ri[k])
        self.templates = [self._column_template(j) for j in range(len(self.col_keys))]

    def _column_template(self, j):
        col = [self.grid[i][j] for i in range(len(self.row_keys))]
        col = [m for m in col if m is not None]
        warn = self.highlight and any(m.has_warnings for m in col)
        lead = [int(math.ceil(math.log10(m.median / self.scale))) for m in col]
        unit_digits = max(lead)
        if self.trim:
            decimals = min(max(m.significant_figures - d, 0) for d, m in zip(lead, col))
        else:
            decimals = 1
        length = unit_digits + decimals + (1 if decimals else 0)
        return f"{{:>{length}.{decimals}f}}{{:>{7 if warn else 0}}}", warn

    def _cell(self, j, m):
        template, warn = self.templates[j]
        if m is None:
            return " " * len(template.format(1.0, ""))
        value = m.median / self.scale
        if self.trim:
            value = common.trim_sigfig(value, m.significant_figures)
        spread = m.iqr / m.median if m.has_warnings else None
        return template.format(value, f" (! {spread * 100:.0f}%)" if warn and spread is not None
                               else "")

    def render(self):
        header = [""] + [c if c is not None else "" for c in self.col_keys]
        rows = []
        prev_env = None
        prev_threads = None
        for i, (threads, env, name) in enumerate(self.row_keys):
            if threads != prev_threads:
                prev_env = ""
            shown_env = f"({env})" if self.render_env and env != prev_env else ""
            rows.append(["  " + shown_env.ljust(self.env_len + 4) + name]
                        + [self._cell(j, m) for j, m in enumerate(self.grid[i])])
            prev_env, prev_threads = env, threads
        n_cols = max(len(r) for r in [header] + rows)
        for r in [header] + rows:
            r.extend([""] * (n_cols - len(r)))
        widths = [max(len(r[k]) for r in [header] + rows) for k in range(n_cols)]
        lines = ["  |  ".join(h.center(w) for h, w in zip(header, widths))]
        width = len(lines[0])
        group_of = {i: g for g, members in enumerate(self.groups) for i in members}
        prev_threads = None
        for i, (cells, key) in enumerate(zip(rows, self.row_keys)):
            if key[0] != prev_threads:
                lines.append(f"{key[0]} threads: ".ljust(width, "-"))
                prev_threads = key[0]
            lines.append("  |  ".join(self._finish_row(i, cells, widths, group_of[i])))
        has_warn = self.highlight and any(r.has_warnings for r in self.results)
        title = (" " + (self.label or "") + " ").center(width - 2, "-")
        out = f"[{title}]\n" + "\n".join(lines) + "\n\n"
        out += f"Times are in {common.unit_to_english(self.unit)}s ({self.unit}).\n"
        if has_warn:
            out += ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100."
                    "\n")
        return out

    def _finish_row(self, i, cells, widths, group):
        results = self.grid[i]
        best = [None] * len(results)
        if self.colorize == Colorize.ROWWISE:
            b = min(r.median for r in results if r is not None)
            best = [b] * len(results)
        elif self.colorize == Colorize.COLUMNWISE:
            for j in range(len(results)):
                col = [self.grid[k][j] for k in self.groups[group] if self.grid[k][j] is not None]
                best[j] = min(r.median for r in col) if col else None
        out = [cells[0].ljust(widths[0])]
        for j, (text, w) in enumerate(zip(cells[1:], widths[1:])):
            text = text.center(w)
            r = results[j] if j < len(results) else None
            if self.colorize != Colorize.NONE and r is not None and best[j] is not None:
                text = _color(text, r.median, best[j])
            out.append(text)
        return out


class Compare:
    """Print many ``Measurement``\\ s side by side (``torch.utils.benchmark.Compare``).

    One table per ``label``; rows are ``sub_label`` (grouped by ``num_threads``), columns are
    ``description``; each cell is the median time in the table's unit. Replicates of the
    same task are merged first.

    Args:
        results (list of Measurement): the measurements.

    Example::

        >>> from ember.utils.benchmark import Timer, Compare
        >>> ms = [Timer("x * 2", globals={"x": ember.ones(n)}, label="mul", sub_label=f"n={n}",
        ...             description="ember").timeit(100) for n in (10, 1000)]
        >>> print(Compare(ms))  # doctest: +ELLIPSIS
        [---...- mul -...---]
                      |  ember
        1 threads: ---...
              n=10    |  ...
              n=1000  |  ...
        <BLANKLINE>
        Times are in microseconds (us).
        <BLANKLINE>
    """

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return "\n".join(self._render())

    def extend_results(self, results):
        """Add more measurements.

        Args:
            results (list of Measurement): the measurements.

        Example::

            >>> from ember.utils.benchmark import Timer, Compare
            >>> c = Compare([]); c.extend_results([Timer("1 + 1").timeit(10)])
        """
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        """Show only the digits the measurements support.

        Example::

            >>> from ember.utils.benchmark import Compare
            >>> Compare([]).trim_significant_figures()
        """
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        """Colour cells from best (green) to worst (red), per column (default) or per row.

        Args:
            rowwise (bool): compare within rows instead of columns. Default: ``False``.

        Example::

            >>> from ember.utils.benchmark import Compare
            >>> Compare([]).colorize(rowwise=True)
        """
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        """Mark cells whose spread is high with ``(! XX%)``.

        Example::

            >>> from ember.utils.benchmark import Compare
            >>> Compare([]).highlight_warnings()
        """
        self._highlight_warnings = True

    def print(self):
        """Print the tables.

        Example::

            >>> from ember.utils.benchmark import Compare
            >>> Compare([]).print()
            <BLANKLINE>
        """
        print(str(self))

    def _render(self):
        merged = common.Measurement.merge(self._results)
        by_label = collections.defaultdict(list)
        for r in merged:
            by_label[r.label].append(r)
        return [_Table(g, self._colorize, self._trim_significant_figures,
                       self._highlight_warnings).render() for g in by_label.values()]
