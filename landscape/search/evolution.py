"""Evolutionary search over NB201 with GeNAS proxies of SPOS sub-networks (SPOS / RLNAS / GeNAS).

The search (:func:`evolutionary_search`) follows SPOS's ``EvolutionSearcher``: a random
population, then for each later generation the ``top_k`` best architectures evaluated so far are the
parents of ``mutants`` mutants (each choice redrawn with probability ``mutation_prob``) and
``crossovers`` crossovers (each choice from one of two parents); random architectures fill the
population; an architecture is never evaluated twice.  It maximises any function of op-code
rows, so it is tested on known functions.

:func:`run_search` scores sub-networks of the trained supernet (BN re-estimated first) by a
GeNAS fitness: validation ``accuracy``, ``angle`` (Eq. 8), ``flatness`` (Eq. 3-4) or the
combinations ``angle_flatness`` / ``accuracy_flatness`` (Eq. 5) and ``angle_accuracy``
(``angle/π + accuracy``).  Every evaluated architecture is appended to ``<out>/proxies``
(:class:`ProxyCache`, shared by all fitnesses and the rank tables), the search state is
checkpointed after every generation in ``<out>/evolve_<fitness>``, and the winner is looked up
in the NB201 ground truth.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from ..bench import load_store
from ..bench.store import DATASETS, Store
from ..flatness.losses import recalibrate_bn
from ..flatness.proxies import GENAS_GAMMA, combined_proxy, flatness
from ..flatness.study import supernet_proxies
from ..nn.images import batches
from ..runs import RunStore
from ..spaces.nb201 import N_EDGES, N_OPS, format_arch, parse_arch
from ..validation import check_choice, check_int, check_random_state
from .presets import SearchPreset, get_preset
from .spos import TrainedSupernet, check_device, load_data, train_supernet

__all__ = [
    "FITNESSES", "PROXIES", "EXACT_PROXIES", "EvolutionResult", "SearchResult", "ProxyCache",
    "sigma_label", "mutate", "crossover", "evolutionary_search", "proxy_frame", "ground_truth", "run_search",
]

#: Fitness name → its column in :func:`proxy_frame` (larger = predicted better for every one).
FITNESSES: tuple[str, ...] = ("accuracy", "angle", "flatness", "angle_accuracy", "angle_flatness",
                              "accuracy_flatness")
#: The proxies of GeNAS Table 5, in its row order.
PROXIES: tuple[str, ...] = ("angle", "accuracy", "flatness", "angle_accuracy", "angle_flatness", "accuracy_flatness")
#: The paper's readings of angle and flatness (all parameters; fresh noise per σ), beside the published ones.
EXACT_PROXIES: tuple[str, ...] = ("angle_exact", "flatness_exact")
#: NB201 datasets of the ground truth (200-epoch test accuracy, %).
_ORIGINS = ("random", "mutation", "crossover")


# -- the search -----------------------------------------------------------------------------
def mutate(parents: np.ndarray, prob: float, random_state=None, n_choices: int = N_OPS) -> np.ndarray:
    """Each choice of each row of ``parents`` redrawn uniformly from ``0..n_choices-1`` with probability ``prob``.

    A redraw may return the same choice, as in SPOS (``cand[i] = randint(n)`` when ``random() < p``).
    """
    parents = np.atleast_2d(np.asarray(parents))
    if not 0 <= prob <= 1:
        raise ValueError(f"prob must be in [0, 1], got {prob!r}")
    rng = check_random_state(random_state)
    redraw = rng.random(parents.shape) < prob
    return np.where(redraw, rng.integers(0, n_choices, parents.shape), parents)


def crossover(a: np.ndarray, b: np.ndarray, random_state=None) -> np.ndarray:
    """Uniform crossover: each choice taken from ``a`` or ``b`` with probability 1/2 (rows paired)."""
    a, b = np.atleast_2d(np.asarray(a)), np.atleast_2d(np.asarray(b))
    if a.shape != b.shape:
        raise ValueError(f"parents must have the same shape, got {a.shape} and {b.shape}")
    rng = check_random_state(random_state)
    return np.where(rng.random(a.shape) < 0.5, a, b)


@dataclass
class EvolutionResult:
    """Outcome of :func:`evolutionary_search`: the best row and every evaluation in order."""

    best: np.ndarray
    best_fitness: float
    history: pd.DataFrame
    top_k: np.ndarray

    @property
    def n_evaluated(self) -> int:
        return len(self.history)


def _new_rows(cands: np.ndarray, places: np.ndarray, seen: set[int], limit: int) -> np.ndarray:
    """The first ``limit`` distinct rows of ``cands`` whose key is not in ``seen`` (which is updated)."""
    keys = cands @ places
    _, first = np.unique(keys, return_index=True)
    first = np.sort(first)
    first = first[~np.isin(keys[first], np.fromiter(seen, np.int64, len(seen)))][:limit]
    seen.update(keys[first].tolist())
    return cands[first]


def evolutionary_search(
    fitness: Callable[[np.ndarray], np.ndarray],
    *,
    population: int = 100,
    generations: int = 20,
    top_k: int = 10,
    mutants: int = 25,
    mutation_prob: float = 0.1,
    crossovers: int = 25,
    n_genes: int = N_EDGES,
    n_choices: int = N_OPS,
    random_state=None,
    resume: Mapping | None = None,
    on_generation: Callable[[dict], None] | None = None,
    progress: bool = False,
) -> EvolutionResult:
    """Maximise ``fitness`` over rows of ``n_genes`` choices in ``0..n_choices-1`` (SPOS evolution).

    Parameters
    ----------
    fitness : maps an ``(k, n_genes)`` int array to ``k`` fitness values (larger = better);
        called once per generation with the architectures never evaluated before.
    population : architectures per generation (SPOS: 50; GeNAS/RLNAS on NB201: 100).
    generations : generations in total, the random first one included (the published GeNAS
        code: 20).
    top_k : parents: the best ``top_k`` of everything evaluated so far.
    mutants, mutation_prob, crossovers : offspring per generation; each is drawn from at most
        10 times as many tries (SPOS's limit), duplicates and evaluated rows rejected.
    random_state : seed of every random choice.
    resume : a state passed to ``on_generation`` earlier; the search continues after it and
        gives the same result as an uninterrupted run.
    on_generation : called with a checkpointable state after every generation.
    """
    population = check_int(population, "population", 1)
    generations = check_int(generations, "generations", 1)
    top_k = check_int(top_k, "top_k", 1)
    mutants = check_int(mutants, "mutants", 0)
    crossovers = check_int(crossovers, "crossovers", 0)
    n_genes, n_choices = check_int(n_genes, "n_genes", 1), check_int(n_choices, "n_choices", 2)
    if top_k > population:
        raise ValueError(f"top_k must be <= population ({population}), got {top_k}")
    if not 0 <= mutation_prob <= 1:
        raise ValueError(f"mutation_prob must be in [0, 1], got {mutation_prob!r}")
    rng = check_random_state(random_state)
    places = n_choices ** np.arange(n_genes, dtype=np.int64)
    if resume is None:
        codes, scores = np.empty((0, n_genes), np.int64), np.empty(0)
        generation_of, origin = np.empty(0, np.int64), np.empty(0, np.int64)
        start = 0
    else:
        codes, scores = np.asarray(resume["codes"], np.int64), np.asarray(resume["fitness"], np.float64)
        generation_of, origin = np.asarray(resume["generation_of"], np.int64), np.asarray(resume["origin"], np.int64)
        rng.bit_generator.state = resume["rng"]
        start = int(resume["generation"]) + 1
    seen = set((codes @ places).tolist())
    bar = tqdm(range(start, generations), desc="evolution", unit="generation", initial=start,
               total=generations, disable=not progress)
    for generation in bar:
        parts = []
        if generation > 0:
            parents = codes[np.argsort(-scores, kind="stable")[:top_k]]
            if mutants:
                tries = parents[rng.integers(0, len(parents), 10 * mutants)]
                parts.append((_new_rows(mutate(tries, mutation_prob, rng, n_choices), places, seen, mutants), 1))
            if crossovers:
                pairs = rng.integers(0, len(parents), (2, 10 * crossovers))
                children = crossover(parents[pairs[0]], parents[pairs[1]], rng)
                parts.append((_new_rows(children, places, seen, crossovers), 2))
        need = population - sum(len(rows) for rows, _ in parts)
        if need > 0:
            parts.append((_new_rows(rng.integers(0, n_choices, (10 * need, n_genes)), places, seen, need), 0))
        new = np.concatenate([rows for rows, _ in parts]).astype(np.int64)
        values = np.asarray(fitness(new), np.float64) if len(new) else np.empty(0)
        if values.shape != (len(new),) or not np.all(np.isfinite(values)):
            raise ValueError(f"fitness must return {len(new)} finite values for {len(new)} rows, got "
                             f"shape {values.shape}{'' if values.shape != (len(new),) else ' with NaN/inf'}")
        codes, scores = np.vstack([codes, new]), np.concatenate([scores, values])
        generation_of = np.concatenate([generation_of, np.full(len(new), generation)])
        origin = np.concatenate([origin] + [np.full(len(rows), o) for rows, o in parts])
        bar.set_postfix(best=f"{scores.max():.4g}", evaluated=len(scores))
        if on_generation is not None:
            on_generation({"generation": generation, "codes": codes, "fitness": scores,
                           "generation_of": generation_of, "origin": origin, "rng": rng.bit_generator.state})
    order = np.argsort(-scores, kind="stable")
    history = pd.DataFrame({"generation": generation_of, "origin": np.asarray(_ORIGINS)[origin],
                            "key": codes @ places, "fitness": scores})
    history.insert(0, "codes", [tuple(int(c) for c in row) for row in codes])
    return EvolutionResult(codes[order[0]], float(scores[order[0]]), history, codes[order[:top_k]])


# -- proxies of supernet sub-networks ------------------------------------------------------------
def proxy_frame(scores: pd.DataFrame, sigma1: float, gamma: float = GENAS_GAMMA) -> pd.DataFrame:
    """The GeNAS proxies (columns :data:`PROXIES`) from :func:`supernet_proxies`' columns.

    ``accuracy`` = validation accuracy, ``angle`` (Eq. 8, path-wise as the published code),
    ``flatness`` (Eq. 4, the published code's residual noise), ``angle_flatness`` =
    ``angle/π + γ·F/σ₁`` and ``accuracy_flatness`` = ``accuracy + γ·F/σ₁`` (Eq. 5),
    ``angle_accuracy`` = ``angle/π + accuracy``; then the paper's readings ``angle_exact`` (all
    parameters) and ``flatness_exact`` (fresh noise per σ).
    """
    acc, theta, flat = scores["valid_accuracy"], scores["angle"], scores["flatness_faithful"]
    return pd.DataFrame({
        "angle": theta, "accuracy": acc, "flatness": flat, "angle_accuracy": theta / np.pi + acc,
        "angle_flatness": combined_proxy(theta / np.pi, flat, sigma1, gamma),
        "accuracy_flatness": combined_proxy(acc, flat, sigma1, gamma),
        "angle_exact": scores["angle_exact"], "flatness_exact": scores["flatness_exact"],
    }, index=scores.index)


def _names(archs: Sequence[str | Sequence[int]]) -> list[str]:
    """Official strings of NB201 architectures given as strings or op codes (at least one)."""
    names = [format_arch(parse_arch(a) if isinstance(a, str) else [int(c) for c in a]) for a in archs]
    if not names:
        raise ValueError("archs is empty: give at least one architecture")
    return names


def sigma_label(sigmas: Sequence[float]) -> str:
    """A σ triple as the label the tables use, e.g. ``'0.002,0.008,0.012'``."""
    return ",".join(f"{s:g}" for s in sigmas)


class ProxyCache:
    """Proxies of sub-networks of one trained supernet, kept per architecture in ``<out>/proxies``.

    ``scores`` evaluates (with :func:`~landscape.flatness.study.supernet_proxies`) only the
    architectures not in the table ``evaluations`` and appends each as soon as it is done;
    ``sigma_losses`` does the same for the mean loss at every σ of several σ triples (table
    ``sigma_losses``), from which flatness for any α follows without re-running networks.
    """

    def __init__(self, trained: TrainedSupernet, *, device: str | torch.device = "cpu",
                 data_path: str | os.PathLike | None = None, progress: bool = True):
        self.trained, self.preset = trained, trained.preset
        self.device, self.data_path, self.progress = check_device(device), data_path, progress
        self.run = RunStore(trained.run.path.parent / "proxies",
                              {"stage": "proxies", "supernet": trained.run.hash, "seed": trained.random_state,
                               "angle": "faithful", "noise": "residual", **self.preset.stage_config("eval")})
        self._data: tuple[list, list] | None = None

    def _batches(self) -> tuple[list, list]:
        """Validation batches and the BN-recalibration batches (loaded on first use)."""
        if self._data is None:
            p, seed = self.preset, self.trained.random_state
            valid = list(batches(load_data(p, seed, self.data_path, "valid"), p.eval_batch_size, device=self.device))
            train = batches(load_data(p, seed, self.data_path, "train"), p.batch_size, shuffle=True,
                            random_state=seed, device=self.device)
            self._data = valid, [b for _, b in zip(range(p.recalibrate_batches), train)]
        return self._data

    def _missing(self, table: str, archs: list[str]) -> list[str]:
        done = self.run.read(table)
        have = set(done["arch"]) if not done.empty else set()
        return list(dict.fromkeys(a for a in archs if a not in have))

    def scores(self, archs: Sequence[str | Sequence[int]]) -> pd.DataFrame:
        """One row per architecture (index: arch string, in the order given): :func:`supernet_proxies`' columns."""
        names = _names(archs)
        todo = self._missing("evaluations", names)
        p, t = self.preset, self.trained
        for arch in tqdm(todo, desc="proxies", unit="arch", leave=False, disable=not self.progress):
            valid, recal = self._batches()
            long = supernet_proxies(t.supernet, t.initial_state, [arch], valid, recal, sigmas=p.sigmas,
                                    n_draws=p.n_draws, gamma=p.gamma, bn_mode=p.bn_mode,
                                    random_state=t.random_state)
            self.run.append("evaluations", [{"arch": arch, **dict(zip(long["proxy"], long["value"]))}])
        table = self.run.read("evaluations").drop_duplicates("arch").set_index("arch")
        return table.loc[names]

    def proxies(self, archs: Sequence[str | Sequence[int]]) -> pd.DataFrame:
        """The GeNAS proxies (:func:`proxy_frame`, the preset's σ₁ and γ) of ``archs``."""
        return proxy_frame(self.scores(archs), self.preset.sigmas[0], self.preset.gamma)

    def sigma_losses(self, archs: Sequence[str], sigma_sets: Sequence[Sequence[float]]) -> pd.DataFrame:
        """Long frame ``arch, sigmas, level, sigma, loss``: mean validation loss at each σ of each triple.

        Faithful (cumulative) noise with the preset's draws and seed, as the ``flatness`` proxy.
        """
        archs, labels = _names(archs), [sigma_label(s) for s in sigma_sets]
        done = self.run.read("sigma_losses")
        have = set() if done.empty else set(zip(done["arch"], done["sigmas"]))
        todo = [a for a in dict.fromkeys(archs) if any((a, lab) not in have for lab in labels)]
        p, t = self.preset, self.trained
        for arch in tqdm(todo, desc="σ sweep", unit="arch", leave=False, disable=not self.progress):
            valid, recal = self._batches()
            net = recalibrate_bn(t.supernet.subnet(arch), recal, mode=p.bn_mode)
            rows = []
            for sigmas, label in zip(sigma_sets, labels):
                if (arch, label) in have:
                    continue
                result = flatness(net, valid, sigmas=sigmas, n_draws=p.n_draws, mode="faithful",
                                  random_state=t.random_state)
                rows += [{"arch": arch, "sigmas": label, "level": i + 1, "sigma": s, "loss": loss}
                         for i, (s, loss) in enumerate(zip(result.sigmas, result.losses))]
            self.run.append("sigma_losses", rows)
        table = self.run.read("sigma_losses").drop_duplicates(["arch", "sigmas", "level"])
        return table[table["arch"].isin(set(archs)) & table["sigmas"].isin(labels)].reset_index(drop=True)


def ground_truth(archs: Sequence[str | Sequence[int]], store: Store | None = None) -> pd.DataFrame:
    """NB201 200-epoch test accuracy (%) of ``archs``: columns ``arch, index`` and one per :data:`DATASETS`."""
    store = load_store() if store is None else store
    names = _names(archs)
    index = store.index.indices_of(names)
    frame = pd.DataFrame({"arch": names, "index": index})
    for d in DATASETS:
        frame[d] = store.array(d, split="test", epochs=200)[index]
    return frame


# -- the driver ----------------------------------------------------------------------------------
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
