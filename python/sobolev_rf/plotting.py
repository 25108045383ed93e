"""The matplotlib renderer of figure specs: draws the tables that the figure computation makes
(`sobolev-rf figure`, or sobolev_rf.figure, which hands them over in memory) with the same panels, colours, dash patterns, theory
lines, simulation markers with error bars and labels as the gnuplot script
(plotting/gnuplot_script.cpp), to PNG (110 dpi) and PDF. Labels use the specs' gnuplot notation
(L_2, 10^{-4}), turned into matplotlib mathtext."""
import math
import os
import re

import numpy as np

from . import _core

# Colour-blind-safe palette (Okabe & Ito), one colour per curve of a panel (as gnuplot's).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# gnuplot dash types 1-5: solid, dashed, dotted, dash-dot, dash-dot-dot.
_DASHES = {1: "-", 2: (0, (6, 3)), 3: (0, (1, 2)), 4: (0, (6, 2, 1, 2)), 5: (0, (6, 2, 1, 2, 1, 2))}
_DASH_BY_QUANTITY = (1, 2, 4, 5, 3)  # dotted last: faint at width 2
_MARKERS = ("o", "s", "^", "D")  # one per quantity of a curve
_DPI = 110


def mathtext(label):
    """gnuplot enhanced text -> matplotlib: 'L_2' -> 'L$_2$', '10^{-4}' -> '10$^{-4}$'."""
    if not label:
        return label
    label = label.replace("$", r"\$")
    return re.sub(r"([_^])(\{[^{}]*\}|[^\s{}])", lambda m: "$" + m.group(1) + "{" + m.group(2).strip("{}") + "}$",
                  label)


def _legend_loc(key):
    """gnuplot key positions ('top right', 'bottom left', 'center') -> matplotlib loc."""
    words = key.split()
    vertical = "upper" if "top" in words else "lower" if "bottom" in words else "center"
    horizontal = "left" if "left" in words else "right" if "right" in words else "center"
    if vertical == "center" and horizontal == "center":
        return "center"
    if vertical == "center":
        return "center " + horizontal
    return f"{vertical} {horizontal}" if horizontal != "center" else f"{vertical} center"


def _default_y_label(panel):
    if panel["x"] == "error":
        return "CDF over ϖ ∼ N(0, I_k)" if panel["curves"][0]["law"] == "cdf" else "density over ϖ"
    if panel["x"] == "x":
        return "f(x)"
    quantities = {q for c in panel["curves"] for q in c["quantities"]}
    return _core.quantity_display_name(quantities.pop()) if len(quantities) == 1 else "error"


def _series_title(curve, qi):
    if curve["quantity_labels"]:
        quantity = curve["quantity_labels"][qi]
    elif len(curve["quantities"]) > 1 or not curve["label"]:
        quantity = curve["quantity_names"][qi]
    else:
        quantity = ""
    title = curve["label"]
    if quantity:
        title += (", " if title else "") + quantity
    return mathtext(title) if title else None


def _usable(y, log_y, mask=None):
    """NaN where a point may not be drawn: not converged (a gap), or <= 0 on a log axis."""
    y = np.array(y, dtype=float)
    if mask is not None:
        y[~mask] = np.nan
    if log_y:
        y[~(y > 0)] = np.nan
    return y


class _Table(dict):
    """A table of the figure computation: column name -> numpy array (numbers float64, text str)."""

    @property
    def rows(self):
        return len(next(iter(self.values()))) if self else 0


def _table(columns):
    return _Table((name, np.asarray(values, dtype=float if isinstance(values, np.ndarray) else str))
                  for name, values in columns.items())


def _draw_curve(ax, panel, curve, files, index, tables, notes):
    by_quantity = len(panel["curves"]) == 1 and not curve["color"]
    log_y = panel["log_y"]
    data = _table(tables[files["data"]])
    markers = _table(tables[files["markers"]]) if files["markers"] else None
    for qi, q in enumerate(curve["quantities"]):
        color = curve["color"] or PALETTE[(qi if by_quantity else index) % len(PALETTE)]
        dash = _DASHES.get(curve["dash"] or _DASH_BY_QUANTITY[qi % 5], "-")
        line = dict(color=color, linestyle=dash, linewidth=1.6, label=_series_title(curve, qi))
        kind = curve["kind"]
        if kind == "theory":
            ax.plot(data["x"], _usable(data[q], log_y, data["converged"] == 1), **line)
            if markers is not None and markers.rows:
                ax.errorbar(markers["x"], _usable(markers[q + "_mean"], log_y), yerr=markers[q + "_se"],
                            fmt=_MARKERS[qi % 4], markersize=4.5, color=color, elinewidth=0.9, capsize=2,
                            linestyle="none")
                notes.setdefault(f"simulation ± se ({files['markers_note']})", "errorbar")
        elif kind == "varpi_law":
            column = "cdf" if curve["law"] == "cdf" else "density"
            rows = data["quantity"] == q
            ax.plot(data["error"][rows], _usable(data[column][rows], log_y), **line)
            if markers is not None and markers.rows and curve["law"] == "cdf":
                rows = markers["quantity"] == q
                ax.plot(markers["value"][rows], markers["ecdf"][rows], _MARKERS[qi % 4], markersize=4, color=color,
                        linestyle="none")
                notes.setdefault(f"simulation, ϖ drawn ({files['markers_note']})", "points")
        elif kind == "gradient_gain":
            _draw_gain(ax, data, log_y)
            break
        elif kind == "legendre_error":
            ax.plot(data["degree"], _usable(data[q], log_y), **line)
        elif kind == "legendre_interpolant":
            ax.plot(data["x"], _usable(data["derivative" if q == "gen_g" else "value"], log_y), **line)
        elif kind == "legendre_target":
            column = "derivative" if q == "gen_g" else "value"
            color = curve["color"] or "#000000"
            ax.plot(data["x"], data[column], color=color, linestyle=_DASHES[2], linewidth=1.2,
                    label=mathtext(curve["label"]) if curve["label"] else "target")
            ax.plot(markers["x"], markers[column], "o", markersize=5, color=color, linestyle="none",
                    label=f"data (n = {curve['legendre_n']})")


def _draw_gain(ax, data, log_y):
    """A gain atlas: error(L2) / error(Sobolev) over (x, y) on a log colour scale centred at 1 (red:
    the gradients pay), with the line gain = 1 in black."""
    x, y, gain = (np.asarray(data[c], dtype=float) for c in ("x", "y", "gain"))
    keep = np.isfinite(x) & np.isfinite(y)
    x, y, gain = x[keep], y[keep], gain[keep]
    if not len(x):
        return
    xs, ys = np.unique(x), np.unique(y)
    z = np.full((len(ys), len(xs)), np.nan)
    z[np.searchsorted(ys, y), np.searchsorted(xs, x)] = np.where(gain > 0, gain, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.log10(z)
    finite = z[np.isfinite(z)]
    span = float(np.max(np.abs(finite))) if finite.size else 1.0
    span = span if span > 0 else 1.0
    mesh = ax.pcolormesh(xs, ys, z, cmap="RdBu_r", vmin=-span, vmax=span, shading="nearest")
    if finite.size and finite.min() < 0 < finite.max() and len(xs) > 1 and len(ys) > 1:
        ax.contour(xs, ys, z, levels=[0.0], colors="black", linewidths=1.0)
    ax.figure.colorbar(mesh, ax=ax, label="log$_{10}$ gain")
    if log_y:
        ax.set_yscale("log")


def _draw_panel(ax, panel, files, tables):
    notes = {}
    for j, curve in enumerate(panel["curves"]):
        _draw_curve(ax, panel, curve, files[j], j, tables, notes)
    for note, style in notes.items():  # one legend entry per marker set, in black
        if style == "errorbar":
            ax.errorbar([], [], yerr=[], fmt="o", markersize=4.5, color="black", capsize=2, label=note)
        else:
            ax.plot([], [], "o", markersize=4, color="black", linestyle="none", label=note)
    ax.set_title(mathtext(panel["title"]), fontsize=10)
    ax.set_xlabel(mathtext(panel["x_label"]))
    ax.set_ylabel(mathtext(panel["y_label"] or _default_y_label(panel)))
    if panel["log_x"]:
        ax.set_xscale("log")
    if panel["log_y"]:
        ax.set_yscale("log")
    if panel["x_range"]:
        ax.set_xlim(*panel["x_range"])
    if panel["y_range"]:
        ax.set_ylim(*panel["y_range"])
    ax.grid(True, color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    if panel["legend"] != "off" and ax.get_legend_handles_labels()[0]:
        ax.legend(loc=_legend_loc(panel["legend"]), fontsize=7.5, frameon=False)


def draw(spec, files, tables):
    """The matplotlib Figure of a computed figure. spec: the parsed spec (as sobolev_rf._core returns
    it); files: per panel, per curve {"data", "markers", "markers_note"} (table names); tables: name ->
    columns (dict of numpy arrays or lists of str)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = spec["panels"]
    columns = min(spec["columns"], len(panels)) if spec["columns"] > 0 else min(len(panels), 3)
    rows = math.ceil(len(panels) / columns)
    title_space = 0.35 if spec["title"] else 0.0
    fig = Figure(figsize=(spec["panel_width"] * columns, spec["panel_height"] * rows + title_space),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, columns, squeeze=False)
    for i, panel in enumerate(panels):
        _draw_panel(axes[i // columns][i % columns], panel, files[i], tables)
    for i in range(len(panels), rows * columns):
        axes[i // columns][i % columns].set_visible(False)
    if spec["title"]:
        fig.suptitle(mathtext(spec["title"]), fontsize=12)
    return fig


def _read_csv(path):
    """A table the figure computation wrote (cells joined by ',', no quoting): numeric columns as
    float64 (empty cells NaN), the others as str."""
    with open(path) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    header = lines[0].split(",") if lines else []
    cells = [line.split(",") for line in lines[1:]]
    table = {}
    for j, name in enumerate(header):
        column = [row[j] if j < len(row) else "" for row in cells]
        try:
            table[name] = np.array([float(c) if c else np.nan for c in column], dtype=float)
        except ValueError:
            table[name] = column
    return table


def _marker_note(markers):
    """The legend note of a marker table ('p = 400, 3 seeds'), as the figure computation writes it."""
    p = int(markers["p"][0])
    seeds = int(markers["seeds"][0]) if "seeds" in markers else len(set(np.asarray(markers["seed"]).tolist()))
    return f"p = {p}, {seeds} seed{'' if seeds == 1 else 's'}"


def render_csvs(spec_path, folder, formats=("png", "pdf")):
    """Draws a figure from the tables already written (e.g. `sobolev-rf figure SPEC --csv-only
    --out-dir out`: folder out/OUTPUT), found by the names the figure computation gives them
    (data/OUTPUT.p<panel>.c<curve>.csv and .markers.csv). Computes nothing; saves OUTPUT.FORMAT in
    folder and returns {format: path}."""
    spec = _core.figure_spec(os.fspath(spec_path))
    folder = os.fspath(folder)
    data_dir = os.path.join(folder, "data") if os.path.isdir(os.path.join(folder, "data")) else folder
    files, tables = [], {}
    for i, panel in enumerate(spec["panels"]):
        files.append([])
        for j, _ in enumerate(panel["curves"]):
            stem = f"{spec['output']}.p{i + 1}.c{j + 1}"
            data, markers = stem + ".csv", stem + ".markers.csv"
            tables[data] = _read_csv(os.path.join(data_dir, data))
            note = ""
            has_markers = os.path.exists(os.path.join(data_dir, markers))
            if has_markers:
                tables[markers] = _read_csv(os.path.join(data_dir, markers))
                m = tables[markers]
                note = _marker_note(m) if m and len(next(iter(m.values()))) and "p" in m else ""
            files[-1].append({"data": data, "markers": markers if has_markers else "", "markers_note": note})
    fig = draw(spec, files, tables)
    paths = {}
    for fmt in formats:
        paths[fmt] = os.path.join(folder, f"{spec['output']}.{fmt}")
        fig.savefig(paths[fmt], dpi=_DPI)
    return paths
