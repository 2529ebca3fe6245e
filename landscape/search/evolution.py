"""Evolutionary search over op-code rows, as SPOS's ``EvolutionSearcher`` (used by GeNAS).

A random population, then for each later generation the ``top_k`` best architectures evaluated so far are
the parents of ``mutants`` mutants (each choice redrawn with probability ``mutation_prob``) and
``crossovers`` crossovers (each choice from one of two parents); random architectures fill the
population; an architecture is never evaluated twice.  A :class:`Genome` says how a space's rows are
drawn, which choices mutate and how a row is made valid again (:data:`GENOMES`: NB201 cells; DARTS supernet
candidates as the published GeNAS code evolves them).  :func:`evolutionary_search` maximises any function
of op-code rows, so it is tested on known functions; :func:`landscape.studies.genas.run_search` drives it
with GeNAS proxies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..spaces.darts import N_SUPERNET_EDGES, SUPERNET_OPS, random_candidates, repair_candidates
from ..spaces.nb201 import N_EDGES, N_OPS
from ..validation import check_int, check_random_state

__all__ = ["Genome", "GENOMES", "EvolutionResult", "mutate", "crossover", "evolutionary_search"]

_ORIGINS = ("random", "mutation", "crossover")


@dataclass(frozen=True)
class Genome:
    """The rows an evolution searches: ``n_genes`` choices in ``0..n_choices-1``.

    Parameters
    ----------
    n_genes : int
        Choices per row (>= 1; NB201: 6 edges).
    n_choices : int
        Values of each choice (>= 2; NB201: 5 operations).
    mutable : int or None, default None
        Only the first ``mutable`` choices mutate (None: all); in ``1..n_genes``.
    sample : callable or None, default None
        ``sample(n, rng)`` draws ``n`` random rows (None: every choice uniform).
    repair : callable or None, default None
        ``repair(rows, rng)`` makes drawn, mutated and crossed rows valid (None: every row is valid).

    Raises
    ------
    ValueError
        If ``n_genes``, ``n_choices`` or ``mutable`` is not an integer in its range.

    Examples
    --------
    >>> genome = Genome(n_genes=4, n_choices=3, mutable=2)
    >>> genome.random(2, np.random.default_rng(0))
    array([[2, 1, 1, 0],
           [0, 0, 0, 0]])
    >>> GENOMES["darts"].n_genes, GENOMES["darts"].mutable
    (28, 14)
    """

    n_genes: int
    n_choices: int
    mutable: int | None = None
    sample: Callable[[int, np.random.Generator], np.ndarray] | None = None
    repair: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None

    def __post_init__(self):
        check_int(self.n_genes, "n_genes", 1)
        check_int(self.n_choices, "n_choices", 2)
        if self.mutable is not None:
            check_int(self.mutable, "mutable", 1, self.n_genes)

    def random(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random rows ``(n, n_genes)`` (int64), drawn by ``sample`` or uniformly."""
        rows = rng.integers(0, self.n_choices, (n, self.n_genes)) if self.sample is None else self.sample(n, rng)
        return np.asarray(rows, np.int64)

    def valid(self, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``rows`` made valid by ``repair`` (int64), or unchanged without one."""
        return rows if self.repair is None else np.asarray(self.repair(rows, rng), np.int64)


def _darts_sample(n: int, rng: np.random.Generator) -> np.ndarray:
    return random_candidates(n, rng).reshape(n, -1)


def _darts_repair(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return repair_candidates(rows.reshape(-1, 2, N_SUPERNET_EDGES), rng).reshape(len(rows), -1)


#: Genomes of the search spaces.  ``"darts"``: a supernet candidate flattened (normal then reduce, 14 op indices
#: each, 0 = ``none``), as GeNAS ``evolution_search/search.py``: random rows are per-edge draws repaired by
#: ``check_cand``, mutation redraws only the first 14 choices (its loop runs over ``config.edges``; the reduction
#: cell changes only by crossover), and every mutated or crossed row is repaired.
GENOMES: dict[str, Genome] = {
    "nb201": Genome(N_EDGES, N_OPS),
    "darts": Genome(2 * N_SUPERNET_EDGES, len(SUPERNET_OPS), mutable=N_SUPERNET_EDGES, sample=_darts_sample,
                    repair=_darts_repair),
}


# -- the search -----------------------------------------------------------------------------
def mutate(parents: np.ndarray, prob: float, random_state=None, n_choices: int = N_OPS,
           mutable: int | None = None) -> np.ndarray:
    """Each of the first ``mutable`` choices (None: all) of each row of ``parents`` redrawn uniformly from
    ``0..n_choices-1`` with probability ``prob``.

    A redraw may return the same choice, as in SPOS (``cand[i] = randint(n)`` when ``random() < p``).

    Parameters
    ----------
    parents : array_like of int
        One row ``(n_genes,)`` or rows ``(k, n_genes)``; not modified.
    prob : float
        Probability that a mutable choice is redrawn, in [0, 1].
    random_state : None, int or numpy.random.Generator, default None
        Seed of the draws.
    n_choices : int, default ``N_OPS`` (5, NB201's operations)
        Choices are redrawn from ``0..n_choices-1``.
    mutable : int or None, default None
        Only the first ``mutable`` choices may change (None: all).

    Returns
    -------
    numpy.ndarray
        The mutants, ``(k, n_genes)`` (2-D even for one row).

    Raises
    ------
    ValueError
        If ``prob`` is not in [0, 1] or ``random_state`` is not a valid seed.

    Examples
    --------
    >>> mutate(np.zeros((2, 6), int), 0.5, random_state=0)
    array([[0, 4, 2, 0, 0, 0],
           [0, 0, 0, 0, 0, 2]])
    >>> mutate(np.zeros((2, 6), int), 1.0, random_state=0, mutable=3)
    array([[2, 3, 4, 0, 0, 0],
           [3, 3, 2, 0, 0, 0]])
    """
    parents = np.atleast_2d(np.asarray(parents))
    if not 0 <= prob <= 1:
        raise ValueError(f"prob must be in [0, 1], got {prob!r}")
    rng = check_random_state(random_state)
    head = parents[:, :mutable]
    redraw = rng.random(head.shape) < prob
    return np.concatenate([np.where(redraw, rng.integers(0, n_choices, head.shape), head),
                           parents[:, head.shape[1]:]], axis=1)


def crossover(a: np.ndarray, b: np.ndarray, random_state=None) -> np.ndarray:
    """Uniform crossover: each choice taken from ``a`` or ``b`` with probability 1/2 (rows paired).

    Parameters
    ----------
    a, b : array_like of int
        The two parents: rows ``(k, n_genes)`` (or one row each) of the same shape; row ``i`` of ``a`` is
        crossed with row ``i`` of ``b``.
    random_state : None, int or numpy.random.Generator, default None
        Seed of the draws.

    Returns
    -------
    numpy.ndarray
        The children, ``(k, n_genes)`` (2-D even for one row).

    Raises
    ------
    ValueError
        If ``a`` and ``b`` differ in shape, or ``random_state`` is not a valid seed.

    Examples
    --------
    >>> crossover(np.zeros(6, int), np.ones(6, int), random_state=0)
    array([[1, 0, 0, 0, 1, 1]])
    """
    a, b = np.atleast_2d(np.asarray(a)), np.atleast_2d(np.asarray(b))
    if a.shape != b.shape:
        raise ValueError(f"parents must have the same shape, got {a.shape} and {b.shape}")
    rng = check_random_state(random_state)
    return np.where(rng.random(a.shape) < 0.5, a, b)


@dataclass
class EvolutionResult:
    """Outcome of :func:`evolutionary_search`: the best row and every evaluation in order.

    Parameters
    ----------
    best : numpy.ndarray
        The row of highest fitness (the first evaluated among ties).
    best_fitness : float
        Its fitness.
    history : pandas.DataFrame
        One row per evaluation, in order: ``codes`` (a tuple), ``generation``, ``origin`` (``"random"``,
        ``"mutation"`` or ``"crossover"``) and ``fitness``.
    top_k : numpy.ndarray
        The ``top_k`` best rows, best first.

    Examples
    --------
    >>> result = evolutionary_search(lambda rows: -rows.sum(1), population=8, generations=3, top_k=2,
    ...                              mutants=3, crossovers=3, random_state=0)
    >>> result.best, result.best_fitness, result.n_evaluated
    (array([0, 1, 0, 1, 2, 0]), -4.0, 24)
    >>> result.history["origin"].value_counts().to_dict()
    {'random': 15, 'mutation': 6, 'crossover': 3}
    """

    best: np.ndarray
    best_fitness: float
    history: pd.DataFrame
    top_k: np.ndarray

    @property
    def n_evaluated(self) -> int:
        """Architectures evaluated (rows of ``history``)."""
        return len(self.history)


def _keys(rows: np.ndarray) -> list[bytes]:
    return [row.tobytes() for row in np.ascontiguousarray(rows, np.int64)]


def _new_rows(cands: np.ndarray, seen: set[bytes], limit: int) -> np.ndarray:
    """The first ``limit`` distinct rows of ``cands`` not in ``seen`` (which is updated)."""
    keep = []
    for i, key in enumerate(_keys(cands)):
        if len(keep) == limit:
            break
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return cands[keep]


def _check_settings(population: int, generations: int, top_k: int, mutants: int, crossovers: int,
                    mutation_prob: float, genome: Genome) -> None:
    """A ``ValueError`` naming the first setting of :func:`evolutionary_search` out of its range."""
    for value, name in ((population, "population"), (generations, "generations"), (top_k, "top_k")):
        check_int(value, name, 1)
    check_int(mutants, "mutants", 0)
    check_int(crossovers, "crossovers", 0)
    if not isinstance(genome, Genome):
        raise ValueError(f"genome must be a Genome (e.g. GENOMES['nb201']), got {type(genome).__name__}")
    if top_k > population:
        raise ValueError(f"top_k must be <= population ({population}), got {top_k}")
    if not 0 <= mutation_prob <= 1:
        raise ValueError(f"mutation_prob must be in [0, 1], got {mutation_prob!r}")


def _restore(resume: Mapping | None, n_genes: int, rng: np.random.Generator) -> tuple:
    """Everything evaluated so far (codes, fitness, generation and origin of each) and the next generation; the
    generator's state restored from ``resume``."""
    if resume is None:
        return np.empty((0, n_genes), np.int64), np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64), 0
    rng.bit_generator.state = resume["rng"]
    return (np.asarray(resume["codes"], np.int64), np.asarray(resume["fitness"], np.float64),
            np.asarray(resume["generation_of"], np.int64), np.asarray(resume["origin"], np.int64),
            int(resume["generation"]) + 1)


def _offspring(codes: np.ndarray, scores: np.ndarray, generation: int, population: int, top_k: int, mutants: int,
               mutation_prob: float, crossovers: int, genome: Genome, seen: set, rng: np.random.Generator
               ) -> list[tuple[np.ndarray, int]]:
    """One generation's new rows, each part with its origin (0 random, 1 mutation, 2 crossover): mutants and
    crossovers of the ``top_k`` best so far (none in the first generation), random rows to fill ``population``."""
    parts = []
    if generation > 0:
        parents = codes[np.argsort(-scores, kind="stable")[:top_k]]
        if mutants:
            tries = parents[rng.integers(0, len(parents), 10 * mutants)]
            children = genome.valid(mutate(tries, mutation_prob, rng, genome.n_choices, genome.mutable), rng)
            parts.append((_new_rows(children, seen, mutants), 1))
        if crossovers:
            pairs = rng.integers(0, len(parents), (2, 10 * crossovers))
            children = genome.valid(crossover(parents[pairs[0]], parents[pairs[1]], rng), rng)
            parts.append((_new_rows(children, seen, crossovers), 2))
    need = population - sum(len(rows) for rows, _ in parts)
    if need > 0:
        parts.append((_new_rows(genome.random(10 * need, rng), seen, need), 0))
    return parts


def evolutionary_search(fitness: Callable[[np.ndarray], np.ndarray], *, population: int = 100, generations: int = 20,
                        top_k: int = 10, mutants: int = 25, mutation_prob: float = 0.1, crossovers: int = 25,
                        genome: Genome = GENOMES["nb201"], random_state=None, resume: Mapping | None = None,
                        on_generation: Callable[[dict], None] | None = None, progress: bool = False) -> EvolutionResult:
    """Maximise ``fitness`` over the rows of ``genome`` (SPOS evolution).

    Parameters
    ----------
    fitness : callable
        Maps ``(k, n_genes)`` int rows to ``k`` finite values (larger = better), once per generation, on new rows.
    population, generations, top_k, mutants, crossovers : int
        Architectures per generation (SPOS: 50; GeNAS/RLNAS on NB201: 100); generations in total, the random first
        one included (the published GeNAS code: 20); parents: the best ``top_k`` so far; offspring per generation,
        each drawn from at most 10 times as many tries (SPOS's limit), duplicates and evaluated rows rejected.
    mutation_prob, genome, random_state : float, Genome, seed
        Per-choice mutation probability; the rows searched (:data:`GENOMES`; default NB201 cells); every draw's seed.
    resume, on_generation, progress : dict or None, callable or None, bool
        A state passed to ``on_generation`` earlier: the search continues after it and gives the same result as an
        uninterrupted run; called with a checkpointable state after every generation; a progress bar.

    Returns
    -------
    EvolutionResult
        The best row and its fitness, every evaluation (``history``) and the ``top_k`` best rows.

    Raises
    ------
    ValueError
        A setting out of its range (named), or ``fitness`` returning the wrong shape or NaN/inf.

    Examples
    --------
    >>> evolutionary_search(lambda r: -r.sum(1), population=8, generations=3, top_k=2, random_state=0).best_fitness
    -1.0
    """
    _check_settings(population, generations, top_k, mutants, crossovers, mutation_prob, genome)
    rng = check_random_state(random_state)
    codes, scores, generation_of, origin, start = _restore(resume, genome.n_genes, rng)
    seen = set(_keys(codes))
    bar = tqdm(range(start, generations), desc="evolution", unit="generation", initial=start,
               total=generations, disable=not progress)
    for generation in bar:
        parts = _offspring(codes, scores, generation, population, top_k, mutants, mutation_prob, crossovers, genome,
                           seen, rng)
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
    history = pd.DataFrame({"generation": generation_of, "origin": np.asarray(_ORIGINS)[origin], "fitness": scores})
    history.insert(0, "codes", [tuple(int(c) for c in row) for row in codes])
    return EvolutionResult(codes[order[0]], float(scores[order[0]]), history, codes[order[:top_k]])
