"""Argument checks shared by the package: did-you-mean for names, as a user mistypes them."""

from __future__ import annotations

import pytest

from landscape.validation import check_choice, did_you_mean

DATASETS = ("ImageNet16-120", "cifar10", "cifar10-valid", "cifar100")


@pytest.mark.parametrize("typed, meant", [("cifar-10", "cifar10"), ("CIFAR10", "cifar10"), ("cifar_100", "cifar100"),
                                          ("imagenet", "ImageNet16-120"), ("cifar10valid", "cifar10-valid")])
def test_near_misses_are_named(typed, meant):
    assert did_you_mean(typed, DATASETS) == f" (did you mean {meant!r}?)"
    with pytest.raises(ValueError, match=f"got {typed!r} \\(did you mean {meant!r}\\?\\)"):
        check_choice(typed, "dataset", DATASETS)


def test_nothing_near_says_nothing():
    assert did_you_mean("mnist", DATASETS) == "" and did_you_mean(3, DATASETS) == ""
    assert check_choice("cifar10", "dataset", DATASETS) == "cifar10"


def test_the_store_names_near_misses(store):
    with pytest.raises(ValueError, match=r"unknown dataset 'CIFAR-10' \(did you mean 'cifar10'\?\)"):
        store.array("CIFAR-10", split="test", epochs=200)
