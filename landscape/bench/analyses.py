"""Analyses of the stored NB201 ground truth: :mod:`landscape.geometry` applied to every series the store holds.

>>> table = store_rank_agreement(store, n_boot=100, n_boot_weighted=0)
>>> table["comparison"].unique().tolist()
['12-epoch valid vs 200-epoch test', '12-epoch test vs 200-epoch test', 'seed vs seed mean', 'zero-cost proxy vs 200-epoch test']
>>> summary = store_landscape_summary(store, datasets=("cifar10",))   # optima, plateaus, FDC, autocorrelation
>>> summary[["space", "nodes", "strict_optima"]].values.tolist()
[['full', 15625, 17], ['isomorphism quotient', 6466, 7]]
>>> ground_truth([store.index.arch_string(6111)], store)[["index", "cifar10"]].round(2).values.tolist()
[[6111.0, 94.37]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from tqdm.auto import tqdm

from ..geometry import landscape_summary, quotient, rank_agreement
from ..validation import check_random_state
from ..spaces.nb201 import arch_strings
from .paths import load_store
from .store import DATASETS, Store

__all__ = ["ground_truth", "store_rank_agreement", "store_landscape_summary"]


def _store_comparisons(store: Store):
    """``(comparison, dataset, proxy, truth, proxy values, truth values, arch ids)`` for every stored comparison."""
    for d in DATASETS:
        for split in ("valid", "test"):
            yield (f"12-epoch {split} vs 200-epoch test", d, f"{split}@12", "test@200",
                   store.array(d, split=split, epochs=12), store.array(d, split="test", epochs=200), None)
    table = store.series_table()
    seeded = table[(table.source == "metric_vals") & (table.metric == "accuracy") & table.seed.notna()]
    for (d, split), rows in seeded.groupby(["dataset", "split"], sort=False):
        mean = store.values(d, split=split, epochs=200, source="metric_vals")
        for s in rows.seed:
            proxy = store.values(d, split=split, epochs=200, seed=int(s), source="metric_vals")
            yield ("seed vs seed mean", d, f"seed {int(s)}", f"{split}@200 seed mean", proxy.to_numpy(),
                   mean.loc[proxy.index].to_numpy(), proxy.index.to_numpy())
    zc = table[table.metric.str.startswith("zc:")]
    for d, metric in zip(zc.dataset, zc.metric):
        proxy = store.values(d, metric, source="naslib")
        truth = store.array(d, split="test", epochs=200)
        yield ("zero-cost proxy vs 200-epoch test", d, metric.removeprefix("zc:"), "test@200", proxy.to_numpy(),
               truth[proxy.index.to_numpy()], proxy.index.to_numpy())


def store_rank_agreement(store: Store, *, k: Iterable[int] = (10, 100), n_boot: int = 1000, ci: float = 0.95,
                         random_state=0, collapse: str | None = None, n_jobs: int | None = None,
                         n_boot_weighted: int = 0, progress: bool = False) -> pd.DataFrame:
    """:func:`rank_agreement` for every proxy/ground-truth pair the store holds.

    * per dataset, 12-epoch validation and 12-epoch test accuracy vs 200-epoch test accuracy
      (15,625 cells; NB201's short schedule as a proxy);
    * per dataset and seed, one seed's 200-epoch accuracy vs the seed mean (metric_vals
      tables; seed 2 covers 8,169 cells);
    * each of the 12 NASLib zero-cost proxies vs 200-epoch test accuracy on the cells it covers (723–725).

    Parameters
    ----------
    store : Store
        The ground-truth store (:func:`~landscape.bench.paths.load_store`).
    k : iterable of int, default (10, 100)
        Cut-offs of precision@k, each at most the number of architectures of every comparison.
    n_boot : int, default 1000
        Bootstrap resamples (>= 1) behind the CIs of Kendall's τ-b and Spearman's ρ.
    ci : float, default 0.95
        Confidence level of the percentile intervals.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the resamples; each comparison draws from its own child (``default_rng(random_state).spawn``).
    collapse : {None, "isomorphism"}, default None
        ``"isomorphism"``: average proxy and truth within NB201 isomorphism classes first.
    n_jobs : int or None, default None
        Threads of the bootstrap (None: 1, -1: every core).
    n_boot_weighted : int, default 0
        Resamples for the weighted-τ CI, as for :func:`rank_agreement` (0.1 s per resample for each of the 12
        full-space comparisons); 0: no CI (NaN).
    progress : bool, default False
        A progress bar over the comparisons.

    Returns
    -------
    pandas.DataFrame
        Long: ``comparison, dataset, proxy, truth`` + the columns of :func:`rank_agreement`.

    Examples
    --------
    >>> table = store_rank_agreement(store, n_boot=10, collapse="isomorphism")   # 6,466 classes: fast
    >>> tau = table[table.measure == "kendall_tau_b"]
    >>> tau.groupby("comparison").size().to_dict()
    {'12-epoch test vs 200-epoch test': 3, '12-epoch valid vs 200-epoch test': 3, 'seed vs seed mean': 9,
     'zero-cost proxy vs 200-epoch test': 36}
    >>> tau[["dataset", "proxy", "estimate", "n"]].head(2).round(3).values.tolist()
    [['cifar10', 'valid@12', 0.582, 6466], ['cifar10', 'test@12', 0.693, 6466]]
    """
    comparisons = list(_store_comparisons(store))
    seeds = check_random_state(random_state).spawn(len(comparisons))
    classes = store.isomorphism_classes()
    parts = []
    for (comparison, d, proxy, truth, p, t, arch), seed in tqdm(list(zip(comparisons, seeds)), desc="rank agreement",
                                                               unit="comparison", leave=False, disable=not progress):
        labels = classes if arch is None else classes[arch]
        frame = rank_agreement(p, t, k=k, n_boot=n_boot, ci=ci, random_state=seed, collapse=collapse, classes=labels,
                               n_jobs=n_jobs, n_boot_weighted=n_boot_weighted)
        parts.append(frame.assign(comparison=comparison, dataset=d, proxy=proxy, truth=truth))
    out = pd.concat(parts, ignore_index=True)
    return out[["comparison", "dataset", "proxy", "truth", *out.columns[:-4]]]


def store_landscape_summary(store: Store, datasets: Sequence[str] = DATASETS, *, random_state=0) -> pd.DataFrame:
    """:func:`landscape_summary` of 200-epoch test accuracy per dataset, on the full space and on the
    NB201 isomorphism quotient (class mean accuracy); one row per (dataset, space).

    Parameters
    ----------
    store : Store
        The ground-truth store (:func:`~landscape.bench.paths.load_store`).
    datasets : sequence of str, default :data:`DATASETS`
        Datasets of the store with a 200-epoch test accuracy (``"cifar10"``, ``"cifar100"``, ``"ImageNet16-120"``).
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the random walks behind ``rho1_walk`` (the same seed for every landscape).

    Returns
    -------
    pandas.DataFrame
        ``dataset, space`` (``"full"`` or ``"isomorphism quotient"``) and the keys of :func:`landscape_summary`.

    Raises
    ------
    ValueError
        For a dataset the store has no 200-epoch test accuracy of.

    Examples
    --------
    >>> summary = store_landscape_summary(store, datasets=("cifar10",))
    >>> summary[["space", "nodes", "edges", "strict_optima", "global_optima_nodes"]].values.tolist()
    [['full', 15625, 187500, 17, '6111 13714'], ['isomorphism quotient', 6466, 90189, 7, '3016 5814']]
    >>> summary[["fdc", "rho1"]].round(3).values.tolist()
    [[-0.272, 0.56], [-0.277, 0.388]]
    """
    rows = []
    for d in datasets:
        acc = store.array(d, split="test", epochs=200)
        qv, qe, _ = quotient(acc, store.index, store.isomorphism_classes())
        for space, (v, e) in (("full", (acc, store.index)), ("isomorphism quotient", (qv, qe))):
            rows.append({"dataset": d, "space": space, **landscape_summary(v, e, random_state=random_state)})
    return pd.DataFrame(rows)


def ground_truth(archs: Sequence[str | Sequence[int]], store: Store | None = None) -> pd.DataFrame:
    """NB201 200-epoch test accuracy (%) of ``archs``: columns ``arch, index`` and one per :data:`DATASETS`."""
    store = load_store() if store is None else store
    names = arch_strings(archs)
    index = store.index.indices_of(names)
    frame = pd.DataFrame({"arch": names, "index": index})
    for d in DATASETS:
        frame[d] = store.array(d, split="test", epochs=200)[index]
    return frame


# -- the driver ----------------------------------------------------------------------------------
