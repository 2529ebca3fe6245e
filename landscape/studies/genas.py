"""GeNAS end to end: train (or resume) the SPOS supernet, evolve by a proxy fitness, look the winner up.

On NB201 the winner's ground truth is the benchmark's 200-epoch test accuracy; on the DARTS space it is
the NAS-Bench-301 surrogate's CIFAR-10 validation accuracy (:func:`space_truth`).  The search state is
checkpointed after every generation in ``<out>/evolve_<fitness>``; proxies are shared with the rank tables
through :class:`~landscape.studies.proxy_cache.ProxyCache`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..bench.analyses import ground_truth
from ..bench.store import DATASETS, Store
from ..oracles.nb301 import NB301Surrogate
from ..runs import RunStore
from ..search.evolution import GENOMES, evolutionary_search
from ..spaces import get_space
from ..validation import check_choice
from .layout import NB301_TRUTH
from .presets import SearchPreset, get_preset
from .proxy_cache import ProxyCache
from .seeds import stream
from .supernet import check_space, train_supernet
from .vocabulary import FITNESSES

__all__ = ["NB301_TRUTH", "SearchResult", "space_truth", "run_search"]



def space_truth(space: str, archs: list[str], *, store: Store | None = None,
                surrogate: NB301Surrogate | None = None) -> pd.DataFrame:
    """Ground truth of named architectures, one row each (index: the name), in %.

    NB201: the 200-epoch test accuracy of :data:`~landscape.bench.store.DATASETS` and the cell's ``index``
    (``store``, default :func:`~landscape.bench.load_store`); DARTS: the column :data:`NB301_TRUTH`
    (``surrogate``, default :class:`~landscape.oracles.nb301.NB301Surrogate`), a prediction: its own Kendall τ
    against NASLib's trained DARTS genotypes is :data:`~landscape.oracles.nb301.NASLIB_TAU` (0.42 [0.38, 0.45]).
    """
    if get_space(check_space(space)).tabular:
        return ground_truth(archs, store).set_index("arch")
    surrogate = NB301Surrogate() if surrogate is None else surrogate
    return pd.DataFrame({NB301_TRUTH: surrogate(archs)}, index=pd.Index(archs, name="arch"))


@dataclass
class SearchResult:
    """The architecture found by :func:`run_search`, its fitness and ground truth, and the search history.

    Parameters
    ----------
    arch : str
        The winner: an NB201 string or a DARTS genotype string.
    fitness : str
        The fitness it was found by (one of :data:`~landscape.studies.vocabulary.FITNESSES`).
    score : float
        Its fitness value.
    ground_truth : dict of str to float
        Its ground truth in %: NB201's 200-epoch test accuracy per dataset, or the NB301 surrogate's
        CIFAR-10 validation accuracy (key :data:`NB301_TRUTH`).
    history : pandas.DataFrame
        One row per evaluation, in order: ``generation``, ``origin``, ``fitness``, ``arch``; its length is
        ``n_evaluated``.
    run : landscape.runs.RunStore
        The search's folder ``<out>/evolve_<fitness>``.

    Examples
    --------
    >>> from dataclasses import fields
    >>> [f.name for f in fields(SearchResult)]
    ['arch', 'fitness', 'score', 'ground_truth', 'history', 'run']
    """

    arch: str
    fitness: str
    score: float
    ground_truth: dict[str, float]
    history: pd.DataFrame
    run: RunStore = field(repr=False)

    @property
    def n_evaluated(self) -> int:
        return len(self.history)


def run_search(
    preset: str | SearchPreset,
    out: str | os.PathLike,
    *,
    fitness: str = "angle_flatness",
    space: str = "nb201",
    random_state: int = 0,
    device: str | torch.device = "auto",
    progress: bool = True,
    data_path: str | os.PathLike | None = None,
    store: Store | None = None,
    on_generation: Callable[[int], None] | None = None,
) -> SearchResult:
    """GeNAS search: train (or resume, or load) the SPOS supernet, evolve by ``fitness``, look the winner up.

    Parameters
    ----------
    preset : str or SearchPreset
        A preset name of ``space`` (:func:`~landscape.studies.presets.get_preset`) or a preset.
    out : str or os.PathLike
        The search's results folder (the supernet in ``spos``, its proxies in ``proxies``).
    fitness : str, default "angle_flatness"
        One of :data:`~landscape.studies.vocabulary.FITNESSES` (larger = better).
    space : str, default "nb201"
        ``"nb201"`` cells, or ``"darts"`` supernet candidates evolved as the published GeNAS code
        (:data:`~landscape.search.evolution.GENOMES`); the ground truth is :func:`space_truth`'s.
    random_state : int, default 0
        Seed of the supernet (:func:`~landscape.studies.supernet.train_supernet`) and of the evolution.
    device : str or torch.device, default "auto"
        Where the supernet trains and the proxies are evaluated.
    progress : bool, default True
        Show progress bars.
    data_path : str, os.PathLike or None, default None
        The CIFAR-10 JPEG zip or its folder (None: the shared data folder).
    store : Store or None, default None
        The ground-truth store (default :func:`~landscape.bench.load_store`).
    on_generation : callable or None, default None
        Called with the generation number after each generation's checkpoint in ``<out>/evolve_<fitness>``;
        a resumed run never re-evaluates an architecture and ends with the same result.

    Returns
    -------
    SearchResult
        The winner, its fitness and ground truth (%), and every evaluation; also in ``result.json``.

    Raises
    ------
    ValueError
        For an unknown fitness, space or preset, or as :func:`~landscape.studies.supernet.train_supernet`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:  # about 25 s at the smoke preset: supernet, 3 generations of 6
    ...     result = run_search("smoke", out, progress=False)  # doctest: +SKIP
    """
    fitness = check_choice(fitness, "fitness", FITNESSES)
    space = check_space(space)
    p = get_preset(preset, space)
    return _search(p, out, fitness, space, random_state, device, progress, data_path, store, on_generation)


def _search(p: SearchPreset, out: str | os.PathLike, fitness: str, space: str, random_state: int,
            device: str | torch.device, progress: bool, data_path: str | os.PathLike | None, store: Store | None,
            on_generation: Callable[[int], None] | None) -> SearchResult:
    """:func:`run_search` after its checks: the supernet, the evolution checkpointed in ``<out>/evolve_<fitness>``,
    and its result."""
    trained = train_supernet(p, out, space=space, random_state=random_state, device=device, progress=progress,
                             data_path=data_path)
    cache = ProxyCache(trained, device=device, data_path=data_path, progress=progress)
    run = RunStore(Path(out) / f"evolve_{fitness}",
                   {"stage": "evolution", "fitness": fitness, "proxies": cache.run.hash, "seed": int(random_state),
                    **p.stage_config("evolution")})

    def evaluate(codes: np.ndarray) -> np.ndarray:
        return cache.proxies(list(codes))[fitness].to_numpy()

    def checkpoint(state: dict) -> None:
        run.save_checkpoint(state)
        if on_generation is not None:
            on_generation(int(state["generation"]))

    result = evolutionary_search(
        evaluate, **asdict(p.stage("evolution")), genome=GENOMES[space],
        random_state=stream(random_state, "evolution"), resume=run.load_checkpoint(), on_generation=checkpoint,
        progress=progress)
    history = result.history.assign(arch=cache.names(list(result.history["codes"]))).drop(columns="codes")
    run.write("history", history)
    best = cache.names([result.best])[0]
    truth = space_truth(space, [best], store=store).iloc[0]
    if get_space(space).tabular:
        gt = {d: float(truth[d]) for d in DATASETS}
        found = {"arch": best, "index": int(truth["index"]), "ground_truth_test_accuracy_200": gt}
    else:
        gt = {NB301_TRUTH: float(truth[NB301_TRUTH])}
        found = {"arch": best, "ground_truth": gt}
    run.write_json("result", {**found, "fitness": fitness, "score": result.best_fitness,
                              "n_evaluated": result.n_evaluated, "space": space, "preset": p.name, "note": p.note})
    return SearchResult(best, fitness, result.best_fitness, gt, history, run)
