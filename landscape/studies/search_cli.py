"""The GeNAS and DARTS/A²M commands of ``python -m landscape.studies``.

    python -m landscape.studies spos   --space nb201 --preset cpu [--seed 0] [--out DIR] [--device cpu]
    python -m landscape.studies evolve --space {nb201,darts} --preset cpu [--fitness angle_flatness]
    python -m landscape.studies tables --space {nb201,darts} --preset cpu
    python -m landscape.studies darts  --space {nb201,darts} --preset cpu
    python -m landscape.studies a2m    --space {nb201,darts} --preset cpu
    python -m landscape.studies standalone --preset cpu [--workers 2]   # matched-scale ground truth

Re-running a command with the same arguments resumes it (or just prints its result).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..presets import PRESETS, results_folder
from ..spaces import SPACES, get_space
from ..validation import DEVICE_HELP
from .vocabulary import COMMANDS, FITNESSES


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """One sub-command per :data:`~landscape.studies.vocabulary.COMMANDS` entry."""
    for name, text in COMMANDS.items():
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--space", choices=SPACES, default="nb201", help="search space (default nb201)")
        p.add_argument("--preset", choices=PRESETS, required=True,
                       help="scale: smoke (4-8 s a command on a busy 2-core machine, measured 2026-12-04), cpu (about "
                            "half an hour on 2 cores), paper (the papers' settings, a GPU)")
        p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        p.add_argument("--out", type=Path, help="results folder (default: where the report reads them, "
                                                "<results>/search/genas-<space>-<preset>-seed<seed> for "
                                                "spos/evolve/tables, which share its supernet, and "
                                                "<results>/search/a2m-<space>-<preset>/<command>-seed<seed> "
                                                "for darts/a2m; <results> is reports/results, runs/results for "
                                                "the smoke preset)")
        p.add_argument("--device", default="auto", help=DEVICE_HELP)
        if name == "evolve":
            p.add_argument("--fitness", choices=FITNESSES, default="angle_flatness",
                           help="GeNAS search metric (default angle_flatness, Eq. 5)")
        if name == "standalone":
            p.add_argument("--workers", type=int, default=None,
                           help="worker processes, one torch thread each (default: the CPU count)")


def _out(args: argparse.Namespace) -> Path:
    from . import layout

    if args.out is not None:
        return args.out
    results = results_folder(args.preset)  # smoke runs go to runs/results, never among the published ones
    if args.command in ("spos", "evolve", "tables"):
        return layout.genas_dir(results, args.space, args.preset, args.seed)
    if args.command == "standalone":
        return layout.standalone_dir(results, args.preset)
    return layout.darts_run_dir(results, args.space, args.preset, args.command, args.seed)


def _spos(args: argparse.Namespace, out: Path, common: dict) -> None:
    from .supernet import train_supernet

    trained = train_supernet(args.preset, out, **common)
    last = trained.history.iloc[-1]
    print(f"supernet: {len(trained.history)} epochs, final train loss {last['train_loss']:.4f}, "
          f"train accuracy {last['train_accuracy']:.4f}; checkpoint {trained.run.checkpoint_path}")


def _evolve(args: argparse.Namespace, out: Path, common: dict) -> None:
    from .genas import run_search

    result = run_search(args.preset, out, fitness=args.fitness, **common)
    print(f"best architecture by {result.fitness}: {result.arch} (fitness {result.score:.6g}, "
          f"{result.n_evaluated} evaluated)")
    print(f"{get_space(args.space).truth}: " + ", ".join(f"{d} {v:.2f}" for d, v in result.ground_truth.items()))
    print(f"results in {result.run.path}")


def _tables(args: argparse.Namespace, out: Path, common: dict) -> None:
    from .genas_tables import wide

    if not get_space(args.space).tabular:  # judged against the NB301 surrogate
        from .genas_darts_space import darts_tables

        tables = darts_tables(args.preset, out, random_state=args.seed, device=args.device, progress=True)
        print("Kendall tau vs the NB301 surrogate (Table 5 on the DARTS space)\n"
              + wide(tables.table5).round(4).to_string())
        print("\nrandom search from the sampled genotypes at the evolution's budget (surrogate accuracy, %)\n"
              + tables.random_search.round(2).to_string(index=False))
    else:
        from .genas_tables import proxy_tables

        tables = proxy_tables(args.preset, out, **common)
        print("Kendall tau vs NB201 200-epoch test accuracy (GeNAS Table 5)\n" + wide(tables.table5).round(4).to_string())
        print("\npaper's Table 5\n" + wide(tables.table5, value="paper_tau").to_string())
        print("\nsigma ablation (Table 8)\n" + wide(tables.sigma, "sigmas").round(4).to_string())
        print("\nalpha ablation (Table 9)\n" + wide(tables.alpha, "alpha").round(4).to_string())
    print(f"\ntables (long CSVs, with bootstrap CIs) in {out / 'tables'}")


def _standalone(args: argparse.Namespace, out: Path, common: dict) -> None:
    from . import layout
    from .standalone import run_standalone, study_cells
    from .supernet import check_nb201

    check_nb201(args.space, "the stand-alone training")
    a2m = layout.a2m_dir(results_folder(args.preset), args.space, args.preset)
    runs = run_standalone(args.preset, out, study_cells(args.preset, a2m, random_state=args.seed),
                          n_workers=args.workers)
    print(f"{len(runs)} stand-alone runs in {out / 'runs.csv'}; mean test accuracy {runs['test_accuracy'].mean():.4f}")


def _darts(args: argparse.Namespace, out: Path, common: dict) -> None:
    from .darts import run_darts

    result = run_darts(args.space, args.preset, method=args.command, out=out, random_state=args.seed,
                       device=args.device, progress=True)
    print(json.dumps(result, indent=2, sort_keys=True, default=str))


#: What each command runs (``darts`` and ``a2m`` are the two methods of one driver).
_COMMANDS = {"spos": _spos, "evolve": _evolve, "tables": _tables, "standalone": _standalone, "darts": _darts,
             "a2m": _darts}


def run(args: argparse.Namespace) -> None:
    """Run the GeNAS or DARTS/A²M command ``args.command``."""
    from ..nn.device import resolve_device
    from .presets import get_preset

    resolve_device(args.device)  # before anything is written
    out = _out(args)
    common = {"space": args.space, "random_state": args.seed, "device": args.device, "progress": True}
    _COMMANDS[args.command](args, out, common)
    print(f"results in {out}" if args.command in ("darts", "a2m")
          else f"preset {args.preset}: {get_preset(args.preset, args.space).note}")
