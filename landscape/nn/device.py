"""The torch device of every driver: one default (``"auto"``: CUDA when available, else the CPU), checked before
any work so that a device this machine lacks is one clear error, not a traceback after files were written.

>>> resolve_device("cpu")
device(type='cpu')
>>> resolve_device("gpu")
Traceback (most recent call last):
ValueError: device must be 'auto', 'cpu', 'cuda' or 'cuda:N' (or another torch device), got 'gpu'
"""

from __future__ import annotations

import torch

from ..validation import DEVICE_HELP

__all__ = ["DEVICE_HELP", "resolve_device"]


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``device`` as a ``torch.device`` that this machine has (``"auto"``: ``cuda`` if available, else ``cpu``).

    Raises
    ------
    ValueError
        For a name torch does not know, or CUDA (or CUDA device N) that this machine or this torch build lacks.
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N' (or another torch device), "
                         f"got {device!r}") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {str(dev)!r}: CUDA is not available here (torch {torch.__version__}, "
                             f"torch.cuda.is_available() is False); use --device cpu or auto")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(f"device {str(dev)!r}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {str(dev)!r}: MPS is not available here; use --device cpu or auto")
    return dev
