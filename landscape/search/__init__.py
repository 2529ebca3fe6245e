"""Search algorithms: arrays, callables and configuration objects in, results out.

* :mod:`~landscape.search.spos` — SPOS supernet training, one sampled path per step;
* :mod:`~landscape.search.evolution` — the evolutionary search of SPOS/GeNAS over genomes;
* :mod:`~landscape.search.random_search` — random search from a scored sample;
* :mod:`~landscape.search.gradient` — the bilevel loop of differentiable NAS (DARTS, its variants);
* :mod:`~landscape.search.a2m` — the architecture directions of first-order DARTS and A²M.

The papers' experiments that drive them (presets, data, folders, ground truth) are :mod:`landscape.studies`.
Names are imported on first use, so command-line help answers before torch loads.
"""

from __future__ import annotations

from ..lazy import lazy_exports

#: Public name → the submodule that defines it.
_WHERE = {
    "a2m_gradient": "a2m", "darts_gradient": "a2m",
    "METHODS": "gradient", "VARIANTS": "gradient", "BilevelConfig": "gradient", "search_epoch": "gradient",
    "GENOMES": "evolution", "EvolutionResult": "evolution", "Genome": "evolution", "crossover": "evolution",
    "evolutionary_search": "evolution", "mutate": "evolution",
    "random_search": "random_search",
    "PATH_SAMPLERS": "spos", "spos_epoch": "spos",
}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
