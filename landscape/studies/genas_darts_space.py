"""GeNAS on the DARTS space, judged by the NAS-Bench-301 surrogate: Table 5's τ, a γ sweep, searches compared.

GeNAS reports no rank correlation on the DARTS space (only searched-architecture accuracy, Tables 1-2), and
no DARTS-space ground truth exists at our scale; the NB301 surrogate (:func:`~landscape.studies.genas.space_truth`)
stands in for it.  It is a prediction: its own Kendall τ against NASLib's trained DARTS genotypes is
:data:`~landscape.oracles.nb301.NASLIB_TAU` (0.42 [0.38, 0.45]), so a proxy's τ against it mixes the proxy's
error with the surrogate's, and a τ near 0.4 is as close as any proxy could be shown to come.

:func:`darts_tables` scores ``preset.table_archs`` uniformly sampled genotypes by every proxy on the trained
DARTS-space supernet (:class:`~landscape.studies.proxy_cache.ProxyCache`, resumable) and gives τ-b with
bootstrap CIs against the surrogate (``table5``), the γ sweep of Eq. 5 and random search from that sample at
the evolution's budget; :func:`search_comparison` sets the searched genotypes (GeNAS evolution, DARTS, A²M)
beside random search and the published DARTS genotypes, all scored by the surrogate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..oracles.nb301 import NB301Surrogate
from ..runs import RunStore
from ..search.random_search import random_search
from ..spaces.darts import DARTS_V1, DARTS_V2, PC_DARTS, format_genotype, random_genotype
from ..validation import check_int, check_random_state
from .darts_space_geometry import surrogate_agreement
from .genas import space_truth
from .genas_tables import gamma_table, rank_table
from .layout import NB301_TRUTH, evolution_records, search_records
from .presets import SearchPreset, get_preset
from .proxy_cache import ProxyCache
from .seeds import stream
from .supernet import train_supernet
from .vocabulary import EXACT_PROXIES, FITNESSES, PROXIES

__all__ = ["PUBLISHED_GENOTYPES", "DartsTables", "sample_genotypes", "darts_tables", "search_comparison",
           "write_search_comparison"]

#: Genotypes searched at full scale by their authors, scored by the surrogate beside ours.
PUBLISHED_GENOTYPES = {"DARTS_V2 (published)": DARTS_V2, "DARTS_V1 (published)": DARTS_V1,
                       "PC-DARTS (published)": PC_DARTS}


@dataclass
class DartsTables:
    """Per-genotype scores and the tidy long tables of :func:`darts_tables`.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per genotype: ``arch``, the proxies, :data:`~landscape.studies.genas.NB301_TRUTH` (%) and
        ``gamma``.
    table5 : pandas.DataFrame
        ``proxy, dataset, tau, ci_low, ci_high, n, n_boot, gamma``: the published readings, then ``angle_exact``
        and ``flatness_exact``, against the surrogate.
    gamma : pandas.DataFrame
        The γ sweep of Eq. 5: ``gamma, dataset, tau, …, proxy``.
    random_search : pandas.DataFrame
        ``fitness, budget, mean, q_low, q_high, n_repeats``: random search by each fitness at the evolution's
        budget, ``population × generations``, and ``"none"``: one random genotype.

    Examples
    --------
    >>> from dataclasses import fields
    >>> [f.name for f in fields(DartsTables)]
    ['scores', 'table5', 'gamma', 'random_search']
    """

    scores: pd.DataFrame
    table5: pd.DataFrame
    gamma: pd.DataFrame
    random_search: pd.DataFrame


def sample_genotypes(n: int, random_state=None) -> list[str]:
    """``n`` distinct genotypes drawn uniformly from the DARTS space (seeded), as canonical strings."""
    n = check_int(n, "n", 1)
    rng = check_random_state(random_state)
    names: dict[str, None] = {}
    while len(names) < n:
        names[format_genotype(random_genotype(rng))] = None
    return list(names)


def darts_tables(
    preset: str | SearchPreset,
    out: str | os.PathLike,
    *,
    random_state: int = 0,
    device: str | torch.device = "auto",
    progress: bool = True,
    data_path: str | os.PathLike | None = None,
    surrogate: NB301Surrogate | None = None,
) -> DartsTables:
    """Train (or load) the DARTS-space supernet, score ``preset.table_archs`` sampled genotypes, build the tables.

    Writes ``scores``, ``table5``, ``gamma_ablation``, ``random_search`` and ``surrogate`` (the surrogate's own rank
    agreement, the caveat of every τ here) as CSV to ``<out>/tables``; the network evaluations are kept in
    ``<out>/proxies`` and never repeated.

    Parameters
    ----------
    preset : str or SearchPreset
        A name of :data:`~landscape.studies.presets.DARTS_SPACE_PRESETS` or a preset that sets ``layers``.
    out : str or os.PathLike
        The search's results folder (the supernet in ``spos``).
    random_state : int, default 0
        Seed of the supernet, the sampled genotypes, the bootstrap resamples and random search.
    device : str or torch.device, default "auto"
        Where the supernet trains and the proxies are evaluated.
    progress : bool, default True
        Show progress bars.
    data_path : str, os.PathLike or None, default None
        The CIFAR-10 JPEG zip or its folder (None: the shared data folder).
    surrogate : NB301Surrogate or None, default None
        The ground truth (default :class:`~landscape.oracles.nb301.NB301Surrogate`).

    Returns
    -------
    DartsTables
        The scores and tables (their columns: :class:`DartsTables`).

    Examples
    --------
    >>> p = get_preset("smoke", "darts")
    >>> p.layers, p.table_archs, p.population * p.generations
    (3, 8, 18)
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 2 min at the smoke preset (2-core CPU)
    ...     tables = darts_tables("smoke", out, progress=False)  # doctest: +SKIP
    """
    p = get_preset(preset, "darts")
    trained = train_supernet(p, out, space="darts", random_state=random_state, device=device, progress=progress,
                             data_path=data_path)
    cache = ProxyCache(trained, device=device, data_path=data_path, progress=progress)
    return _tables(cache, out, p, random_state, surrogate)


def _tables(cache: ProxyCache, out: str | os.PathLike, p: SearchPreset, random_state: int,
            surrogate: NB301Surrogate | None) -> DartsTables:
    """:func:`darts_tables` on the supernet of ``cache``: the sampled genotypes scored, every table, written to
    ``<out>/tables``."""
    run = RunStore(Path(out) / "tables", {"stage": "tables", "space": "darts", "proxies": cache.run.hash,
                                          "seed": int(random_state), **p.stage_config("tables")})
    names = sample_genotypes(p.table_archs, stream(random_state, "table_sample"))
    proxies = cache.proxies(names)
    truth = space_truth("darts", names, surrogate=surrogate)[NB301_TRUTH].to_numpy()
    gt = {NB301_TRUTH: truth}
    boot = {"n_boot": p.n_boot, "random_state": int(random_state)}
    table5 = rank_table({k: proxies[k].to_numpy() for k in PROXIES + EXACT_PROXIES}, gt, **boot).assign(gamma=p.gamma)
    gamma = gamma_table(proxies, gt, p, **boot)
    budget = min(p.population * p.generations, len(names))
    searches = [{"fitness": "none", **random_search(np.zeros(len(names)), truth, 1, random_state=random_state)}]
    searches += [{"fitness": f, **random_search(proxies[f].to_numpy(), truth, budget, random_state=random_state)}
                 for f in FITNESSES]
    scores = proxies.reset_index().assign(**{NB301_TRUTH: truth}, gamma=p.gamma)
    tables = DartsTables(scores, table5, gamma, pd.DataFrame(searches))
    for name, frame in (("scores", tables.scores), ("table5", table5), ("gamma_ablation", gamma),
                        ("random_search", tables.random_search), ("surrogate", surrogate_agreement())):
        run.write(name, frame)
    return tables


def search_comparison(genas_dir: str | os.PathLike, *, a2m_dir: str | os.PathLike | None = None,
                      surrogate: NB301Surrogate | None = None) -> pd.DataFrame:
    """The DARTS-space searches side by side, all scored by the NB301 surrogate (%).

    Rows (``method, fitness, budget, arch, accuracy, q_low, q_high``; ``budget``: architectures evaluated, empty for
    gradient searches and published genotypes): every GeNAS evolution in ``genas_dir``
    (``evolve_<fitness>/result.json``), random search by the same fitness at the same budget and a random genotype
    (from ``genas_dir/tables/random_search.csv``: mean and the central 95 % of single runs), every DARTS and A²M run
    on the DARTS space in ``a2m_dir`` (``{darts,a2m}-seed*/result.json``), and :data:`PUBLISHED_GENOTYPES`.
    """
    genas_dir = Path(genas_dir)
    surrogate = NB301Surrogate() if surrogate is None else surrogate
    rows = [{"method": "GeNAS evolution", "fitness": r.method, "budget": r.extra["n_evaluated"], "arch": r.arch,
             "accuracy": r.accuracy[NB301_TRUTH]} for r in evolution_records(genas_dir) if NB301_TRUTH in r.accuracy]
    searched = pd.DataFrame(rows)
    table = genas_dir / "tables" / "random_search.csv"
    if table.is_file():
        for r in pd.read_csv(table).to_dict("records"):
            if r["fitness"] == "none" or (not searched.empty and r["fitness"] in set(searched["fitness"])):
                rows.append({"method": "random genotype" if r["fitness"] == "none" else "random search",
                             "fitness": r["fitness"], "budget": r["budget"], "accuracy": r["mean"],
                             "q_low": r["q_low"], "q_high": r["q_high"]})
    runs = search_records(Path(a2m_dir)) if a2m_dir is not None else []  # the folder of one space (layout)
    for r in runs:
        rows.append({"method": f"{'DARTS' if r.method == 'darts' else 'A²M'} (seed {r.seed})",
                     "fitness": "gradient (first order)", "arch": r.arch})
    rows += [{"method": name, "arch": format_genotype(g)} for name, g in PUBLISHED_GENOTYPES.items()]
    frame = pd.DataFrame(rows, columns=["method", "fitness", "budget", "arch", "accuracy", "q_low", "q_high"])
    todo = frame["accuracy"].isna() & frame["arch"].notna()
    if todo.any():
        frame.loc[todo, "accuracy"] = surrogate(list(frame.loc[todo, "arch"]))
    return frame


def write_search_comparison(genas_dir: str | os.PathLike, *, a2m_dir: str | os.PathLike | None = None,
                            surrogate: NB301Surrogate | None = None) -> pd.DataFrame:
    """:func:`search_comparison`, written to ``<genas_dir>/tables/search_comparison.csv`` for the report."""
    frame = search_comparison(genas_dir, a2m_dir=a2m_dir, surrogate=surrogate)
    frame.to_csv(Path(genas_dir) / "tables" / "search_comparison.csv", index=False)
    return frame
