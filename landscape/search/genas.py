"""GeNAS end to end: train (or resume) the SPOS supernet, evolve by a proxy fitness, look the winner up.

The search state is checkpointed after every generation in ``<out>/evolve_<fitness>``; proxies are shared
with the rank tables through :class:`~landscape.search.proxy_cache.ProxyCache`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..bench.analyses import ground_truth
from ..bench.store import DATASETS, Store
from ..runs import RunStore
from ..spaces.nb201 import format_arch
from ..validation import check_choice
from .evolution import evolutionary_search
from .presets import SearchPreset, get_preset
from .proxy_cache import FITNESSES, ProxyCache
from .spos import check_nb201, train_supernet

__all__ = ["SearchResult", "run_search"]


@dataclass
class SearchResult:
    """The architecture found by :func:`run_search`, its fitness and ground truth, and the search history."""

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
    device: str | torch.device = "cpu",
    progress: bool = True,
    data_path: str | os.PathLike | None = None,
    store: Store | None = None,
    on_generation: Callable[[int], None] | None = None,
) -> SearchResult:
    """GeNAS search: train (or resume, or load) the SPOS supernet, evolve by ``fitness``, look the winner up.

    The search state is checkpointed after each generation in ``<out>/evolve_<fitness>``
    (``on_generation`` is called after each checkpoint with the generation number); a resumed
    run never re-evaluates an architecture and ends with the same result.  ``store`` is the
    ground-truth store (default :func:`~landscape.bench.load_store`).
    """
    fitness = check_choice(fitness, "fitness", FITNESSES)
    check_nb201(space, "the GeNAS evolution")
    p = get_preset(preset)
    trained = train_supernet(p, out, space=space, random_state=random_state, device=device, progress=progress,
                             data_path=data_path)
    cache = ProxyCache(trained, device=device, data_path=data_path, progress=progress)
    run = RunStore(Path(out) / f"evolve_{fitness}",
                   {"stage": "evolution", "fitness": fitness, "proxies": cache.run.hash, "seed": int(random_state),
                    **p.stage_config("evolution")})

    def evaluate(codes: np.ndarray) -> np.ndarray:
        return cache.proxies([tuple(int(c) for c in row) for row in codes])[fitness].to_numpy()

    def checkpoint(state: dict) -> None:
        run.save_checkpoint(state)
        if on_generation is not None:
            on_generation(int(state["generation"]))

    result = evolutionary_search(
        evaluate, population=p.population, generations=p.generations, top_k=p.top_k, mutants=p.mutants,
        mutation_prob=p.mutation_prob, crossovers=p.crossovers, random_state=np.random.SeedSequence([random_state, 1]),
        resume=run.load_checkpoint(), on_generation=checkpoint, progress=progress)
    history = result.history.assign(arch=format_arch(np.array(result.history["codes"].tolist()))).drop(columns="codes")
    run.write("history", history)
    best = format_arch(result.best)
    truth = ground_truth([best], store).iloc[0]
    gt = {d: float(truth[d]) for d in DATASETS}
    run.write_json("result", {"arch": best, "index": int(truth["index"]), "fitness": fitness,
                              "score": result.best_fitness, "ground_truth_test_accuracy_200": gt,
                              "n_evaluated": result.n_evaluated, "preset": p.name, "note": p.note})
    return SearchResult(best, fitness, result.best_fitness, gt, history, run)
