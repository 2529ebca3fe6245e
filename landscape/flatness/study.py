"""All GeNAS proxies for a list of NB201 architectures, as a tidy frame; resumable.

Each architecture is trained stand-alone (or taken from a trained supernet), then scored by
its validation loss and accuracy, flatness (Eq. 4; faithful and exact noise modes), the angle
between initial and trained weights (Eq. 8) and the combined proxies (Eq. 5).  Rows are appended
to a CSV after every architecture (written atomically), so an interrupted run resumes where it
stopped.  Run it as ``python -m landscape.flatness --preset cpu --n-archs 8``.

Presets say plainly how far they are from the papers: GeNAS trains a SPOS supernet for 250
epochs on half of CIFAR-10; NB201 trains each network for 200 epochs on all of it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from tqdm.auto import tqdm

from ..bench import load_store
from ..nn.device import resolve_device
from ..nn.images import batches, cifar10_jpeg
from ..nn.train import TrainConfig, train_cell
from ..validation import check_choice, check_int, check_random_state
from ..spaces.nb201 import arch_codes, format_arch
from .losses import recalibrate_bn
from .proxies import GENAS_GAMMA, GENAS_SIGMAS, angle, combined_proxy, flatness

__all__ = ["Preset", "STUDY_PRESETS", "proxy_scores", "evaluate_proxies", "supernet_proxies"]


@dataclass(frozen=True)
class Preset:
    """Scale of a proxy study: network size, data subset, training length and flatness draws."""

    name: str
    c: int
    n: int
    train_per_class: int
    valid_per_class: int
    epochs: int
    batch_size: int
    n_draws: int
    recalibrate_batches: int
    note: str


STUDY_PRESETS: dict[str, Preset] = {
    "smoke": Preset("smoke", c=4, n=1, train_per_class=4, valid_per_class=2, epochs=1, batch_size=20, n_draws=1,
                    recalibrate_batches=0, note="test scale, seconds, meaningless numbers: C=4, N=1, 40 images, 1 epoch"),
    "cpu": Preset("cpu", c=8, n=1, train_per_class=100, valid_per_class=20, epochs=3, batch_size=64, n_draws=2,
                  recalibrate_batches=0,
                  note="2-core CPU smoke scale: C=8, N=1, 1,000 JPEG-train images, 3 epochs (papers: C=16, N=5, "
                       "25k-50k images, 200-250 epochs)"),
    "paper": Preset("paper", c=16, n=5, train_per_class=2500, valid_per_class=200, epochs=200, batch_size=256,
                    n_draws=4, recalibrate_batches=0,
                    note="NB201's training of the ground truth (C=16, N=5, 200 epochs, batch 256) on the 25k "
                         "JPEG-train half (the ground truth trains on the original pixels); a GPU preset"),
}

#: The proxies' definition, stored with every cached row: a row of another definition is recomputed.
DEFINITION = "noise=residual;angle=path-wise;gamma=16;bn=published"
SCORE_COLUMNS = ("valid_loss", "valid_accuracy", "angle", "angle_exact", "flatness_faithful", "flatness_exact",
                 "angle_flatness", "accuracy_flatness")


def proxy_scores(
    trained: nn.Module,
    initial: nn.Module | Mapping[str, torch.Tensor],
    valid: Iterable,
    *,
    sigmas: Sequence[float] = GENAS_SIGMAS,
    n_draws: int = 1,
    gamma: float = GENAS_GAMMA,
    recalibrate: Iterable | None = None,
    bn_mode: str = "faithful",
    random_state: int = 0,
) -> dict[str, float]:
    """Every GeNAS proxy of one trained network (larger = predicted better for all of them).

    ``flatness_faithful`` uses the published code's cumulative noise with ``n_draws`` chains,
    ``flatness_exact`` the paper's definition; ``angle`` is the published code's path-wise angle
    and ``angle_exact`` the paper's all-parameter one (Eq. 8, :mod:`landscape.flatness.weight_angle`); the
    combined proxies use the faithful flatness with ``γ`` and ``β = 1/σ_1`` (Eq. 5) and the
    faithful angle divided by π, as in the published code.
    """
    valid = list(valid)
    if recalibrate is not None:
        trained = recalibrate_bn(copy.deepcopy(trained), recalibrate, mode=bn_mode)
    faithful = flatness(trained, valid, sigmas=sigmas, n_draws=n_draws, mode="faithful",
                        random_state=random_state, clean=True)
    exact = flatness(trained, valid, sigmas=sigmas, n_draws=n_draws, mode="exact", random_state=random_state)
    theta = angle(initial, trained, mode="faithful")
    return {
        "valid_loss": faithful.clean_loss,
        "valid_accuracy": faithful.clean_accuracy,
        "angle": theta,
        "angle_exact": angle(initial, trained, mode="exact"),
        "flatness_faithful": faithful.flatness,
        "flatness_exact": exact.flatness,
        "angle_flatness": float(combined_proxy(theta / np.pi, faithful.flatness, sigmas[0], gamma)),
        "accuracy_flatness": float(combined_proxy(faithful.clean_accuracy, faithful.flatness, sigmas[0], gamma)),
    }


def _save(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def _long(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.melt(id_vars=["arch", "preset", "seed"], value_vars=list(SCORE_COLUMNS), var_name="proxy")


def evaluate_proxies(
    archs: Sequence[str | Sequence[int]],
    preset: str | Preset = "cpu",
    *,
    out: str | os.PathLike | None = None,
    device: str | torch.device = "auto",
    random_state: int = 0,
    data_path: str | os.PathLike | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Train each architecture stand-alone and score it by every proxy; a tidy long frame.

    Columns ``arch, preset, seed, proxy, value``.  With ``out`` (a CSV path) finished
    architectures are kept there and skipped on the next call with the same preset and seed.
    Data: class-balanced seeded subsets of the CIFAR-10 JPEG zip (``jpeg-train`` / ``jpeg-valid``).
    """
    p = preset if isinstance(preset, Preset) else STUDY_PRESETS[check_choice(preset, "preset", tuple(STUDY_PRESETS))]
    device = resolve_device(device)
    strings = [format_arch(arch_codes(a)) for a in archs]
    if not strings:
        raise ValueError("archs is empty: give at least one architecture")
    path = None if out is None else Path(out)
    done = pd.read_csv(path) if path is not None and path.exists() else pd.DataFrame(columns=["arch", "preset", "seed"])
    if "definition" not in done:
        done["definition"] = np.nan
    done = done[done["definition"] == DEFINITION]  # rows of an earlier definition of the proxies are recomputed
    mine = (done["preset"] == p.name) & (done["seed"] == random_state)
    finished = set(done.loc[mine, "arch"])
    train = cifar10_jpeg("train", path=data_path, n_per_class=p.train_per_class, random_state=random_state)
    valid_data = cifar10_jpeg("valid", path=data_path, n_per_class=p.valid_per_class, random_state=random_state)
    valid = list(batches(valid_data, 500, device=device))
    config = TrainConfig(epochs=p.epochs, batch_size=p.batch_size)
    rows = [done]
    for arch in tqdm([a for a in strings if a not in finished], desc=f"proxies ({p.name})", unit="arch",
                     disable=not progress):
        net, initial, history = train_cell("nb201", arch, train, config, seed=random_state, device=device, c=p.c, n=p.n)
        scores = proxy_scores(net, _parameters(net, initial), valid, n_draws=p.n_draws, random_state=random_state)
        rows.append(pd.DataFrame([{"arch": arch, "preset": p.name, "seed": random_state, "definition": DEFINITION,
                                   "train_loss": history[-1], **scores}]))
        if path is not None:
            _save(pd.concat(rows, ignore_index=True), path)
    wide = pd.concat(rows, ignore_index=True)
    wide = wide[(wide["preset"] == p.name) & (wide["seed"] == random_state) & wide["arch"].isin(strings)]
    return _long(wide)


def _parameters(net: nn.Module, state: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The entries of ``state`` that are parameters of ``net`` (a state dict also holds BN buffers)."""
    return {k: state[k] for k, _ in net.named_parameters()}


def supernet_proxies(
    supernet,
    initial_state: Mapping[str, torch.Tensor],
    archs: Sequence[str | Sequence[int]],
    valid: Iterable,
    recalibrate: Iterable,
    *,
    sigmas: Sequence[float] = GENAS_SIGMAS,
    n_draws: int = 1,
    gamma: float = GENAS_GAMMA,
    bn_mode: str = "faithful",
    random_state: int = 0,
) -> pd.DataFrame:
    """Every proxy for sub-networks of a trained SPOS supernet (:class:`~landscape.nn.supernet.NB201Supernet` or
    :class:`~landscape.nn.darts_spos.DARTSSPOSSupernet`; ``archs`` in a form its ``subnet`` takes).

    Each sub-network's BN statistics are first re-estimated on ``recalibrate`` (as GeNAS does
    before scoring a SPOS path: :func:`~landscape.flatness.losses.recalibrate_bn` with
    ``bn_mode``); the angle compares it with its weights in ``initial_state``.
    """
    valid, recalibrate = list(valid), list(recalibrate)
    rows = []
    for arch in archs:
        net = recalibrate_bn(supernet.subnet(arch), recalibrate, mode=bn_mode)
        initial = supernet.subnet(arch, state=initial_state)
        scores = proxy_scores(net, initial, valid, sigmas=sigmas, n_draws=n_draws, gamma=gamma,
                              random_state=random_state)
        rows.append({"arch": supernet.name(arch), "preset": "supernet",
                     "seed": random_state, **scores})
    return _long(pd.DataFrame(rows))


def spread_architectures(n: int, random_state: int = 0) -> list[str]:
    """``n`` architectures spread evenly over the CIFAR-10 200-epoch test-accuracy ranking
    (one random pick per rank bin, seeded), skipping cells whose output is always zero."""
    check_int(n, "n_archs", 1, 1000)
    store = load_store()
    acc = store.array("cifar10", split="test", epochs=200)
    order = np.argsort(-acc)
    order = order[acc[order] > 15]  # below 15% the network is disconnected (accuracy ~10%)
    rng = check_random_state(random_state)
    picks = [rng.choice(part) for part in np.array_split(order, n)]
    return [str(s) for s in store.index.arch_string(np.array(picks))]

