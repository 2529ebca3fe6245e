"""GeNAS proxies of SPOS sub-networks, evaluated once per architecture and kept in ``<out>/proxies``.

:class:`ProxyCache` scores sub-networks of the trained supernet (BN re-estimated first) by validation
``accuracy``, ``angle`` (Eq. 8), ``flatness`` (Eq. 3-4) and the combinations (Eq. 5, :func:`proxy_frame`);
every evaluated architecture is appended as soon as it is done, so the searches and the rank tables share
the work and an interrupted run loses nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from ..flatness.losses import recalibrate_bn
from ..flatness.proxies import GENAS_GAMMA, combined_proxy, flatness
from ..flatness.study import supernet_proxies
from ..nn.device import resolve_device
from ..nn.images import batches
from ..nn.speed import prepare_input
from ..runs import RunStore
from .presets import SearchPreset
from .supernet import TrainedSupernet, load_data

__all__ = ["ProxyCache", "proxies_config", "proxy_frame", "sigma_label"]


def proxy_frame(scores: pd.DataFrame, sigma1: float, gamma: float = GENAS_GAMMA) -> pd.DataFrame:
    """The GeNAS proxies (columns :data:`~landscape.studies.vocabulary.PROXIES`) from :func:`supernet_proxies`' columns.

    ``accuracy`` = validation accuracy, ``angle`` (Eq. 8, path-wise as the published code),
    ``flatness`` (Eq. 4, the published code's residual noise), ``angle_flatness`` =
    ``angle/π + γ·F/σ₁`` and ``accuracy_flatness`` = ``accuracy + γ·F/σ₁`` (Eq. 5),
    ``angle_accuracy`` = ``angle/π + accuracy``; then the paper's readings ``angle_exact`` (all
    parameters) and ``flatness_exact`` (fresh noise per σ).

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per architecture with :func:`~landscape.flatness.study.supernet_proxies`' columns
        ``valid_accuracy`` (a fraction), ``angle`` (radians), ``flatness_faithful``, ``angle_exact`` and
        ``flatness_exact``; other columns are ignored.
    sigma1 : float
        σ₁, the smallest σ of the triple (β = 1/σ₁ in Eq. 5; > 0).
    gamma : float, default ``GENAS_GAMMA``
        γ of Eq. 5 (finite, >= 0).

    Returns
    -------
    pandas.DataFrame
        The proxies, one column each in the order of :data:`~landscape.studies.vocabulary.PROXIES` then
        ``angle_exact, flatness_exact``, on the index of ``scores``.

    Raises
    ------
    KeyError
        If a column of ``scores`` is missing.
    ValueError
        If ``sigma1`` is not > 0 or ``gamma`` is not a finite number >= 0.

    Examples
    --------
    >>> scores = pd.DataFrame({"valid_accuracy": [0.5, 0.25], "angle": [np.pi / 4, np.pi / 2],
    ...                        "flatness_faithful": [0.01, 0.02], "angle_exact": [0.8, 1.6],
    ...                        "flatness_exact": [0.01, 0.03]}, index=["a", "b"])
    >>> proxies = proxy_frame(scores, sigma1=0.002, gamma=1.0)
    >>> list(proxies.columns)
    ['angle', 'accuracy', 'flatness', 'angle_accuracy', 'angle_flatness', 'accuracy_flatness', 'angle_exact',
     'flatness_exact']
    >>> proxies[["angle_accuracy", "angle_flatness", "accuracy_flatness"]]
       angle_accuracy  angle_flatness  accuracy_flatness
    a            0.75            5.25               5.50
    b            0.75           10.50              10.25
    """
    acc, theta, flat = scores["valid_accuracy"], scores["angle"], scores["flatness_faithful"]
    return pd.DataFrame({
        "angle": theta, "accuracy": acc, "flatness": flat, "angle_accuracy": theta / np.pi + acc,
        "angle_flatness": combined_proxy(theta / np.pi, flat, sigma1, gamma),
        "accuracy_flatness": combined_proxy(acc, flat, sigma1, gamma),
        "angle_exact": scores["angle_exact"], "flatness_exact": scores["flatness_exact"],
    }, index=scores.index)


def sigma_label(sigmas: Sequence[float]) -> str:
    """A σ triple as the label the tables use, e.g. ``'0.002,0.008,0.012'``."""
    return ",".join(f"{s:g}" for s in sigmas)


def proxies_config(preset: SearchPreset, supernet_hash: str, random_state: int) -> dict:
    """The configuration ``<out>/proxies`` is pinned to: the supernet's run hash, its seed and the preset's
    evaluation fields."""
    return {"stage": "proxies", "supernet": supernet_hash, "seed": random_state, "angle": "faithful",
            "noise": "residual", **preset.stage_config("eval")}


class ProxyCache:
    """Proxies of sub-networks of one trained supernet, kept per architecture in ``<out>/proxies``.

    ``scores`` evaluates (with :func:`~landscape.flatness.study.supernet_proxies`) only the
    architectures not in the table ``evaluations`` and appends each as soon as it is done;
    ``sigma_losses`` does the same for the mean loss at every σ of several σ triples (table
    ``sigma_losses``), from which flatness for any α follows without re-running networks.

    Parameters
    ----------
    trained : TrainedSupernet
        The supernet (:func:`~landscape.studies.supernet.train_supernet`); the cache is the folder
        ``proxies`` beside its ``spos`` folder, pinned to its run hash, seed and preset
        (:func:`proxies_config`), and its preset sets the images, BN re-estimation, σ, draws and γ.
    device : str or torch.device, default "auto"
        Where the sub-networks are evaluated (:func:`~landscape.nn.device.resolve_device`).
    data_path : str, os.PathLike or None, default None
        The CIFAR-10 JPEG zip or its folder (None: the shared data folder); read on the first evaluation.
    progress : bool, default True
        Show a progress bar over the architectures being evaluated.

    Raises
    ------
    landscape.errors.ConfigMismatchError
        If ``<out>/proxies`` holds the proxies of another supernet or preset.

    Examples
    --------
    An untrained supernet, for show (:func:`~landscape.studies.supernet.train_supernet` gives a trained one):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from landscape.nn.supernet import NB201Supernet
    >>> from landscape.runs import RunStore
    >>> from landscape.studies.presets import get_preset
    >>> from landscape.studies.supernet import spos_config
    >>> p, tmp = get_preset("smoke"), tempfile.TemporaryDirectory()
    >>> net = NB201Supernet(c=p.c, n=p.n, num_classes=10)
    >>> run = RunStore(Path(tmp.name) / "spos", spos_config(p, "nb201", 0))
    >>> cache = ProxyCache(TrainedSupernet(net, net.state_dict(), pd.DataFrame(), run, p, 0), progress=False)
    >>> cache.run.path.name
    'proxies'
    >>> cache.names([[3, 0, 1, 0, 2, 4]])
    ['|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|']
    >>> cache.proxies(cache.names([[3, 0, 1, 0, 2, 4]]))  # doctest: +SKIP
    >>> tmp.cleanup()
    """

    def __init__(self, trained: TrainedSupernet, *, device: str | torch.device = "auto",
                 data_path: str | os.PathLike | None = None, progress: bool = True):
        self.trained, self.preset = trained, trained.preset
        self.device, self.data_path, self.progress = resolve_device(device), data_path, progress
        self.run = RunStore(trained.run.path.parent / "proxies",
                            proxies_config(self.preset, trained.run.hash, trained.random_state))
        self._data: tuple[list, list] | None = None

    def _batches(self) -> tuple[list, list]:
        """Validation batches and the BN-recalibration batches (loaded on first use; NHWC when the supernet
        trained channels-last, whose sub-networks are NHWC too)."""
        if self._data is None:
            p, seed = self.preset, self.trained.random_state
            valid = [(prepare_input(x, p.channels_last), y) for x, y in
                     batches(load_data(p, seed, self.data_path, "valid"), p.eval_batch_size, device=self.device)]
            train = batches(load_data(p, seed, self.data_path, "train"), p.batch_size, shuffle=True,
                            random_state=seed, device=self.device)
            self._data = valid, [(prepare_input(x, p.channels_last), y)
                                 for _, (x, y) in zip(range(p.recalibrate_batches), train)]
        return self._data

    def _missing(self, table: str, archs: list[str]) -> list[str]:
        done = self.run.read(table)
        have = set(done["arch"]) if not done.empty else set()
        return list(dict.fromkeys(a for a in archs if a not in have))

    def names(self, archs: Sequence) -> list[str]:
        """The supernet's names of ``archs`` (NB201 strings, DARTS genotype strings), validated; at least one."""
        names = [self.trained.supernet.name(a) for a in archs]
        if not names:
            raise ValueError("archs is empty: give at least one architecture")
        return names

    def scores(self, archs: Sequence) -> pd.DataFrame:
        """One row per architecture (index: its name, in the order given): :func:`supernet_proxies`' columns.

        ``archs``: NB201 strings or op codes; DARTS candidates (``(2, 14)`` or flat) or genotypes."""
        names = self.names(archs)
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

    def proxies(self, archs: Sequence) -> pd.DataFrame:
        """The GeNAS proxies (:func:`proxy_frame`, the preset's σ₁ and γ) of ``archs``."""
        return proxy_frame(self.scores(archs), self.preset.sigmas[0], self.preset.gamma)

    def sigma_losses(self, archs: Sequence[str], sigma_sets: Sequence[Sequence[float]]) -> pd.DataFrame:
        """Long frame ``arch, sigmas, level, sigma, loss``: mean validation loss at each σ of each triple.

        Faithful (cumulative) noise with the preset's draws and seed, as the ``flatness`` proxy.
        """
        archs, labels = self.names(archs), [sigma_label(s) for s in sigma_sets]
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
