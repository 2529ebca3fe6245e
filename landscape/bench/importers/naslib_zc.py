"""NASLib's NB201 zero-cost proxy table (``zc_nasbench201.json``, an early 725-cell version).

Keys are NASLib op-index tuples ``(o0, …, o5)`` with ops {0: skip_connect, 1: none,
2: nor_conv_3x3, 3: nor_conv_1x1, 4: avg_pool_3x3} and the NB201 string
``|o0~0|+|o1~0|o3~1|+|o2~0|o4~1|o5~2|`` (edges 2 and 3 swapped against string order).
Each proxy is stored as metric ``zc:<proxy>`` (its score, split ``init``, epochs 0) and
``zc_time_s:<proxy>``; NASLib's own ``val_accuracy`` as ``accuracy`` / ``valid``.  Missing and
non-finite scores in the source (one cell lacks synflow on cifar10; NWOT is ``-inf`` for
one cell) are left out of that series, and the series' ``note`` in the manifest says how many.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...errors import SourceError
from ...spaces.nb201 import ArchIndex
from ..store import Record, SeriesKey
from .checks import finite_column, require_file

NASLIB_TO_CODE = np.array([1, 0, 3, 2, 4], dtype=np.int8)  # NASLib op index -> NB201 op code
NASLIB_EDGE_ORDER = [0, 1, 3, 2, 4, 5]  # string edge e reads NASLib position NASLIB_EDGE_ORDER[e]


def naslib_to_codes(ops: np.ndarray) -> np.ndarray:
    """Convert NASLib op-index tuples ``(n, 6)`` to NB201 op codes in string edge order."""
    return NASLIB_TO_CODE[np.asarray(ops)[..., NASLIB_EDGE_ORDER]]


def read_naslib_zc(path: str | Path, index: ArchIndex) -> list[Record]:
    p = require_file(path)
    try:
        data = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{p}: not valid JSON ({exc})") from None
    records = []
    for dataset, table in data.items():
        if not isinstance(table, dict) or not table:
            raise SourceError(f"{p}: dataset {dataset!r} holds no architecture table")
        try:
            ops = np.array([json.loads(k.replace("(", "[").replace(")", "]")) for k in table], dtype=np.int64)
            arch = index.index_of(naslib_to_codes(ops))
        except (ValueError, IndexError) as exc:
            raise SourceError(f"{p}: bad architecture key in {dataset!r}: {exc}") from None
        entries = list(table.values())
        proxies = sorted(k for k, v in entries[0].items() if isinstance(v, dict) and "score" in v)
        for proxy in proxies:
            has = np.array([isinstance(e.get(proxy), dict) for e in entries])
            try:
                score = np.array([e[proxy]["score"] if h else np.nan for e, h in zip(entries, has)], dtype=np.float64)
                secs = np.array([e[proxy]["time"] for e, h in zip(entries, has) if h], dtype=np.float64)
            except (KeyError, TypeError, ValueError):
                raise SourceError(f"{p}: {dataset!r}: malformed {proxy!r} entry (need score and time)") from None
            ok = np.isfinite(score)  # missing, or e.g. NWOT's log-determinant = -inf for a collapsed network
            note = "" if ok.all() else (f"{(~has).sum()} missing and {(has & ~ok).sum()} non-finite "
                                        f"score(s) in the source left out")
            records.append(Record(SeriesKey(dataset, "init", f"zc:{proxy}", 0, None, "naslib"),
                                  score[ok], arch[ok], note))
            records.append(Record(SeriesKey(dataset, "init", f"zc_time_s:{proxy}", 0, None, "naslib"),
                                  finite_column(secs, f"{dataset}/{proxy}.time", p, int(has.sum())), arch[has]))
        acc = finite_column([e.get("val_accuracy") for e in entries], f"{dataset}/val_accuracy", p, len(entries))
        records.append(Record(SeriesKey(dataset, "valid", "accuracy", 200, None, "naslib"), acc, arch))
    return records
