"""landscape: the geometry of neural-architecture-search landscapes.

Packages, lowest layer first; a package imports only from those before it (``tests/test_architecture.py``):

``validation``, ``errors``, ``presets``, ``lazy`` (shared checks and vocabulary) → ``spaces`` (architectures, the
:class:`~landscape.spaces.Space` object), ``runs`` (resumable results folders) → ``graph`` (neighbour graphs) →
``geometry`` (numbers over graphs: neighbourhoods, barriers, optima, τ) → ``bench`` (the ground-truth store) →
``nn``, ``data``, ``oracles`` (networks, data, surrogates) → ``flatness`` (weight-space proxies) → ``backend``
(resumable sweeps) → ``search`` (algorithms: SPOS, evolution, random search, the bilevel gradient loop, A²M) →
``studies`` (the papers' experiments, their presets, folders and verdicts) → ``report`` (reads results, draws).
"""

__version__ = "0.1.0"
