"""The space section: graph summary, isomorphism-class sizes, quotient degrees, accuracy distributions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...bench.store import DATASETS, Store
from ...graph import edge_list, hamming_sphere, neighbour_table, quotient_degrees, sphere_size
from ...spaces.nb201 import N_ARCHS, isomorphism_classes
from .. import plots
from .base import Artifact


def _class_sizes(labels: np.ndarray, kind: str) -> pd.DataFrame:
    sizes = np.bincount(np.unique(labels, return_inverse=True)[1])
    size, count = np.unique(sizes, return_counts=True)
    return pd.DataFrame({"kind": kind, "size": size, "classes": count})


def space_section(store: Store) -> list[Artifact]:
    nbrs = neighbour_table(store.index)
    classes = store.isomorphism_classes()
    functional = isomorphism_classes(store.codes, kind="functional")
    spheres = {r: hamming_sphere(store.index, r, np.arange(0, N_ARCHS, 97)).shape[1] for r in (1, 2, 3)}
    deg = quotient_degrees(nbrs, classes)
    summary = pd.DataFrame(
        [
            ("architectures", N_ARCHS),
            ("neighbour edges (Hamming 1)", len(edge_list(nbrs))),
            ("degree (min = max)", int(nbrs.shape[1])),
            *[(f"cells at Hamming distance {r}", spheres[r]) for r in (1, 2, 3)],
            ("isomorphism classes (NB201 canonical string)", int(np.unique(classes).size)),
            ("isomorphism classes (functional: zeros dropped, sums flattened)", int(np.unique(functional).size)),
            ("quotient-graph edges", int(deg.sum() // 2)),
        ],
        columns=["quantity", "value"],
    )
    assert all(spheres[r] == sphere_size(r) for r in spheres)
    sizes = pd.concat([_class_sizes(classes, "NB201"), _class_sizes(functional, "functional")], ignore_index=True)
    d, n = np.unique(deg, return_counts=True)
    degrees = pd.DataFrame({"graph": "NB201 quotient", "degree": d, "nodes": n})
    acc = pd.concat(
        [pd.DataFrame({"dataset": ds, "arch": np.arange(N_ARCHS), "value": store.array(ds, split="test", epochs=200)})
         for ds in DATASETS],
        ignore_index=True,
    )
    acc_summary = acc.groupby("dataset")["value"].describe(percentiles=[0.1, 0.5, 0.9]).reset_index()
    acc_summary["count"] = acc_summary["count"].astype(int)
    acc_summary["best_arch"] = [int(acc[acc.dataset == ds].sort_values("value").arch.iloc[-1]) for ds in acc_summary.dataset]
    return [
        Artifact("space_summary", "The NB201 space as a graph",
                 "Size of the space, of its Hamming-1 neighbour graph and of its isomorphism quotient "
                 "(landscape.graph, landscape.spaces.nb201.isomorphism_classes).", summary),
        Artifact("isomorphism_class_sizes", "Isomorphism-class sizes",
                 "How many cells each class holds, for NB201's canonical string (6,466 classes) and for the "
                 "coarser functional equivalence (isomorphism_classes(kind=...)).", sizes, plots.plot_class_sizes),
        Artifact("quotient_degrees", "Degrees of the quotient graph",
                 "Number of distinct neighbouring classes per isomorphism class (every cell has 24 neighbours; "
                 "neighbours inside the own class and repeated classes collapse).", degrees,
                 plots.plot_degree_distribution),
        Artifact("accuracy_distributions", "Ground-truth accuracy",
                 "200-epoch test accuracy (NATS-Bench, seed mean) of all cells; the table gives quantiles and the "
                 "best cell per dataset (store.array(dataset, split='test', epochs=200)).", acc_summary,
                 lambda table, ax: plots.plot_accuracy_distributions(acc, ax)),
    ]
