"""Interactive views for looking rather than reading: plain SVG with a tooltip on every point (its cell string and
value) and a link to the cell's record, so they work offline in any browser, with no script and no CDN.

Each view takes a tidy frame and returns SVG text (``index.html`` embeds it inline; a notebook shows it with
``IPython.display.SVG``); :func:`records_html` writes the page the links point to (``records.html#cell-<index>``).
The static PNG/SVG figures stay beside them for papers.

>>> frame = pd.DataFrame({"index": [6111, 13714], "arch": ["a", "b"], "x": [0.5, 0.6], "y": [94.37, 94.37]})
>>> svg = scatter_svg(frame, "x", "y", title="two cells")
>>> svg.count("<circle"), "records.html#cell-6111" in svg, "<title>cell 6111: a" in svg
(2, True, True)
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["RECORDS", "scatter_svg", "lon_svg", "barrier_tree_svg", "records_html"]

#: The page the views link to, beside ``index.html``.
RECORDS = "records.html"
_W, _H, _PAD = 720, 420, 56


def _scale(values: np.ndarray, low: float, high: float, invert: bool = False) -> np.ndarray:
    v = np.asarray(values, float)
    span = (v.max() - v.min()) or 1.0
    out = low + (v - v.min()) / span * (high - low)
    return high + low - out if invert else out


def _point(index: int, cx: float, cy: float, r: float, tip: str, fill: str = "#0173b2") -> str:
    return (f'<a href="{RECORDS}#cell-{index}"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill}" '
            f'fill-opacity="0.75" stroke="#333" stroke-width="0.4"><title>{html.escape(tip)}</title></circle></a>')


def _frame(title: str, xlabel: str, ylabel: str, body: Iterable[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" '
            f'font-family="sans-serif" font-size="11">'
            f'<text x="{_W / 2}" y="18" text-anchor="middle" font-size="13">{html.escape(title)}</text>'
            f'<rect x="{_PAD}" y="30" width="{_W - 2 * _PAD}" height="{_H - 30 - _PAD}" fill="none" stroke="#999"/>'
            f'<text x="{_W / 2}" y="{_H - 14}" text-anchor="middle">{html.escape(xlabel)}</text>'
            f'<text x="14" y="{_H / 2}" text-anchor="middle" transform="rotate(-90 14 {_H / 2})">'
            f'{html.escape(ylabel)}</text>' + "".join(body) + "</svg>")


def _axis_ticks(values: np.ndarray, low: float, high: float, vertical: bool, invert: bool = False) -> list[str]:
    ticks = np.linspace(np.min(values), np.max(values), 5)
    pos = _scale(np.concatenate([[np.min(values), np.max(values)], ticks]), low, high, invert)[2:]
    if vertical:
        return [f'<text x="{_PAD - 4}" y="{p + 4:.1f}" text-anchor="end">{t:.3g}</text>' for t, p in zip(ticks, pos)]
    return [f'<text x="{p:.1f}" y="{_H - _PAD + 14}" text-anchor="middle">{t:.3g}</text>' for t, p in zip(ticks, pos)]


def scatter_svg(frame: pd.DataFrame, x: str, y: str, *, title: str, xlabel: str | None = None,
                ylabel: str | None = None) -> str:
    """A scatter of ``frame[x]`` against ``frame[y]`` (columns ``index``, ``arch`` too): hover a point for its cell
    and values, click it for its record."""
    xs = _scale(frame[x], _PAD + 8, _W - _PAD - 8)
    ys = _scale(frame[y], 38, _H - _PAD - 8, invert=True)
    body = [_point(int(r["index"]), cx, cy, 3.2, f"cell {int(r['index'])}: {r['arch']}\n{y} {r[y]:.4g}, {x} {r[x]:.4g}")
            for (_, r), cx, cy in zip(frame.iterrows(), xs, ys)]
    body += _axis_ticks(frame[x].to_numpy(), _PAD + 8, _W - _PAD - 8, vertical=False)
    body += _axis_ticks(frame[y].to_numpy(), 38, _H - _PAD - 8, vertical=True, invert=True)
    return _frame(title, xlabel or x, ylabel or y, body)


def lon_svg(nodes: pd.DataFrame, edges: pd.DataFrame, arch: dict[int, str], *, title: str) -> str:
    """One local optima network (``nodes``: ``optimum, value, basin_size``; ``edges``: ``source, target, weight,
    type``) drawn as :func:`landscape.report.plots.plot_lons` does: height = value, the largest basins in the middle,
    each optimum's likeliest improving move as a line; hover for the optimum, its accuracy and basin."""
    part = nodes.sort_values("basin_size", ascending=False, kind="stable").reset_index(drop=True)
    offsets = np.array([(k + 1) // 2 * (1 if k % 2 else -1) for k in range(len(part))], float)
    xs = dict(zip(part["optimum"].astype(int), _scale(offsets, _PAD + 20, _W - _PAD - 20)))
    ys = dict(zip(part["optimum"].astype(int), _scale(part["value"], 44, _H - _PAD - 14, invert=True)))
    up = edges[edges["type"] == "improving"].sort_values("weight", kind="stable").groupby("source").tail(1)
    top = up["weight"].max() if len(up) else 1.0
    body = [f'<line x1="{xs[int(r.source)]:.1f}" y1="{ys[int(r.source)]:.1f}" x2="{xs[int(r.target)]:.1f}" '
            f'y2="{ys[int(r.target)]:.1f}" stroke="#666" stroke-opacity="0.6" stroke-width="{0.5 + 3 * r.weight / top:.2f}">'
            f'<title>{int(r.source)} → {int(r.target)}: weight {r.weight:.3g}</title></line>' for r in up.itertuples()]
    largest = part["basin_size"].max()
    body += [_point(int(r.optimum), xs[int(r.optimum)], ys[int(r.optimum)], 3 + 14 * np.sqrt(r.basin_size / largest),
                    f"optimum {int(r.optimum)}: {arch.get(int(r.optimum), '')}\naccuracy {r.value:.4g}, basin "
                    f"{int(r.basin_size):,} cells", fill="#de8f05") for r in part.itertuples()]
    body += _axis_ticks(part["value"].to_numpy(), 44, _H - _PAD - 14, vertical=True, invert=True)
    return _frame(title, "optima, the largest basins in the middle (hover a point; click for its record)",
                  "200-epoch test accuracy (%)", body)


def barrier_tree_svg(tree: pd.DataFrame, *, title: str, value: str = "test accuracy (%)") -> str:
    """The barrier tree (:func:`landscape.geometry.barrier_tree`'s frame, with ``arch_string`` for the leaves):
    leaves are the local optima (hover for cell and value, click for the record), merges at their heights."""
    parent, height = tree["parent"].to_numpy(), tree["height"].to_numpy(float)
    children: dict[int, list[int]] = {}
    for node, p in enumerate(parent):
        children.setdefault(int(p), []).append(node)
    order, stack = [], [int(np.flatnonzero(parent == -1)[0])]
    while stack:  # reverse postorder: parents first, then reversed for children first
        node = stack.pop()
        order.append(node)
        stack.extend(children.get(node, []))
    order.reverse()
    leaves = [n for n in order if n not in children]
    x = np.zeros(len(parent))
    x[leaves] = _scale(np.arange(len(leaves)), _PAD + 12, _W - _PAD - 12)
    ys = _scale(height, 40, _H - _PAD - 10, invert=True)
    body = []
    for node in order:
        kids = children.get(node)
        if kids:
            x[node] = np.mean(x[kids])
            body += [f'<line x1="{x[k]:.1f}" y1="{ys[k]:.1f}" x2="{x[k]:.1f}" y2="{ys[node]:.1f}" stroke="#333"/>'
                     for k in kids]
            body.append(f'<line x1="{min(x[kids]):.1f}" y1="{ys[node]:.1f}" x2="{max(x[kids]):.1f}" '
                        f'y2="{ys[node]:.1f}" stroke="#333"><title>merge at {height[node]:.4g}</title></line>')
    for n in leaves:
        cell = int(tree["arch"].iloc[n])
        body.append(_point(cell, x[n], ys[n], 4, f"optimum {cell}: {tree['arch_string'].iloc[n]}\n{value} "
                                                 f"{height[n]:.4g}"))
    body += _axis_ticks(height, 40, _H - _PAD - 10, vertical=True, invert=True)
    return _frame(title, f"the {len(leaves)} local optima (hover a point; click for its record)", value, body)


def records_html(records: dict[int, str]) -> str:
    """The page the views link to: one anchored ``<pre>`` per cell (``records``: index → the text of its record,
    e.g. ``str(store.query(index))``)."""
    parts = [f'<h2 id="cell-{i}">cell {i}</h2><pre>{html.escape(text)}</pre>' for i, text in sorted(records.items())]
    return ("<!doctype html><meta charset='utf-8'><title>landscape: cell records</title>"
            "<h1>Cell records</h1><p>Everything the store knows about each cell the interactive views show "
            "(<code>python -m landscape.data query INDEX</code> prints the same).</p>\n" + "\n".join(parts) + "\n")
