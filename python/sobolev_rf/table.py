"""Table: the tidy CSVs of sobolev-rf (curve, validate, figure data) as a dict of 1-D numpy
arrays, one per column, in the CSV's column order."""
import csv
import io

import numpy as np

from . import _core

# Columns that stay text even when their cells look like numbers (varpi "0.7" at k = 1).
_TEXT_COLUMNS = frozenset(_core.text_columns())


def _column(name, cells):
    if name in _TEXT_COLUMNS:
        return np.array(cells, dtype=str)
    try:
        if cells and all(c and c.lstrip("-").isdigit() for c in cells):
            return np.array([int(c) for c in cells], dtype=np.int64)
        return np.array([float(c) if c else np.nan for c in cells], dtype=float)
    except ValueError:
        return np.array(cells, dtype=str)


class Table(dict):
    """A dict of columns (numpy arrays of equal length): numbers as float (an empty CSV cell is
    NaN) or int, text as str. The numbers are the CSV's, to its 10 significant digits."""

    @classmethod
    def from_csv_text(cls, text):
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return cls()
        header, body = rows[0], rows[1:]
        return cls((name, _column(name, [r[i] for r in body])) for i, name in enumerate(header))

    @classmethod
    def read_csv(cls, path):
        with open(path, newline="") as f:
            return cls.from_csv_text(f.read())

    @property
    def rows(self):
        """The number of rows."""
        return len(next(iter(self.values()))) if self else 0

    def to_frame(self):
        """The table as a pandas.DataFrame (pandas is imported only here)."""
        import pandas

        return pandas.DataFrame({name: values for name, values in self.items()})

    def __repr__(self):
        return f"Table({self.rows} rows: {', '.join(self.keys())})"
