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
            "note": "open store + index + 3 test-accuracy arrays (sha256-verified) vs pandas read of "
                    "nats_bench.csv + parsing the 15,625 architecture strings; same numbers"}


def bench_neighbour_table(store: Store) -> dict:
    index = store.index

    def baseline():
        lookup = {tuple(c): i for i, c in enumerate(index.codes.tolist())}
        table = np.empty((N_ARCHS, N_EDGES * (N_OPS - 1)), dtype=np.int32)
        for i, c in enumerate(index.codes.tolist()):
            for e in range(N_EDGES):
                for s in range(1, N_OPS):
                    n = list(c)
                    n[e] = (n[e] + s) % N_OPS
                    table[i, e * (N_OPS - 1) + s - 1] = lookup[tuple(n)]
        return table

    ours_table, t_ours = timed(lambda: neighbour_table(index), repeat=20)
    base_table, t_base = timed(baseline, repeat=2)
    assert np.array_equal(ours_table, base_table)
    return {"name": "neighbour_table", "ours_s": t_ours, "baseline_s": t_base, "target_s": 0.030,
            "note": "(15625, 24) Hamming-1 table, vectorised vs a per-architecture Python loop with a dict; identical tables"}


def bench_graph_build(store: Store) -> dict:
    def baseline():
        G = nx.Graph()
        for i in range(N_ARCHS):
            G.add_node(i, arch=store.index.arch_string(i), cifar10_test_200=float(acc[i]))
        G.add_edges_from((i, int(j)) for i in range(N_ARCHS) for j in nbrs[i] if i < j)
        return G

    nbrs = neighbour_table(store.index)
    acc = store.array("cifar10", split="test", epochs=200)
    G, t_ours = timed(lambda: nb201_graph(store), repeat=3)
    B, t_base = timed(baseline, repeat=1)
    assert G.number_of_edges() == B.number_of_edges() == 187_500 and set(G.edges()) == set(B.edges())
    return {"name": "graph_build", "ours_s": t_ours, "baseline_s": t_base, "target_s": 1.0,
            "note": "networkx.Graph of the whole space with 7 node attributes (ours) vs add_node/add_edges_from "
                    "with 2 attributes; same edge set"}


BENCHMARKS = [bench_store_load, bench_neighbour_table, bench_graph_build]
