"""Render the report: every section's artifacts as tidy CSVs, PNG and SVG figures, ``index.md`` and ``index.html``."""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the report renders to files only
matplotlib.rcParams["svg.hashsalt"] = "landscape"  # SVG element ids from content, not a fresh uuid: same bytes

import matplotlib.pyplot as plt  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from ..bench.paths import load_store  # noqa: E402
from ..validation import check_choice  # noqa: E402
from ..presets import PRESETS  # noqa: E402
from .sections import EMPTY_HINTS, PRESET_SECTIONS, SECTION_NAMES, SECTIONS  # noqa: E402
from .sections.base import Artifact, results_root  # noqa: E402

__all__ = ["build_report"]

# Fixed metadata so that two runs write byte-identical figures.
_SVG_META = {"Date": None, "Creator": "landscape"}
_PNG_META = {"Software": "landscape"}


def _write(art: Artifact, out: Path) -> list[str]:
    files = [f"{art.name}.csv"]
    art.table.to_csv(out / files[0], index=False, float_format="%.6g")
    if art.summary is not None:
        files.append(f"{art.name}_summary.csv")
        art.summary.to_csv(out / files[-1], index=False, float_format="%.6g")
    if art.plot is not None:
        if art.grid is None:
            fig = plt.figure(figsize=art.figsize or (7, 4.5), layout="constrained")
            art.plot(art.table, fig.add_subplot())
        else:
            rows, cols = art.grid
            fig, axes = plt.subplots(rows, cols, figsize=art.figsize or (3.6 * cols, 2.8 * rows), layout="constrained",
                                     squeeze=False)
            art.plot(art.table, axes)
        fig.suptitle(textwrap.fill(art.title, 120), fontsize=9, color="0.25")  # the figure names what, scale, preset
        fig.savefig(out / f"{art.name}.png", dpi=130, metadata=_PNG_META)
        fig.savefig(out / f"{art.name}.svg", metadata=_SVG_META)
        plt.close(fig)
        files += [f"{art.name}.png", f"{art.name}.svg"]
    if art.interactive is not None:
        fragment = art.interactive(art.table)
        (out / f"{art.name}.interactive.html").write_text(
            f"<!doctype html><meta charset='utf-8'><title>{html.escape(art.title)}</title>"
            f"<h1>{html.escape(art.title)}</h1>{fragment}\n")
        files.append(f"{art.name}.interactive.html")
    return files


def _records(out: Path, store) -> None:
    """The page every interactive view links to: the record of each cell the views show."""
    from .interactive import RECORDS, records_html

    cells = {int(i) for p in out.glob("*.interactive.html") for i in re.findall(r"#cell-(\d+)", p.read_text())}
    if cells:
        (out / RECORDS).write_text(records_html({i: _record_text(store.query(i)) for i in cells}))


def _record_text(record) -> str:
    """A cell's record, short: its string and class, its 200-epoch accuracy and rank per dataset, its neighbours."""
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 20):
        return "\n".join([f"{record.arch} (op codes {record.codes}); isomorphism class {record.isomorphism_class} "
                          f"({len(record.members)} cell(s))", "", record.ranks.round(3).to_string(index=False), "",
                          record.neighbours.drop(columns="arch").round(2).to_string(index=False)])


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _cell(v) -> str:
    return _fmt(v).replace("|", "\\|")


def _md_table(df) -> str:
    rows = [list(map(str, df.columns)), ["---"] * df.shape[1], *[[_cell(v) for v in r] for r in df.itertuples(index=False)]]
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def _markdown(items: list[tuple[str, Artifact | None, list[str]]]) -> str:
    lines = ["# landscape report", "", "Regenerate with `python -m landscape.report`. Every figure has its tidy CSV.", ""]
    current = None
    for section, art, files in items:
        if section != current:
            lines += [f"## {section}", ""]
            current = section
        if art is None:
            lines += [f"No data for this section yet: {EMPTY_HINTS[section]}.", ""]
            continue
        lines += [f"### {art.title}", "", art.description, ""]
        if f"{art.name}.png" in files:
            lines += [f"![{art.title}]({art.name}.png)", ""]
        shown = art.summary if art.summary is not None else art.table
        if len(shown) <= 30:
            lines += [_md_table(shown), ""]
        lines += ["Files: " + ", ".join(f"[{f}]({f})" for f in files), ""]
    return "\n".join(lines)


def _html(items: list[tuple[str, Artifact | None, list[str]]], out: Path) -> str:
    body = ["<h1>landscape report</h1>"]
    for section, art, files in items:
        if art is None:
            body.append(f"<h2>{html.escape(section)}</h2><p>No data for this section yet: "
                        f"{html.escape(EMPTY_HINTS[section])}.</p>")
            continue
        body.append(f"<h2>{html.escape(section)}: {html.escape(art.title)}</h2><p>{html.escape(art.description)}</p>")
        view = out / f"{art.name}.interactive.html"
        if view.is_file():  # inline SVG: a tooltip and a record link on every point, no script
            body.append("<div>" + view.read_text().split("</h1>", 1)[1] + "</div>")
        elif f"{art.name}.png" in files:
            body.append(f'<img src="{art.name}.png" alt="{html.escape(art.title)}" style="max-width:48em">')
        shown = art.summary if art.summary is not None else art.table
        if len(shown) <= 30:
            body.append(shown.to_html(index=False, float_format=_fmt, border=0))
        body.append("<p>" + " ".join(f'<a href="{f}">{f}</a>' for f in files) + "</p>")
    return "<!doctype html><meta charset='utf-8'><title>landscape report</title>\n" + "\n".join(body) + "\n"


def build_report(out: str | Path, only: list[str] | None = None, data_dir: str | Path | None = None, *,
                 preset: str = "cpu", results: str | Path | None = None, table: str | Path | None = None,
                 metric: str | None = None, lower_is_better: bool = False, aggregate: str | None = None) -> Path:
    """Write the report to ``out`` and return the path of ``index.md``.

    With ``table`` (a CSV keyed by NB201 architecture string or official index, :func:`~landscape.bench.tables.
    metric_table`) and ``metric`` (its column), the report is the landscape analysis of that metric instead
    (section ``table``); several rows of one cell are an error unless ``aggregate`` (``"mean"``/``"median"``) says
    how to combine them, and the report then says how many it merged.

    The sections of cached results (:data:`~landscape.report.sections.PRESET_SECTIONS`) render the runs of
    ``preset`` only, found under ``results`` (default :func:`~landscape.report.sections.base.results_root`), and
    say so in every title: runs of other presets never mix in.
    """
    for name in only or []:
        check_choice(name, "report section", SECTION_NAMES)
    preset = check_choice(preset, "preset", PRESETS)
    results = results_root(preset) if results is None else Path(results)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder: give the folder the report goes to")
    if (table is None) != (metric is None):
        raise ValueError("--table and --metric go together: the CSV and the column to analyse")
    store = load_store(data_dir)
    user = None
    if table is not None:  # read and checked before anything is written
        from ..bench.tables import read_metric_table

        user = (*read_metric_table(table, metric, store.index, aggregate=aggregate), metric, lower_is_better,
                aggregate)
    out.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".report-build-", dir=out))  # swapped in whole: never half a report
    try:
        items = _render(build, store, only, preset, results, user)
        _records(build, store)
        (build / "index.html").write_text(_html(items, build))
        (build / "index.md").write_text(_markdown(items))
        for path in sorted(build.iterdir(), key=lambda p: p.name.startswith("index.")):  # the index last
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return out / "index.md"


def _render(out: Path, store, only: list[str] | None, preset: str, results: Path, user: tuple | None
            ) -> list[tuple[str, Artifact | None, list[str]]]:
    """Every artifact of the report written to ``out``: the user's table (``user``: its values, rows merged,
    metric, whether lower is better, how duplicates were combined), or the sections."""
    items = []
    if user is not None:
        from .sections.table import table_section

        values, merged, metric, lower_is_better, aggregate = user
        arts = table_section(store, values, metric, lower_is_better=lower_is_better, merged=merged,
                             aggregate=aggregate)
        items = [("table", art, _write(art, out)) for art in arts]
    names = [s for s in SECTION_NAMES if user is None and (not only or s in only)]
    bar = tqdm(names, desc="report sections", unit="section", disable=not names)
    for name in bar:
        bar.set_postfix_str(name)
        start = time.perf_counter()
        if name in PRESET_SECTIONS:
            arts = SECTIONS[name](store, preset=preset, results=results)
            for art in arts:
                art.title = f"{art.title} (preset {preset})"
        else:
            arts = SECTIONS[name](store)
        items += [(name, art, _write(art, out)) for art in arts] or [(name, None, [])]
        bar.write(f"report section {name}: {time.perf_counter() - start:.1f} s")
    return items
