"""``python -m landscape.data``: build and inspect the ground-truth store.

    python -m landscape.data import DIR [--official FILE]   read the sources in DIR into the store
    python -m landscape.data info [--json] [--series]        summarise the store (--series: every series)
    python -m landscape.data query ARCH                      everything about one cell (string or index)
    python -m landscape.data top [--dataset D] [-k K]        the best cells (ties included), with their records
    python -m landscape.data fetch [--dest DIR]              download the sources (sha256-checked)
    python -m landscape.data ensure                          import ../shared/data if no store exists

The store goes to ``$LANDSCAPE_DATA`` (default ``./data``), or to ``--data-dir``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..bench.sources import DEFAULT_BASE_URL, SOURCES
from ..errors import LandscapeError


def _import(args) -> int:
    from ..bench.importers.sources_dir import read_sources
    from ..bench.store import write_store

    if args.dir is None and args.official is None:
        raise LandscapeError("import needs a sources folder DIR, --official FILE, or both")
    codes, records, splits, configs, sources = (None, [], {}, {}, {})
    if args.dir is not None:
        codes, records, splits, configs, sources = read_sources(args.dir)
    if args.official is not None:
        from ..bench.importers.official import open_official_api, read_official

        off_codes, off_records = read_official(open_official_api(args.official))
        if codes is not None and not (codes == off_codes).all():
            raise LandscapeError(f"{args.official} lists the architectures in another order than {args.dir}")
        codes, records = off_codes, records + off_records
        sources["official"] = {"path": str(Path(args.official).resolve())}
    path = write_store(args.data_dir, codes, records, splits=splits, configs=configs, sources=sources)
    print(f"wrote {path} ({len(records)} series)")
    return 0


def store_summary(store) -> dict:
    """The store's summary plus the neighbour graph's edge count."""
    from ..graph import as_graph

    info = store.info()
    info["neighbour_edges"] = int(len(as_graph(store.index).edges))
    return info


def _info(args) -> int:
    from ..bench.paths import load_store

    store = load_store(args.data_dir, auto_import=False)
    if args.series:
        table = store.series_table().assign(coverage=lambda t: (t["n"] / 15625).round(4))
        print(table.to_json(orient="records", indent=1) if args.json else table.to_string(index=False))
        return 0
    info = store_summary(store)
    if args.json:
        print(json.dumps(info, indent=1))
    else:
        width = max(map(len, info))
        for k, v in info.items():
            print(f"{k:<{width}}  {', '.join(map(str, v)) if isinstance(v, list) else v}")
    return 0


def _query(args) -> int:
    from ..bench.paths import load_store

    arch = int(args.arch) if args.arch.isdigit() else args.arch
    record = load_store(args.data_dir).query(arch)
    print(record)
    return 0


def _top(args) -> int:
    import pandas as pd

    from ..bench.paths import load_store

    table = load_store(args.data_dir).top(args.k, args.dataset)
    if args.json:
        print(table.to_json(orient="records", indent=1))
        return 0
    with pd.option_context("display.width", 200, "display.max_colwidth", 120):
        print(table.round(4).to_string(index=False))
    tied = table["rank"].duplicated(keep=False)
    if tied.any():
        print("ties (within 1e-6): " + "; ".join(f"rank {r}: " + ", ".join(map(str, g["index"]))
                                                 for r, g in table[tied].groupby("rank")))
    print(f"a cell's whole record: python -m landscape.data query {int(table['index'].iloc[0])}")
    return 0


def _fetch(args) -> int:
    from ..bench.fetch import fetch_sources

    paths = fetch_sources(args.dest, args.only, base_url=args.base_url, timeout=args.timeout)
    print(f"{len(paths)} source file(s) ready under {args.dest}; now run: python -m landscape.data import {args.dest}")
    return 0


def _ensure(args) -> int:
    from ..bench.paths import load_store

    store = load_store(args.data_dir, auto_import=True)
    print(f"store ready: {store.path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m landscape.data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: $LANDSCAPE_DATA or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import", help="read source files into the canonical store")
    p.add_argument("dir", type=Path, nargs="?", help="folder laid out like ../shared/data")
    p.add_argument("--official", type=Path, help="official NAS-Bench-201 .pth or NATS-Bench tss file (needs the nb201 extra)")
    p.set_defaults(func=_import)
    p = sub.add_parser("info", help="summarise the store")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--series", action="store_true",
                   help="list every series: dataset, split, metric, epochs, seed, source, cells covered")
    p.set_defaults(func=_info)
    p = sub.add_parser("query", help="everything about one cell: every series' value, rank per dataset, "
                                     "isomorphism class and its 24 neighbours")
    p.add_argument("arch", help="an NB201 architecture string or an official index (0..15624)")
    p.set_defaults(func=_query)
    p = sub.add_parser("top", help="the best cells by 200-epoch test accuracy, ties included")
    p.add_argument("--dataset", default="cifar10", help="cifar10 (default), cifar100 or ImageNet16-120")
    p.add_argument("-k", type=int, default=10, help="how many cells (default 10; every cell tied with the k-th too)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_top)
    p = sub.add_parser("fetch", help="download the source files from their public origin")
    p.add_argument("--dest", type=Path, default=None, help="where to put them (default: <data dir>/sources)")
    p.add_argument("--only", nargs="+", choices=sorted(SOURCES), metavar="NAME", help="fetch only these sources")
    p.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"mirror of {DEFAULT_BASE_URL}")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.set_defaults(func=_fetch)
    p = sub.add_parser("ensure", help="import ../shared/data if no store exists yet")
    p.set_defaults(func=_ensure)
    args = parser.parse_args(argv)
    from ..bench.paths import data_dir

    args.data_dir = args.data_dir or data_dir()
    if getattr(args, "dest", False) is None:
        args.dest = args.data_dir / "sources"
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted; rerun the same command (a store is only ever swapped in whole)", file=sys.stderr)
        return 130
    except (LandscapeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
