"""Foundation benchmarks: store load, neighbour table, networkx graph build (each against a plain baseline)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from common import timed

from landscape.bench.paths import find_sources
from landscape.bench import nb201_graph
from landscape.bench.store import DATASETS, Store
from landscape.graph import neighbour_table
from landscape.spaces.nb201 import N_ARCHS, N_EDGES, N_OPS, parse_arch


def bench_store_load(store: Store) -> dict:
    """Open the store, build the index, read the three 200-epoch test-accuracy arrays (cold object, warm OS cache)."""

    def ours():
        s = Store(store.path)
        return s.index, [s.array(d, split="test", epochs=200) for d in DATASETS]

    nats = find_sources() / "v-tao_nats-bench-landscape" / "nats_bench.csv"

    def baseline():
        df = pd.read_csv(nats)
        codes = np.array([parse_arch(a) for a in df["ArchitectureString"]])
        return codes, [df[c].to_numpy() for c in df.columns[:3]]

    (idx, arrays), t_ours = timed(ours, repeat=50)
    (codes, base), t_base = timed(baseline, repeat=5)
    assert (idx.codes == codes).all() and all(np.array_equal(a, b) for a, b in zip(arrays, base))
    return {"name": "store_load", "ours_s": t_ours, "baseline_s": t_base, "target_s": 0.005,
            "baseline_kind": "pandas read of the source CSV plus parsing the architecture strings",
            "note": "open store + index + 3 test-accuracy arrays (sha256-verified) vs pandas read of "
                    "nats_bench.csv + parsing the 15,625 architecture strings; same numbers"}


def _neighbour_table_loop(index) -> np.ndarray:
    """The FLA tools' approach: per architecture, per edge and substitute op, a dict lookup of the new codes."""
    lookup = {tuple(c): i for i, c in enumerate(index.codes.tolist())}
    table = np.empty((N_ARCHS, N_EDGES * (N_OPS - 1)), dtype=np.int32)
    for i, c in enumerate(index.codes.tolist()):
        for e in range(N_EDGES):
            for s in range(1, N_OPS):
                n = list(c)
                n[e] = (n[e] + s) % N_OPS
                table[i, e * (N_OPS - 1) + s - 1] = lookup[tuple(n)]
    return table


def _neighbour_table_numpy(index) -> np.ndarray:
    """The strongest straightforward approach: vectorised NumPy on the op-code array (base-5 keys, one position
    array, 24 shifted copies)."""
    codes = index.codes.astype(np.int64)
    places = N_OPS ** np.arange(N_EDGES)
    keys = codes @ places
    position = np.empty(N_OPS ** N_EDGES, np.int64)
    position[keys] = np.arange(N_ARCHS)
    cols = [keys + (((codes[:, e] + s) % N_OPS) - codes[:, e]) * places[e]
            for e in range(N_EDGES) for s in range(1, N_OPS)]
    return position[np.stack(cols, axis=1)].astype(np.int32)


def _neighbour_table_entry(store: Store, name: str, baseline, repeat: int, kind: str, note: str) -> dict:
    index = store.index
    ours_table, t_ours = timed(lambda: neighbour_table(index), repeat=20)
    base_table, t_base = timed(lambda: baseline(index), repeat=repeat)
    assert np.array_equal(ours_table, base_table)
    return {"name": name, "ours_s": t_ours, "baseline_s": t_base, "target_s": 0.030, "baseline_kind": kind,
            "note": f"(15625, 24) Hamming-1 table, ours vs {note}; identical tables"}


def bench_neighbour_table(store: Store) -> dict:
    return _neighbour_table_entry(store, "neighbour_table", _neighbour_table_numpy, 20,
                                  "vectorised NumPy on the op-code array", "the same computation written in NumPy")


def bench_neighbour_table_loop(store: Store) -> dict:
    return _neighbour_table_entry(store, "neighbour_table_loop", _neighbour_table_loop, 2,
                                  "per-architecture Python loop with a dict (the FLA tools' per-node approach)",
                                  "a per-architecture Python loop")


def bench_graph_build(store: Store) -> dict:
    """networkx graph of the space with node attributes: ours vs networkx built from arrays."""
    def baseline():
        G = nx.Graph()
        G.add_nodes_from(range(N_ARCHS))
        G.add_edges_from(edges.tolist())
        for name, values in attrs.items():
            nx.set_node_attributes(G, dict(enumerate(values.tolist())), name)
        return G

    nbrs = neighbour_table(store.index)
    i = np.repeat(np.arange(N_ARCHS), nbrs.shape[1])
    edges = np.stack([i, nbrs.ravel()], axis=1)
    edges = edges[edges[:, 0] < edges[:, 1]]
    from landscape.bench.graph import DEFAULT_NODE_METRICS

    attrs = {name: store.array(**sel) for name, sel in DEFAULT_NODE_METRICS.items()}
    attrs["iso_class"] = store.isomorphism_classes()
    attrs["arch"] = store.index.arch_string(np.arange(N_ARCHS))
    G, t_ours = timed(lambda: nb201_graph(store), repeat=3)
    B, t_base = timed(baseline, repeat=3)
    assert G.number_of_edges() == B.number_of_edges() == 187_500 and set(G.edges()) == set(B.edges())
    assert G.nodes[6111] == B.nodes[6111]
    return {"name": "graph_build", "ours_s": t_ours, "baseline_s": t_base, "target_s": 1.0,
            "baseline_kind": "networkx built from arrays (add_edges_from of the edge list, set_node_attributes)",
            "note": "networkx.Graph of the whole space with the same 7 node attributes on both sides (ours reads "
                    "them from the store); same edges and attributes"}


BENCHMARKS = [bench_store_load, bench_neighbour_table, bench_neighbour_table_loop, bench_graph_build]
