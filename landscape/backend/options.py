"""What a sweep can be asked for (backends, task settings and their help), torch-free so that
``python -m landscape.backend --help`` answers before torch is imported."""

from __future__ import annotations

from typing import Any

__all__ = ["BACKENDS", "TASK_DEFAULTS", "TASK_HELP", "TASK_DATASET_NAMES"]

#: Where tasks run: this process's pool of workers, or a Ray cluster.
BACKENDS: tuple[str, ...] = ("local", "ray")
#: Settings of :func:`~landscape.backend.tasks.evaluate_architecture` and their defaults (a fast demo scale).
TASK_DEFAULTS: dict[str, Any] = {"dataset": "digits", "c": 8, "n": 1, "train_per_class": 20, "valid_per_class": 10,
                                 "epochs": 2, "batch_size": 50, "n_draws": 1, "device": "auto"}
#: Datasets a task trains on (class-balanced seeded subsets).
TASK_DATASET_NAMES: tuple[str, ...] = ("digits", "cifar10-jpeg")
#: Help text of each task setting.
TASK_HELP: dict[str, str] = {
    "dataset": "training data: digits (sklearn's 8x8 digits, seconds) or cifar10-jpeg",
    "c": "NB201 network channels C", "n": "cells per stage N",
    "train_per_class": "training images per class", "valid_per_class": "validation images per class",
    "epochs": "training epochs", "batch_size": "batch size", "n_draws": "flatness noise draws per sigma",
}
