"""How a training loop computes: precision, memory format and compilation (the same numbers' science, faster).

Three switches, shared by every training loop (:class:`~landscape.nn.train.TrainConfig`, the SPOS
supernet of :class:`~landscape.studies.presets.SearchPreset`, the DARTS/A²M search of
:class:`~landscape.studies.darts.DartsPreset`):

``precision``
    ``"fp32"`` (default) or ``"bf16"``: the forward pass of a training step under
    ``torch.autocast`` with bfloat16 (convolutions and matrix products in bf16, reductions,
    losses, weights, gradients and the optimiser in fp32).  Evaluation (accuracy, the flatness
    proxies, whose smallest noise σ₁ = 2e-3 sits near bf16's 8-bit mantissa) always runs in fp32.
``channels_last``
    Weights and inputs in NHWC memory order, which oneDNN's CPU convolutions run much faster
    (measured in ``benchmarks/``); the values are the same, only summation order may differ.
``compile``
    ``torch.compile`` of the network: pays on one long run of one graph (a stand-alone network,
    a DARTS α-supernet), not on a SPOS supernet whose path changes every step (it would recompile).

Defaults leave existing runs untouched: :func:`speed_config` lists only the switches that differ
from the defaults, so configurations (and their hashes) of fp32 runs are unchanged.

>>> speed_config("fp32", False, False)
{}
>>> speed_config("bf16", True, False)
{'precision': 'bf16', 'channels_last': True}
>>> check_speed("fp64", False, False)
Traceback (most recent call last):
ValueError: precision must be one of 'fp32', 'bf16', got 'fp64'...
"""

from __future__ import annotations

import contextlib

import torch
from torch import nn

from ..validation import check_choice

__all__ = ["PRECISIONS", "check_speed", "speed_config", "speed_label", "prepare_network", "prepare_input",
           "is_channels_last", "train_autocast"]

#: Precisions of a training step's forward pass.
PRECISIONS: tuple[str, ...] = ("fp32", "bf16")
_DEFAULTS = {"precision": "fp32", "channels_last": False, "compile": False}


def check_speed(precision: str, channels_last: bool, compile: bool) -> None:
    """Raise ``ValueError`` naming the first switch that is not a precision of :data:`PRECISIONS` or a bool."""
    check_choice(precision, "precision", PRECISIONS)
    for name, value in (("channels_last", channels_last), ("compile", compile)):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False, got {value!r}")


def speed_config(precision: str, channels_last: bool, compile: bool) -> dict:
    """The switches that differ from the defaults (fp32, default memory format, eager), for a run's configuration."""
    values = {"precision": precision, "channels_last": channels_last, "compile": compile}
    return {k: v for k, v in values.items() if v != _DEFAULTS[k]}


def speed_label(precision: str, channels_last: bool, compile: bool) -> str:
    """A short label for tables and figures, e.g. ``"bf16 + channels-last"`` or ``"fp32"``."""
    parts = [precision] + (["channels-last"] if channels_last else []) + (["compiled"] if compile else [])
    return " + ".join(parts)


def prepare_network(net: nn.Module, channels_last: bool, compile: bool) -> nn.Module:
    """``net`` in NHWC memory order (in place) and, with ``compile``, a ``torch.compile`` wrapper around it.

    The wrapper shares ``net``'s parameters: keep training, checkpointing and evaluating ``net`` itself.
    """
    if channels_last:
        net.to(memory_format=torch.channels_last)
    return torch.compile(net) if compile else net


def is_channels_last(net: nn.Module) -> bool:
    """Whether ``net``'s convolution weights are in NHWC order (:func:`prepare_network`); False without any."""
    weights = [p for p in net.parameters() if p.dim() == 4 and p.shape[2] * p.shape[3] > 1]
    return bool(weights) and all(p.is_contiguous(memory_format=torch.channels_last) for p in weights)


def prepare_input(x: torch.Tensor, channels_last: bool) -> torch.Tensor:
    """An image batch in the memory order of :func:`prepare_network` (4-D inputs only; others unchanged)."""
    return x.contiguous(memory_format=torch.channels_last) if channels_last and x.dim() == 4 else x


def train_autocast(precision: str, device: str | torch.device) -> contextlib.AbstractContextManager:
    """The context of a training step's forward pass: bf16 autocast on ``device``'s type, or nothing for fp32."""
    if check_choice(precision, "precision", PRECISIONS) == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
