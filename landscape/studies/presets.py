"""Scales of the GeNAS search driver (SPOS supernet, evolution, proxy rank tables).

``paper`` holds the settings of GeNAS on NAS-Bench-201 (Sec. B.1, following RLNAS/SPOS);
``cpu`` and ``smoke`` shrink them and say by how much in their ``note``.  Each stage pins its
results folder to the fields it uses only (:meth:`SearchPreset.stage_config`), so e.g. a
longer evolution reuses a trained supernet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from ..flatness.losses import BN_MODES, published_recalibration_batches
from ..flatness.perturb import check_sigmas
from ..flatness.proxies import GENAS_GAMMA, GENAS_SIGMAS
from ..nn.speed import check_speed, speed_config
from ..nn.train import TrainConfig
from ..validation import check_choice, check_int

__all__ = ["SupernetConfig", "ProxyConfig", "EvolutionConfig", "TablesConfig", "STAGES", "SearchPreset", "SEARCH_PRESETS", "DARTS_SPACE_PRESETS", "PRESETS_BY_SPACE", "get_preset", "TABLE8_SIGMAS", "TABLE9_ALPHAS", "TABLE_GAMMAS", "STAGE_FIELDS"]

#: σ triples of GeNAS Table 8 (the third is the default of Sec. B.1).
TABLE8_SIGMAS: tuple[tuple[float, float, float], ...] = (
    (1e-6, 5e-6, 1e-5), (5e-4, 1e-3, 2e-3), GENAS_SIGMAS, (2e-3, 2e-2, 4e-2))
#: γ of Eq. 5 swept in the tables (free: recomputed from stored proxies); 16 is the published command's.
TABLE_GAMMAS: tuple[float, ...] = (0.0, 0.25, 1.0, 4.0, 16.0, 64.0)
#: α of Eq. 4: GeNAS Table 9's values with 0.25 and 0.75 added (free: recomputed from stored losses).
TABLE9_ALPHAS: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 2.0, 4.0, 8.0, 16.0)

@dataclass(frozen=True)
class SupernetConfig:
    """The SPOS supernet stage: skeleton ``c``, ``n``; ``train_per_class`` images per class of the JPEG train half
    (None: all); SGD from ``lr`` to ``lr_min`` by a cosine over ``epochs`` (stepped per epoch), ``momentum``,
    ``weight_decay``, gradients clipped at ``grad_clip``, ``batch_size``, ``augment`` (crop + flip)."""

    c: int
    n: int
    train_per_class: int | None
    epochs: int
    batch_size: int
    lr: float
    lr_min: float
    momentum: float
    weight_decay: float
    augment: bool
    grad_clip: float


@dataclass(frozen=True)
class ProxyConfig:
    """The proxy stage: BN re-estimated on ``recalibrate_batches`` training batches (``train_per_class``) with
    ``bn_mode``; flatness (Eq. 3-4) at ``sigmas`` with ``n_draws`` chains on ``valid_per_class`` images per class in
    batches of ``eval_batch_size``; ``gamma`` of Eq. 5."""

    train_per_class: int | None
    valid_per_class: int | None
    eval_batch_size: int
    recalibrate_batches: int
    bn_mode: str
    sigmas: tuple[float, ...]
    n_draws: int
    gamma: float


@dataclass(frozen=True)
class EvolutionConfig:
    """The evolution stage (SPOS): ``population``, ``generations`` in total, ``top_k`` parents, ``mutants`` with
    per-choice probability ``mutation_prob``, ``crossovers`` (:func:`~landscape.search.evolution.evolutionary_search`'s
    keywords)."""

    population: int
    generations: int
    top_k: int
    mutants: int
    mutation_prob: float
    crossovers: int


@dataclass(frozen=True)
class TablesConfig:
    """The rank-table stage: ``table_archs`` sampled architectures, the σ triples of Table 8, the α of Table 9, the
    γ of the Eq. 5 sweep, ``n_boot`` bootstrap resamples."""

    table_archs: int
    sigma_sets: tuple[tuple[float, ...], ...]
    alphas: tuple[float, ...]
    gammas: tuple[float, ...]
    n_boot: int


#: The configuration of each stage; a stage's results folder is pinned to its fields (and the preset's name).
STAGES: dict[str, type] = {"spos": SupernetConfig, "eval": ProxyConfig, "evolution": EvolutionConfig,
                           "tables": TablesConfig}
#: Fields each stage's results folder is pinned to.
STAGE_FIELDS: dict[str, tuple[str, ...]] = {stage: tuple(f.name for f in fields(config))
                                            for stage, config in STAGES.items()}


@dataclass(frozen=True)
class SearchPreset:
    """Everything that sets the scale of a GeNAS search on NB201.

    The fields are grouped by stage (:data:`STAGES`); each stage's results folder is pinned to its own
    fields only (:meth:`stage_config`).

    Parameters
    ----------
    name : str
        The preset's name (part of every results folder's configuration).
    c, n : int
        Supernet skeleton: initial channels and NB201 cells per stage (>= 1); ``n`` is not used on the DARTS
        space (``layers``).
    train_per_class, valid_per_class : int or None
        Class-balanced subsets of the two halves of the CIFAR-10 JPEG train folder, in images per class
        (``1..2500``; None = the whole half, 2,500 per class): the supernet trains on ``train``, the proxies
        are measured on ``valid``.
    epochs, batch_size : int
        Supernet training (>= 1).
    lr, lr_min, momentum, weight_decay : float
        SGD with momentum and cosine annealing from ``lr`` to ``lr_min`` over ``epochs``, stepped once per
        epoch as the published supernet training (GeNAS ``train_supernet/train.py``); ``lr > 0``,
        ``0 <= lr_min <= lr``, ``0 <= momentum < 1``, ``weight_decay >= 0``.
    augment : bool
        Random crop and horizontal flip of the training images.
    grad_clip : float
        Gradient norm clip (> 0).
    eval_batch_size : int
        Batch size of the proxies' validation passes.
    recalibrate_batches : int
        Training batches BN is re-estimated on before each sub-network is scored
        (:func:`~landscape.flatness.losses.recalibrate_bn`; published: ⌈850/64⌉ = 14 batches, momentum 0.1).
    bn_mode : str
        How BN is re-estimated, one of :data:`~landscape.flatness.losses.BN_MODES`.
    sigmas : tuple of float
        The σ triple of flatness (Eq. 3-4).
    n_draws : int
        Noise chains per σ level.
    gamma : float
        γ of Eq. 5 (>= 0; published angle + flatness command: 16).
    population : int
        Evolution (SPOS): architectures per generation.
    generations : int
        Generations in total (the random first one included).
    top_k : int
        Parents of each generation (<= ``population``).
    mutants : int
        Mutants per generation (>= 0), each choice redrawn with probability ``mutation_prob``.
    mutation_prob : float
        In [0, 1].
    crossovers : int
        Crossovers per generation (>= 0).
    table_archs : int
        Sampled architectures of the rank tables.
    sigma_sets : tuple of tuple of float
        The σ triples of the Table 8 sweep (non-empty, containing ``sigmas``).
    alphas : tuple of float
        The α of the Table 9 sweep (finite, >= 0).
    gammas : tuple of float
        The γ of the Eq. 5 sweep (finite, >= 0).
    n_boot : int
        Bootstrap resamples of the CIs.
    note : str
        What the preset shrinks, and by how much.
    layers : int or None, default None
        Cells of the DARTS-space supernet (>= 3; published 8, with ``c`` = 16); None for NB201.
    precision : str, default "fp32"
        Supernet training precision, ``"fp32"`` or ``"bf16"`` (:mod:`landscape.nn.speed`); evaluation always
        runs in fp32.
    channels_last : bool, default False
        Train the supernet in the channels-last memory format.
    compile : bool, default False
        Must stay False: a SPOS path changes every step, so every new path would recompile.

    Raises
    ------
    ValueError
        For a field out of its range (named in the message), ``compile=True``, or ``sigmas`` missing from
        ``sigma_sets``.

    Examples
    --------
    >>> p = SEARCH_PRESETS["smoke"]
    >>> p.c, p.n, p.epochs, p.train_per_class, p.recalibrate_batches
    (4, 1, 2, 10, 1)
    >>> p.stage("evolution")
    EvolutionConfig(population=6, generations=3, top_k=3, mutants=3, mutation_prob=0.1, crossovers=3)
    >>> p.stage_config("evolution")["population"]
    6
    >>> from dataclasses import replace
    >>> replace(p, top_k=7)
    Traceback (most recent call last):
    ...
    ValueError: top_k must be <= population (6), got 7
    """

    name: str
    c: int
    n: int
    train_per_class: int | None
    valid_per_class: int | None
    epochs: int
    batch_size: int
    lr: float
    lr_min: float
    momentum: float
    weight_decay: float
    augment: bool
    grad_clip: float
    eval_batch_size: int
    recalibrate_batches: int
    bn_mode: str
    sigmas: tuple[float, ...]
    n_draws: int
    gamma: float
    population: int
    generations: int
    top_k: int
    mutants: int
    mutation_prob: float
    crossovers: int
    table_archs: int
    sigma_sets: tuple[tuple[float, ...], ...]
    alphas: tuple[float, ...]
    gammas: tuple[float, ...]
    n_boot: int
    note: str
    layers: int | None = None
    precision: str = "fp32"
    channels_last: bool = False
    compile: bool = False

    def __post_init__(self) -> None:
        check_speed(self.precision, self.channels_last, self.compile)
        if self.compile:
            raise ValueError("compile=True does not pay on a SPOS supernet: its sampled path changes every step, so "
                             "torch.compile would recompile for every new path (benchmarks/results.json); use "
                             "channels_last and precision instead")
        positive = ("c", "n", "epochs", "batch_size", "eval_batch_size", "recalibrate_batches", "n_draws",
                    "population", "generations", "top_k", "table_archs", "n_boot")
        for name in positive:
            check_int(getattr(self, name), name, 1)
        for name in ("mutants", "crossovers"):
            check_int(getattr(self, name), name, 0)
        if self.layers is not None:
            check_int(self.layers, "layers", 3)
        for name in ("train_per_class", "valid_per_class"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, (int, np.integer)) or not 1 <= value <= 2500):
                raise ValueError(f"{name} must be None (the whole half) or an integer in 1..2500, got {value!r}")
        if self.top_k > self.population:
            raise ValueError(f"top_k must be <= population ({self.population}), got {self.top_k!r}")
        if not 0 <= self.mutation_prob <= 1:
            raise ValueError(f"mutation_prob must be in [0, 1], got {self.mutation_prob!r}")
        if not (self.lr > 0 and 0 <= self.lr_min <= self.lr):
            raise ValueError(f"need lr > 0 and 0 <= lr_min <= lr, got lr={self.lr!r}, lr_min={self.lr_min!r}")
        check_choice(self.bn_mode, "bn_mode", BN_MODES)
        if not self.grad_clip > 0:
            raise ValueError(f"grad_clip must be > 0, got {self.grad_clip!r}")
        if not (0 <= self.momentum < 1 and self.weight_decay >= 0 and self.gamma >= 0):
            raise ValueError(f"need 0 <= momentum < 1, weight_decay >= 0 and gamma >= 0, got {self.momentum!r}, "
                             f"{self.weight_decay!r}, {self.gamma!r}")
        object.__setattr__(self, "sigmas", check_sigmas(self.sigmas))
        if not self.sigma_sets:
            raise ValueError("sigma_sets is empty: give at least one σ triple for the Table 8 sweep")
        object.__setattr__(self, "sigma_sets", tuple(check_sigmas(s) for s in self.sigma_sets))
        if self.sigmas not in self.sigma_sets:
            raise ValueError(f"sigma_sets must contain the default sigmas {self.sigmas} (the α sweep uses them)")
        alphas = tuple(float(a) for a in self.alphas)
        if not alphas or any(not np.isfinite(a) or a < 0 for a in alphas):
            raise ValueError(f"alphas must be a non-empty sequence of finite numbers >= 0, got {self.alphas!r}")
        object.__setattr__(self, "alphas", alphas)
        gammas = tuple(float(g) for g in self.gammas)
        if not gammas or any(not np.isfinite(g) or g < 0 for g in gammas):
            raise ValueError(f"gammas must be a non-empty sequence of finite numbers >= 0, got {self.gammas!r}")
        object.__setattr__(self, "gammas", gammas)

    def train_config(self) -> TrainConfig:
        """The supernet's optimiser and schedule for stand-alone training of one of its cells.

        SGD (no Nesterov) from ``lr`` to ``lr_min`` by a cosine stepped per epoch, gradient norm
        clipped at ``grad_clip``, as the published SPOS supernet training of GeNAS.
        """
        return TrainConfig(epochs=self.epochs, batch_size=self.batch_size, lr=self.lr, lr_min=self.lr_min,
                           momentum=self.momentum, weight_decay=self.weight_decay, nesterov=False,
                           augment=self.augment, schedule_step="epoch", grad_clip=self.grad_clip,
                           precision=self.precision, channels_last=self.channels_last)

    def stage(self, name: str):
        """The configuration of stage ``name`` (:data:`STAGES`: ``"spos"``, ``"eval"``, ``"evolution"``,
        ``"tables"``) from this preset's fields."""
        config = STAGES[check_choice(name, "stage", tuple(STAGES))]
        return config(**{f: getattr(self, f) for f in STAGE_FIELDS[name]})

    def stage_config(self, *stages: str) -> dict:
        """The fields of ``stages`` (keys of :data:`STAGE_FIELDS`) with the preset's name."""
        unknown = [s for s in stages if s not in STAGE_FIELDS]
        if unknown:
            raise ValueError(f"unknown stage {unknown[0]!r}; allowed: {', '.join(STAGE_FIELDS)}")
        values = asdict(self)
        config = {"preset": self.name, **{f: values[f] for s in stages for f in STAGE_FIELDS[s]}}
        if self.layers is not None and "spos" in stages:  # DARTS space only: NB201 configs (and hashes) unchanged
            config["layers"] = self.layers
        if "spos" in stages:  # only switches off their defaults: the configs (and hashes) of fp32 runs unchanged
            config.update(speed_config(self.precision, self.channels_last, self.compile))
        return config


_COMMON = dict(lr=0.025, lr_min=0.001, momentum=0.9, weight_decay=5e-4, augment=True, grad_clip=5.0,
               sigmas=GENAS_SIGMAS, n_draws=1, gamma=GENAS_GAMMA, bn_mode="faithful", mutation_prob=0.1,
               alphas=TABLE9_ALPHAS,
               gammas=TABLE_GAMMAS)

SEARCH_PRESETS: dict[str, SearchPreset] = {
    "smoke": SearchPreset(
        "smoke", c=4, n=1, train_per_class=10, valid_per_class=5, epochs=2, batch_size=50, eval_batch_size=50,
        recalibrate_batches=1, population=6, generations=3, top_k=3, mutants=3, crossovers=3, table_archs=8,
        sigma_sets=((5e-4, 1e-3, 2e-3), GENAS_SIGMAS), n_boot=200,
        note="test scale, seconds on a CPU core, meaningless numbers: C=4, N=1, 100 training images, 2 epochs, "
             "proxies on 50 validation images, population 6, 3 generations, 8 table architectures",
        **_COMMON),
    "cpu": SearchPreset(
        "cpu", c=8, n=1, train_per_class=300, valid_per_class=30, epochs=40, batch_size=64, eval_batch_size=150,
        recalibrate_batches=published_recalibration_batches(64), population=20, generations=6, top_k=5, mutants=8,
        crossovers=8, table_archs=50,
        sigma_sets=TABLE8_SIGMAS, n_boot=1000,
        note="2-core CPU scale (about 25 min for spos + one evolve + tables): supernet C=8, N=1 (paper C=16, N=5) "
             "trained 40 epochs (paper 250) on 3,000 JPEG-train images (paper 25,000); proxies on 300 validation "
             "images, BN re-estimated on 14 batches as published; evolution population 20, 6 generations, top-5, "
             "8 mutants, 8 crossovers (paper 100/20/10/25/25); Kendall tau over 50 sampled architectures",
        **_COMMON),
    "paper": SearchPreset(
        "paper", c=16, n=5, train_per_class=None, valid_per_class=None, epochs=250, batch_size=64,
        eval_batch_size=256, recalibrate_batches=published_recalibration_batches(64), population=100, generations=20,
        top_k=10, mutants=25, crossovers=25, table_archs=1000, sigma_sets=TABLE8_SIGMAS, n_boot=1000,
        note="GeNAS NB201 settings (Sec. B.1, RLNAS/SPOS): C=16, N=5, SGD 0.025 -> 0.001 cosine, momentum 0.9, "
             "weight decay 5e-4, 250 epochs, batch 64, on the 25k JPEG-train half (JPEG re-encodings, not the "
             "original pixels), proxies on the 25k JPEG-valid half; population 100, 20 generations, top-10, "
             "25 mutants (p=0.1), 25 crossovers, sigma {2e-3, 1e-2, 2e-2}. BN re-estimated as the published code "
             "(14 batches of 64, momentum 0.1), gamma 16 (published command). Our choice where the paper is silent: "
             "Kendall tau over 1,000 sampled architectures",
        **_COMMON),
}


#: The same three scales on the DARTS space (GeNAS Sec. 4: SPOS supernet C = 16, 8 cells, SGD 0.025 -> 0.001,
#: momentum 0.9, weight decay 3e-4, clip 5, 250 epochs, batch 64; evolution population 50).
DARTS_SPACE_PRESETS: dict[str, SearchPreset] = {
    "smoke": replace(SEARCH_PRESETS["smoke"], layers=3, weight_decay=3e-4,
                     note="test scale, seconds, meaningless numbers: DARTS-space supernet C=4, 3 cells, 100 images, "
                          "2 epochs"),
    "cpu": replace(SEARCH_PRESETS["cpu"], layers=5, weight_decay=3e-4, table_archs=200,
                   note="2-core CPU scale: DARTS-space supernet C=8, 5 cells (paper C=16, 8 cells) trained 40 epochs "
                        "(paper 250) on 3,000 JPEG-train images, 30-40 s per epoch on a busy 2-core machine "
                        "(measured 2026-11-29); proxies and evolution as the NB201 cpu preset (population 20, "
                        "6 generations); Kendall tau over 200 uniformly sampled genotypes against the NB301 surrogate"),
    "paper": replace(SEARCH_PRESETS["paper"], layers=8, weight_decay=3e-4, population=50,
                     note="GeNAS DARTS-space settings (published train_supernet/train.py, evolution_search/"
                          "config.py): C=16, 8 cells, SGD 0.025 -> 0.001 cosine per epoch, momentum 0.9, weight decay "
                          "3e-4, clip 5, 250 epochs, batch 64 on the 25k JPEG-train half; population 50, 20 "
                          "generations, top-10, 25 mutants (p=0.1), 25 crossovers"),
}
#: Presets of each space the SPOS/evolution driver searches.
PRESETS_BY_SPACE: dict[str, dict[str, SearchPreset]] = {"nb201": SEARCH_PRESETS, "darts": DARTS_SPACE_PRESETS}


def get_preset(name: str | SearchPreset, space: str = "nb201") -> SearchPreset:
    """The preset called ``name`` on ``space`` (a :class:`SearchPreset` is returned as it is).

    Parameters
    ----------
    name : str or SearchPreset
        A key of the space's presets (``"smoke"``, ``"cpu"``, ``"paper"``), or a preset.
    space : str, default "nb201"
        A key of :data:`PRESETS_BY_SPACE`: ``"nb201"`` (:data:`SEARCH_PRESETS`) or ``"darts"``
        (:data:`DARTS_SPACE_PRESETS`); ignored when ``name`` is a preset.

    Returns
    -------
    SearchPreset
        The preset.

    Raises
    ------
    ValueError
        If ``space`` or ``name`` is unknown.

    Examples
    --------
    >>> get_preset("smoke").epochs
    2
    >>> get_preset("cpu", space="darts").layers
    5
    >>> get_preset("tiny")
    Traceback (most recent call last):
    ...
    ValueError: preset must be one of 'smoke', 'cpu', 'paper', got 'tiny'
    """
    if isinstance(name, SearchPreset):
        return name
    presets = PRESETS_BY_SPACE[check_choice(space, "space", tuple(PRESETS_BY_SPACE))]
    return presets[check_choice(name, "preset", tuple(presets))]
