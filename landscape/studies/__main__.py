"""Command line of the studies.

    python -m landscape.studies {spos,evolve,tables,darts,a2m,standalone} --preset cpu ...   # GeNAS, DARTS/A²M
    python -m landscape.studies ladder --preset cpu [--workers 2] [--rung NAME ...] [--stage train|proxies]
    python -m landscape.studies precision [--cells 20] [--workers 2]   # fast training and bf16 evaluation checks
    python -m landscape.studies collapse --preset cpu [--limit N] [--workers 2]   # DARTS long enough to collapse

Re-running a command resumes it (finished rungs and cells are never redone).  Exit status 2 for invalid
arguments, 1 for a corrupt checkpoint or a folder of another run, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import CheckpointError, ConfigMismatchError
from ..presets import PRESETS, results_folder
from . import search_cli


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m landscape.studies",
        description="The papers' experiments at chosen scales: SPOS supernet + evolution with GeNAS proxies, rank "
                    "tables, first-order DARTS and A²M, the matched-scale truth, the supernet budget ladder, the "
                    "precision checks. Re-running a command resumes it.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    search_cli.add_parsers(sub)
    ladder = sub.add_parser("ladder", help="SPOS supernet budget ladder: train every rung, score the cells on each",
                            description="Train the SPOS supernets of a budget ladder and score the ladder's cells "
                                        "by every GeNAS proxy on each (a resumable sweep).")
    _study_options(ladder, "ladder", "smoke (about 20 s on a busy 2-core machine, measured 2026-12-04), cpu (about "
                                     "15 core-hours), paper (the paper's supernet, a GPU)")
    ladder.add_argument("--rung", action="append", dest="rungs", metavar="NAME",
                        help="only this rung (repeatable), e.g. c8n1-e10-s0")
    ladder.add_argument("--stage", choices=("train", "proxies"), action="append", dest="stages",
                        help="only this stage (repeatable; default both: train, then proxies)")
    ladder.add_argument("--backend", choices=("local", "ray"), default="local", help="where the tasks run")
    precision = sub.add_parser(
        "precision", help="retrain matched-scale cells with the fast settings; fp32 vs bf16 evaluation",
        description="Retrain matched-scale cells (cpu recipe, both seeds) in bf16 + channels-last, compare them with "
                    "their fp32 runs, and compare fp32 with bf16 evaluation of the trained networks.")
    precision.add_argument("--cells", type=int, default=20, help="matched-scale cells to retrain (default 20)")
    precision.add_argument("--workers", type=int, default=None,
                           help="worker processes, one torch thread each (default: the CPU count)")
    collapse = sub.add_parser(
        "collapse", help="DARTS long enough to collapse, with and without A²M, paired by seed",
        description="Run first-order DARTS and the other differentiable methods long enough to collapse, each with "
                    "and without A²M (a resumable sweep, in priority order), then write the study's tables and "
                    "print a verdict per claim.")
    _study_options(collapse, "collapse", "smoke (15 s), cpu (about half a core-hour a DARTS run, measured; 1.3 an "
                                         "A²M run, whose step is 2.5× DARTS's in benchmarks/results.json), paper "
                                         "(a GPU)")
    collapse.add_argument("--limit", type=int, default=None,
                          help="only the first N runs in priority order (DARTS and A²M seeds first)")
    return parser


def _study_options(parser: argparse.ArgumentParser, study: str, presets: str) -> None:
    """``--preset`` (required; ``presets`` says what each costs), ``--out`` and ``--workers`` of a study command."""
    parser.add_argument("--preset", choices=PRESETS, required=True, help=presets)
    parser.add_argument("--out", type=Path, help=f"results folder (default <results>/{study}/nb201-<preset>; "
                                                 "<results> is reports/results, runs/results for smoke)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes, one torch thread each (default: the CPU count)")


def _collapse(args: argparse.Namespace) -> None:
    from ..validation import check_int
    from . import layout
    from .collapse import get_collapse, run_collapse
    from .collapse_results import collapse_results

    study = get_collapse(args.preset)
    for value, name in ((args.limit, "--limit"), (args.workers, "--workers")):
        if value is not None:
            check_int(value, name, 1)
    out = args.out or layout.collapse_dir(results_folder(args.preset), args.preset)
    done = run_collapse(study, out, limit=args.limit, n_workers=args.workers)
    print(f"{len(done)} run(s) done; summary {out / 'runs.csv'}")
    verdicts = collapse_results(study, out)["verdicts"]
    print(verdicts.round(2).to_string(index=False))
    print(f"tables in {out / 'tables'}; preset {study.name}: {study.note}")


def _ladder(args: argparse.Namespace) -> None:
    from ..validation import check_int
    from . import layout
    from .ladder import get_ladder, run_ladder

    ladder = get_ladder(args.preset)
    if args.workers is not None:
        check_int(args.workers, "--workers", 1)
    for name in args.rungs or ():
        ladder.rung(name)
    out = args.out or layout.ladder_dir(results_folder(args.preset), args.preset)
    done = run_ladder(ladder, out, rungs=args.rungs, stages=args.stages or ("train", "proxies"),
                      n_workers=args.workers, backend=args.backend)
    print(f"{len(done)} task(s) done (train and proxies of each rung); summary {out / 'tasks.csv'}")
    truth = layout.standalone_dir(results_folder("cpu"), "cpu") / "runs.csv"
    if truth.exists():
        import pandas as pd

        from .ladder_results import ladder_results

        first = ladder_results(ladder, out, pd.read_csv(truth))["first_rung"]
        print(first.round(3).to_string(index=False))
        print(f"tables in {out / 'tables'}")
    print(f"preset {ladder.name}: {ladder.note}")


def _precision(args: argparse.Namespace) -> None:
    import pandas as pd

    from ..validation import check_int
    from . import layout
    from .precision import precision_study

    check_int(args.cells, "--cells", 2, 100)
    if args.workers is not None:
        check_int(args.workers, "--workers", 1)
    results = results_folder("cpu")
    fp32 = layout.standalone_dir(results, "cpu") / "runs.csv"
    if not fp32.exists():
        raise ValueError(f"{fp32} is missing: the fp32 runs come from `python -m landscape.studies standalone "
                         "--preset cpu`")
    runs, tables_dir = layout.precision_dirs(results)
    tables = precision_study(runs, tables_dir, pd.read_csv(fp32), n_cells=args.cells, n_workers=args.workers)
    print(tables["accuracy"].round(4).to_string(index=False))
    print(tables["evaluation_summary"].round(4).to_string(index=False))
    print(f"tables in {tables_dir}")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        {"ladder": _ladder, "precision": _precision, "collapse": _collapse}.get(args.command, search_cli.run)(args)
    except KeyboardInterrupt:
        print(f"{parser.prog} {args.command}: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    except (CheckpointError, ConfigMismatchError) as exc:
        print(f"{parser.prog} {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{parser.prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
