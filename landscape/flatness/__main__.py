"""``python -m landscape.flatness``: every GeNAS proxy of NB201 cells trained stand-alone, resumable.

Arguments are parsed before torch is imported, so ``--help`` and argument errors answer at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..presets import PRESETS
from ..validation import DEVICE_HELP


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m landscape.flatness",
                                     description="GeNAS proxies of NB201 architectures trained stand-alone "
                                                 "(landscape.flatness.study), appended to a CSV as they finish.")
    parser.add_argument("--preset", choices=PRESETS, default="cpu",
                        help="scale (landscape.flatness.study.STUDY_PRESETS; default cpu)")
    parser.add_argument("--archs", nargs="*", help="architecture strings (default: --n-archs spread over accuracy)")
    parser.add_argument("--n-archs", type=int, default=8, help="architectures spread over accuracy (default 8)")
    parser.add_argument("--out", type=Path, default=Path("reports/results/flatness_proxies.csv"),
                        help="results CSV (default: where the report reads it)")
    parser.add_argument("--device", default="auto", help=DEVICE_HELP)
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, weights and noise (default 0)")
    args = parser.parse_args(argv)

    from ..errors import LandscapeError
    from ..nn.device import resolve_device
    from .study import STUDY_PRESETS, evaluate_proxies, spread_architectures

    try:
        device = resolve_device(args.device)
        archs = args.archs or spread_architectures(args.n_archs, args.seed)
        if args.out.exists() and args.out.is_dir():
            raise ValueError(f"--out {args.out} is a folder: give the results CSV's path")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        frame = evaluate_proxies(archs, args.preset, out=args.out, device=device, random_state=args.seed)
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted; rerun the same command to resume (finished cells are kept)",
              file=sys.stderr)
        return 130
    except (LandscapeError, ValueError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    print(frame.pivot_table(index="arch", columns="proxy", values="value").to_string())
    print(f"preset {args.preset}: {STUDY_PRESETS[args.preset].note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
