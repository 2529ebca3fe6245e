"""``python -m landscape.report``: regenerate the report's figures and tables.

Reads the ground-truth store (importing ../shared/data first if needed) and writes
``index.md``, ``index.html``, and for every item a tidy CSV plus PNG and SVG figures.
Nothing is trained unless ``--run`` asks: every number comes from the store or from cached results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import LandscapeError
from ..presets import PRESETS
from ..validation import DEVICE_HELP, check_choice
from .sections import SECTION_NAMES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m landscape.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help=f"sections to build: {', '.join(SECTION_NAMES)}")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: $LANDSCAPE_DATA or ./data)")
    parser.add_argument("--preset", choices=PRESETS, default=None,
                        help="whose cached runs the report renders (default: --run's preset, else cpu); smoke runs "
                             "live in runs/results, never among the published reports/results")
    parser.add_argument("--run", choices=PRESETS, metavar="PRESET",
                        help="first compute the missing cached results of the sections asked for (--only; flatness "
                             "study, GeNAS search and tables on NB201 and DARTS, A²M vs DARTS, the matched-scale "
                             f"ground truth) at this preset: {', '.join(PRESETS)}; resumable. Default: never train")
    parser.add_argument("--device", default="auto", help=f"for --run: {DEVICE_HELP}")
    parser.add_argument("--table", type=Path, metavar="FILE",
                        help="your own NB201 table (CSV with a column arch, arch_str or index, and --metric): the "
                             "report becomes the landscape analysis of that metric")
    parser.add_argument("--metric", metavar="NAME", help="the column of --table to analyse")
    parser.add_argument("--lower-is-better", action="store_true", help="--metric is a cost (latency, loss)")
    parser.add_argument("--aggregate", choices=("mean", "median"),
                        help="how to combine several rows of one cell (seeds); default: they are an error")
    args = parser.parse_args(argv)
    preset = args.preset or args.run or "cpu"
    try:
        for name in args.only or []:
            check_choice(name, "report section", SECTION_NAMES)
        if args.run and args.run != preset:
            raise ValueError(f"--run {args.run} computes the {args.run} runs but --preset {preset} renders others; "
                             "give one of them")
        if args.run:
            from ..nn.device import resolve_device
            from ..studies.report_runs import PIECES, compute_missing
            from .sections.base import results_root

            compute_missing(args.run, results_root(args.run), only=None if args.only is None else [s for s in args.only if s in PIECES],
                            device=resolve_device(args.device), truth=results_root("cpu"))
        from .build import build_report

        if args.table is not None and (args.only or args.run):
            raise ValueError("--table renders its own analysis: leave out --only and --run")
        index = build_report(args.out, args.only, args.data_dir, preset=preset, table=args.table, metric=args.metric,
                             lower_is_better=args.lower_is_better, aggregate=args.aggregate)
    except KeyboardInterrupt:
        print("interrupted; the previous report is intact: rerun the same command to build it (finished runs "
              "resume)", file=sys.stderr)
        return 130
    except (LandscapeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report written: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
