"""Evolutionary search over op-code rows, as SPOS's ``EvolutionSearcher`` (used by GeNAS).

A random population, then for each later generation the ``top_k`` best architectures evaluated so far are
the parents of ``mutants`` mutants (each choice redrawn with probability ``mutation_prob``) and
``crossovers`` crossovers (each choice from one of two parents); random architectures fill the
population; an architecture is never evaluated twice.  :func:`evolutionary_search` maximises any function
of op-code rows, so it is tested on known functions; :func:`landscape.search.genas.run_search` drives it
with GeNAS proxies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..spaces.nb201 import N_EDGES, N_OPS
from ..validation import check_int, check_random_state

__all__ = ["EvolutionResult", "mutate", "crossover", "evolutionary_search"]

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
