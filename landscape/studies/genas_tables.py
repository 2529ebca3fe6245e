"""GeNAS rank tables from a SPOS supernet: Table 5 (proxies), Table 8 (σ), Table 9 (α), a γ sweep, a joint table.

A seeded uniform sample of distinct NB201 cells is scored by every proxy on its supernet
sub-network (resumable: :class:`~landscape.studies.proxy_cache.ProxyCache`), together with the
mean validation loss at each σ of every Table 8 triple.  Flatness for any α (Eq. 4) follows
from those stored losses (:func:`~landscape.flatness.proxies.flatness_from_losses`), so the
α sweep re-runs no network.  Each table gives Kendall τ-b against the NB201 200-epoch test
accuracy with a percentile-bootstrap CI (:func:`~landscape.geometry.ranking.kendall_tau` on
the same :func:`~landscape.geometry.ranking.bootstrap_counts` resamples for every row), next to
the paper's value.

The *joint table* sets weight-space flatness, the angle, their combination and the supernet
accuracy beside architecture-space
neighbourhood flatness (:func:`~landscape.geometry.neighbourhood.neighbourhood_flatness` of the
ground truth, negated so that larger = flatter, like weight-space flatness) and the ground
truth, with τ and its CI between every pair of columns.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..bench import load_store
from ..bench.analyses import ground_truth
from ..bench.store import DATASETS, Store
from ..flatness.proxies import combined_proxy, flatness_from_losses
from ..geometry.neighbourhood import neighbourhood_flatness
from ..geometry.ranking import bootstrap_counts, kendall_tau_interval
from ..runs import RunStore
from ..spaces.nb201 import N_ARCHS
from ..validation import check_random_state
from .presets import SearchPreset, get_preset
from .proxy_cache import ProxyCache, sigma_label
from .seeds import stream
from .supernet import check_nb201, train_supernet
from .vocabulary import EXACT_PROXIES, PROXIES

__all__ = ["PAPER_TABLE5", "PAPER_TABLE8", "PAPER_TABLE9", "ProxyTables", "sample_archs", "rank_table",
           "pairwise_table", "gamma_table", "wide", "proxy_tables"]

#: GeNAS Table 5: Kendall τ of each proxy on NB201 (CIFAR-10, CIFAR-100, ImageNet16-120).
PAPER_TABLE5: dict[str, tuple[float, float, float]] = {
    "angle": (0.6671, 0.6942, 0.6342), "accuracy": (0.5701, 0.5394, 0.5411), "flatness": (0.6047, 0.5918, 0.5800),
    "angle_accuracy": (0.7539, 0.7004, 0.6895), "angle_flatness": (0.7636, 0.7619, 0.7368),
    "accuracy_flatness": (0.6023, 0.5658, 0.5657)}
#: GeNAS Table 8: Kendall τ of flatness for each σ triple.
PAPER_TABLE8: dict[str, tuple[float, float, float]] = {
    "1e-06,5e-06,1e-05": (0.5756, 0.5496, 0.5524), "0.0005,0.001,0.002": (0.5770, 0.5503, 0.5531),
    "0.002,0.01,0.02": (0.6047, 0.5918, 0.5800), "0.002,0.02,0.04": (0.5416, 0.3404, 0.2364)}
#: GeNAS Table 9: Kendall τ of flatness on CIFAR-10 for each α of Eq. 4.
PAPER_TABLE9: dict[float, float] = {0.0: 0.1777, 0.1: 0.4026, 0.5: 0.5890, 1.0: 0.6047, 2.0: 0.5964, 4.0: 0.5898,
                                    8.0: 0.5847, 16.0: 0.5820}
_TAU = ["tau", "ci_low", "ci_high", "n", "n_boot"]


@dataclass
class ProxyTables:
    """Per-architecture scores and the tidy long tables (see :func:`proxy_tables`).

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per architecture: ``arch, index``, ``test_accuracy_<dataset>`` (%), the proxies,
        ``neighbourhood_flatness_<dataset>`` and ``gamma``.
    sigma_losses : pandas.DataFrame
        Long: ``arch, sigmas, level, sigma, loss`` (mean validation loss at each σ of each triple).
    table5 : pandas.DataFrame
        GeNAS Table 5: ``proxy, dataset, tau, ci_low, ci_high, n, n_boot, paper_tau, gamma``.
    sigma : pandas.DataFrame
        GeNAS Table 8: ``sigmas, dataset, tau, …, paper_tau``.
    alpha : pandas.DataFrame
        GeNAS Table 9: ``alpha, dataset, tau, …, paper_tau``.
    gamma : pandas.DataFrame
        The γ sweep of Eq. 5: ``gamma, dataset, tau, …, proxy``.
    joint : pandas.DataFrame
        τ between every pair of columns: ``column_a, column_b, tau, …, gamma``.

    Examples
    --------
    >>> from dataclasses import fields
    >>> [f.name for f in fields(ProxyTables)]
    ['scores', 'sigma_losses', 'table5', 'sigma', 'alpha', 'gamma', 'joint']
    """

    scores: pd.DataFrame
    sigma_losses: pd.DataFrame
    table5: pd.DataFrame
    sigma: pd.DataFrame
    alpha: pd.DataFrame
    gamma: pd.DataFrame
    joint: pd.DataFrame


def sample_archs(n: int, random_state=None, store: Store | None = None) -> list[str]:
    """``n`` distinct NB201 cells drawn uniformly (seeded), as official strings.

    Parameters
    ----------
    n : int
        How many cells, in ``1..15625``.
    random_state : None, int or numpy.random.Generator, default None
        Seed of the draw.
    store : Store or None, default None
        The ground-truth store whose index names the cells (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    list of str
        The cells in order of their official index.

    Raises
    ------
    ValueError
        If ``n`` is not an integer in ``1..15625``.

    Examples
    --------
    >>> sample_archs(2, random_state=0, store=store)
    ['|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|',
     '|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|skip_connect~1|avg_pool_3x3~2|']
    """
    if not isinstance(n, (int, np.integer)) or not 1 <= n <= N_ARCHS:
        raise ValueError(f"n must be an integer in 1..{N_ARCHS}, got {n!r}")
    store = load_store() if store is None else store
    picks = check_random_state(random_state).choice(N_ARCHS, size=int(n), replace=False)
    return [str(s) for s in store.index.arch_string(np.sort(picks))]


def rank_table(values: Mapping[str, np.ndarray], truth: Mapping[str, np.ndarray], *, key: str = "proxy",
               n_boot: int = 1000, ci: float = 0.95, random_state=0) -> pd.DataFrame:
    """Kendall τ-b (with percentile-bootstrap CI) of every ``values`` column against every ``truth`` column.

    Long frame ``<key>, dataset, tau, ci_low, ci_high, n, n_boot``; every row uses the same
    resamples (:func:`~landscape.geometry.ranking.bootstrap_counts` of ``random_state``).

    Parameters
    ----------
    values : mapping of str to array_like
        The ranked quantities (larger = predicted better), one 1-D array per name, aligned with ``truth``.
    truth : mapping of str to array_like
        The ground truths (e.g. test accuracy in %), one 1-D array per dataset, all of the same length.
    key : str, default "proxy"
        Name of the column that holds the keys of ``values``.
    n_boot : int, default 1000
        Bootstrap resamples (>= 1).
    ci : float, default 0.95
        Coverage of the percentile interval.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the resamples.

    Returns
    -------
    pandas.DataFrame
        One row per (``values`` key, ``truth`` key), in that order.

    Raises
    ------
    ValueError
        If ``n_boot < 1``, or a column is not 1-D, finite, numeric and of the truth's length.

    Examples
    --------
    >>> values = {"angle": [0.1, 0.4, 0.2, 0.8, 0.5], "flatness": [5.0, 4.0, 3.0, 2.0, 1.0]}
    >>> rank_table(values, {"cifar10": [90.1, 91.5, 90.8, 93.0, 92.2]}, n_boot=200).round(2)
          proxy  dataset  tau  ci_low  ci_high  n  n_boot
    0     angle  cifar10  1.0     1.0      1.0  5     200
    1  flatness  cifar10 -0.6    -1.0      1.0  5     200
    """
    n = len(next(iter(truth.values())))
    counts = bootstrap_counts(n, n_boot, random_state)
    rows = [{key: name, "dataset": d, **kendall_tau_interval(np.asarray(v), np.asarray(t), counts, ci)}
            for name, v in values.items() for d, t in truth.items()]
    return pd.DataFrame(rows, columns=[key, "dataset", *_TAU])


def pairwise_table(columns: Mapping[str, np.ndarray], *, n_boot: int = 1000, ci: float = 0.95,
                   random_state=0) -> pd.DataFrame:
    """Kendall τ-b with bootstrap CI between every pair of ``columns``: long frame ``column_a, column_b, tau, …``.

    Parameters
    ----------
    columns : mapping of str to array_like
        Two or more aligned 1-D arrays of the same length.
    n_boot : int, default 1000
        Bootstrap resamples (>= 1), the same for every pair.
    ci : float, default 0.95
        Coverage of the percentile interval.
    random_state : None, int or numpy.random.Generator, default 0
        Seed of the resamples.

    Returns
    -------
    pandas.DataFrame
        ``column_a, column_b, tau, ci_low, ci_high, n, n_boot``: one row per pair, in the order of
        :func:`itertools.combinations`.

    Raises
    ------
    ValueError
        If ``n_boot < 1``, or a column is not 1-D, finite, numeric and of the first column's length.

    Examples
    --------
    >>> columns = {"angle": [0.1, 0.4, 0.2, 0.8, 0.5], "flatness": [5.0, 4.0, 3.0, 2.0, 1.0],
    ...            "cifar10": [90.1, 91.5, 90.8, 93.0, 92.2]}
    >>> pairwise_table(columns, n_boot=200).round(2)
       column_a  column_b  tau  ci_low  ci_high  n  n_boot
    0     angle  flatness -0.6    -1.0      1.0  5     200
    1     angle   cifar10  1.0     1.0      1.0  5     200
    2  flatness   cifar10 -0.6    -1.0      1.0  5     200
    """
    counts = bootstrap_counts(len(next(iter(columns.values()))), n_boot, random_state)
    rows = [{"column_a": a, "column_b": b,
             **kendall_tau_interval(np.asarray(columns[a]), np.asarray(columns[b]), counts, ci)}
            for a, b in itertools.combinations(columns, 2)]
    return pd.DataFrame(rows, columns=["column_a", "column_b", *_TAU])


def gamma_table(proxies: pd.DataFrame, truth: Mapping[str, np.ndarray], preset: SearchPreset, *, n_boot: int = 1000,
                random_state=0) -> pd.DataFrame:
    """τ of the two flatness combinations of Eq. 5 for every γ of ``preset.gammas`` (``proxies``: the columns of
    :func:`~landscape.studies.proxy_cache.proxy_frame`): long frame ``gamma, dataset, tau, …, proxy``."""
    flat, sigma1 = proxies["flatness"].to_numpy(), preset.sigmas[0]
    bases = (("angle_flatness", proxies["angle"].to_numpy() / np.pi), ("accuracy_flatness", proxies["accuracy"].to_numpy()))
    return pd.concat([rank_table({g: combined_proxy(base, flat, sigma1, g) for g in preset.gammas}, truth, key="gamma",
                                 n_boot=n_boot, random_state=random_state).assign(proxy=name)
                      for name, base in bases], ignore_index=True)


def wide(frame: pd.DataFrame, index: str = "proxy", value: str = "tau") -> pd.DataFrame:
    """A long rank table pivoted to ``index`` × dataset (rows and columns in their order of appearance).

    Parameters
    ----------
    frame : pandas.DataFrame
        A long table with columns ``index``, ``dataset`` and ``value`` (e.g. :func:`rank_table`'s).
    index : str, default "proxy"
        The column whose values become the rows.
    value : str, default "tau"
        The column whose values fill the table.

    Returns
    -------
    pandas.DataFrame
        One row per ``index`` value and one column per dataset.

    Raises
    ------
    ValueError
        If an (``index``, ``dataset``) pair appears twice (from :meth:`pandas.DataFrame.pivot`).

    Examples
    --------
    >>> long = pd.DataFrame({"proxy": ["flatness", "flatness", "angle", "angle"],
    ...                      "dataset": ["cifar10", "cifar100"] * 2, "tau": [0.6, 0.5, 0.4, 0.3]})
    >>> wide(long)
    dataset   cifar10  cifar100
    proxy
    flatness      0.6       0.5
    angle         0.4       0.3
    """
    table = frame.pivot(index=index, columns="dataset", values=value)
    return table.loc[frame[index].drop_duplicates(), frame["dataset"].drop_duplicates()]


def _joint(proxies: pd.DataFrame, nbhd: Mapping[str, np.ndarray], gt: Mapping[str, np.ndarray], p: SearchPreset,
           boot: dict) -> pd.DataFrame:
    """τ between every pair of weight-space proxies, architecture-space neighbourhood flatness and the truth."""
    columns = {"weight_flatness": proxies["flatness"].to_numpy(), "angle": proxies["angle"].to_numpy(),
               "angle_flatness": proxies["angle_flatness"].to_numpy(), "accuracy": proxies["accuracy"].to_numpy(),
               **{f"neighbourhood_flatness_{d}": v for d, v in nbhd.items()},
               **{f"test_accuracy_{d}": v for d, v in gt.items()}}
    return pairwise_table(columns, **boot).assign(gamma=p.gamma)  # angle_flatness's γ


def _ablations(losses: pd.DataFrame, archs: list[str], gt: Mapping[str, np.ndarray], p: SearchPreset,
               boot: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GeNAS Table 8 (flatness at each σ triple) and Table 9 (each α of Eq. 4 at the default triple), recomputed
    from the stored per-level losses, beside the paper's τ."""
    cube = losses.pivot_table(index=["sigmas", "arch"], columns="level", values="loss")
    flat_sigma = {}
    for sigmas in p.sigma_sets:
        label = sigma_label(sigmas)
        flat_sigma[label] = flatness_from_losses(cube.loc[label].loc[archs].dropna(axis=1).to_numpy(), sigmas)
    sigma = rank_table(flat_sigma, gt, key="sigmas", **boot)
    sigma["paper_tau"] = [PAPER_TABLE8.get(s, (np.nan,) * 3)[DATASETS.index(d)]
                          for s, d in zip(sigma["sigmas"], sigma["dataset"])]
    default = cube.loc[sigma_label(p.sigmas)].loc[archs].dropna(axis=1).to_numpy()
    alpha = rank_table({a: flatness_from_losses(default, p.sigmas, a) for a in p.alphas}, gt, key="alpha", **boot)
    alpha["paper_tau"] = [PAPER_TABLE9.get(a, np.nan) if d == "cifar10" else np.nan
                          for a, d in zip(alpha["alpha"], alpha["dataset"])]
    return sigma, alpha


def proxy_tables(
    preset: str | SearchPreset,
    out: str | os.PathLike,
    *,
    space: str = "nb201",
    random_state: int = 0,
    device: str | torch.device = "auto",
    progress: bool = True,
    data_path: str | os.PathLike | None = None,
    store: Store | None = None,
) -> ProxyTables:
    """Train (or load) the supernet, score ``preset.table_archs`` sampled cells, and build every table.

    Writes ``scores``, ``table5``, ``sigma_ablation``, ``alpha_ablation``, ``gamma_ablation`` and ``joint`` (CSV)
    to ``<out>/tables``; the network evaluations are kept in ``<out>/proxies`` and never repeated.

    Parameters
    ----------
    preset : str or SearchPreset
        An NB201 preset name (:data:`~landscape.studies.presets.SEARCH_PRESETS`) or a preset.
    out : str or os.PathLike
        The search's results folder (the supernet in ``spos``).
    space : str, default "nb201"
        Must be ``"nb201"`` (on the DARTS space: :func:`~landscape.studies.genas_darts_space.darts_tables`).
    random_state : int, default 0
        Seed of the supernet, of the sampled cells and of the bootstrap resamples.
    device : str or torch.device, default "auto"
        Where the supernet trains and the proxies are evaluated.
    progress : bool, default True
        Show progress bars.
    data_path : str, os.PathLike or None, default None
        The CIFAR-10 JPEG zip or its folder (None: the shared data folder).
    store : Store or None, default None
        The ground-truth store (default :func:`~landscape.bench.load_store`).

    Returns
    -------
    ProxyTables
        The scores and tables (their columns: :class:`ProxyTables`); in ``table5`` the published readings first,
        then the paper's ``angle_exact`` and ``flatness_exact``; ``gamma``: the two flatness combinations of
        Eq. 5 for each γ of ``preset.gammas``.

    Raises
    ------
    ValueError
        For a space other than NB201 or an unknown preset, or as :func:`~landscape.studies.supernet.train_supernet`.

    Examples
    --------
    >>> get_preset("smoke").table_archs, get_preset("smoke").sigma_sets
    (8, ((0.0005, 0.001, 0.002), (0.002, 0.01, 0.02)))
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 20 s at the smoke preset (supernet, 8 cells)
    ...     tables = proxy_tables("smoke", out, progress=False)  # doctest: +SKIP
    """
    check_nb201(space, "proxy_tables (on the DARTS space: landscape.studies.genas_darts_space.darts_tables)")
    p = get_preset(preset)
    store = load_store() if store is None else store
    return _tables(p, out, space, random_state, device, progress, data_path, store)


def _tables(p: SearchPreset, out: str | os.PathLike, space: str, random_state: int, device: str | torch.device,
            progress: bool, data_path: str | os.PathLike | None, store: Store) -> ProxyTables:
    """:func:`proxy_tables` after its checks: the supernet, the sampled cells scored, every table written to
    ``<out>/tables``."""
    trained = train_supernet(p, out, space=space, random_state=random_state, device=device, progress=progress,
                             data_path=data_path)
    cache = ProxyCache(trained, device=device, data_path=data_path, progress=progress)
    run = RunStore(Path(out) / "tables", {"stage": "tables", "proxies": cache.run.hash, "seed": int(random_state),
                                          **p.stage_config("tables")})
    archs = sample_archs(p.table_archs, stream(random_state, "table_sample"), store)
    proxies = cache.proxies(archs)
    losses = cache.sigma_losses(archs, p.sigma_sets)
    truth = ground_truth(archs, store)
    gt = {d: truth[d].to_numpy() for d in DATASETS}
    boot = {"n_boot": p.n_boot, "random_state": int(random_state)}

    table5 = rank_table({k: proxies[k].to_numpy() for k in PROXIES + EXACT_PROXIES}, gt, **boot)
    table5["paper_tau"] = [PAPER_TABLE5.get(k, (np.nan,) * 3)[DATASETS.index(d)]
                           for k, d in zip(table5["proxy"], table5["dataset"])]
    table5["gamma"] = p.gamma
    gamma = gamma_table(proxies, gt, p, **boot)
    sigma, alpha = _ablations(losses, archs, gt, p, boot)

    nbhd = {d: -neighbourhood_flatness(store.array(d, split="test", epochs=200), store.index,
                                       truth["index"].to_numpy()) for d in DATASETS}
    joint = _joint(proxies, nbhd, gt, p, boot)
    scores = truth.rename(columns={d: f"test_accuracy_{d}" for d in DATASETS})
    scores = scores.assign(**{k: proxies[k].to_numpy() for k in PROXIES + EXACT_PROXIES},
                           **{f"neighbourhood_flatness_{d}": v for d, v in nbhd.items()}, gamma=p.gamma)
    for name, frame in (("scores", scores), ("table5", table5), ("sigma_ablation", sigma),
                        ("alpha_ablation", alpha), ("gamma_ablation", gamma), ("joint", joint)):
        run.write(name, frame)
    return ProxyTables(scores, losses, table5, sigma, alpha, gamma, joint)
