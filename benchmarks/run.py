"""Run the benchmarks side by side and write ``benchmarks/results.json``.

    python benchmarks/run.py [--out benchmarks/results.json] [--only NAME ...]

Every entry (a benchmark returns one, or a list of them): ``name``, ``ours_s``, ``baseline_s``, ``ratio`` (baseline / ours), ``target_s``
and ``target_ratio`` (and ``target_forward_fraction``) where the issue sets them, ``met`` and ``note``, plus the machine it ran on.  Entries not
re-run keep their previous values (for example GPU timings recorded on a lent GPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import importlib  # noqa: E402

from landscape.bench.paths import load_store  # noqa: E402

#: Every ``bench_*.py`` beside this file contributes its ``BENCHMARKS`` list.
MODULES = sorted(p.stem for p in Path(__file__).resolve().parent.glob("bench_*.py"))
ALL = {fn.__name__.removeprefix("bench_"): fn for m in MODULES for fn in importlib.import_module(m).BENCHMARKS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    parser.add_argument("--only", nargs="+", choices=sorted(ALL))
    args = parser.parse_args(argv)
    store = load_store()
    machine = f"{platform.machine()} {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    previous = json.loads(args.out.read_text()) if args.out.exists() else []
    results = {r["name"]: r for r in previous}
    for name in args.only or ALL:
        found = ALL[name](store)
        if found is None:  # the benchmark needs hardware this machine lacks (e.g. a GPU)
            print(f"{name:<18} skipped: not available on this machine")
            continue
        for r in found if isinstance(found, list) else [found]:
            _record(r, machine, results)
        args.out.write_text(json.dumps(list(results.values()), indent=1) + "\n")  # after each: a crash keeps the rest
    return 0


def _record(r: dict, machine: str, results: dict) -> None:
    """Score one entry (ratio, met), stamp the machine, keep it in ``results`` and print it."""
    r["ratio"] = round(r["baseline_s"] / r["ours_s"], 2)
    r["met"] = ((r.get("target_s") is None or r["ours_s"] <= r["target_s"])
                and (r.get("target_ratio") is None or r["ratio"] >= r["target_ratio"])
                and (r.get("target_forward_fraction") is None
                     or r["forward_fraction"] >= r["target_forward_fraction"]))
    r["machine"] = machine + (f", {r.pop('device')}" if "device" in r else "")
    r["ours_s"], r["baseline_s"] = round(r["ours_s"], 6), round(r["baseline_s"], 6)
    results[r["name"]] = r
    print(f"{r['name']:<18} ours {r['ours_s']:.4f} s  baseline {r['baseline_s']:.4f} s  "
          f"x{r['ratio']:<7} target {r.get('target_s')} s / x{r.get('target_ratio')}  "
          f"{'met' if r['met'] else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
