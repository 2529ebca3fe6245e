"""Doctest set-up: the names the docstring examples of ``landscape`` use.

``np``, ``pd`` and ``torch`` everywhere; where an example uses ``store`` or ``acc``, the real ground-truth
store (``landscape.bench.load_store()``: ./data, built by ``make data`` from ../shared/data) and its CIFAR-10
200-epoch test accuracy.  Without the store those examples are skipped, as the real-table tests are.
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np
import pandas as pd
import pytest
from _pytest.doctest import DoctestItem

os.environ.setdefault("TQDM_DISABLE", "1")


@cache
def _store():
    from landscape.bench import load_store

    return load_store()


@pytest.fixture(autouse=True)
def _doctest_names(request, doctest_namespace):
    if not isinstance(request.node, DoctestItem):
        return
    import torch

    doctest_namespace.update(np=np, pd=pd, torch=torch)
    source = "\n".join(example.source for example in request.node.dtest.examples)
    if "store" in source or "acc" in source:
        try:
            store = _store()
        except Exception as exc:  # noqa: BLE001 - any missing or damaged store: skip like the real-table tests
            pytest.skip(f"the ground-truth store is not available ({exc})")
        doctest_namespace.update(store=store, acc=store.array("cifar10", split="test", epochs=200))
