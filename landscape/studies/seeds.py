"""Named seed streams: every random draw of the studies takes its generator from one stream of its seed here, so
no two draws share randomness by accident and a reader finds which draw a number came from.

A stream is ``np.random.SeedSequence([seed, <stream number>])``; the numbers are fixed forever (changing one would
change committed results), new draws take new numbers.  One historic overlap is kept so that committed runs
reproduce: the SPOS supernet draws epoch ``e``'s paths from ``SeedSequence([seed, e])``
(:func:`~landscape.studies.supernet.train_epoch`), so epochs 1, 2, 3, 13, 25, 26 and 27 share their sequence with
the streams of the same number (different draws from the same bits; no result depends on the two being
independent, but a new stream should take a number above any epoch count, e.g. 1000 +).

Examples
--------
>>> stream(0, "table_sample").entropy
[0, 2]
>>> [int(v) for v in stream(7, "evolution").generate_state(1)] == [int(v) for v in
...                                                            np.random.SeedSequence([7, 1]).generate_state(1)]
True
"""

from __future__ import annotations

import numpy as np

from ..validation import check_choice

__all__ = ["STREAMS", "stream", "batch_seed"]

#: Stream name → its number.  ``evolution``: the GeNAS evolutionary search; ``table_sample``: the cells of GeNAS
#: Table 5 (and the DARTS-space genotypes of its tables); ``table1_sample``: the sub-networks of Table 1;
#: ``matched_strata``: the stratified half of the matched cells; ``precision_cells``: the cells the precision
#: check retrains; ``ladder_cells``: the ladder's uniform cells; ``sdarts_noise``: SDARTS's smoothing noise (with
#: the epoch appended).
STREAMS: dict[str, int] = {"evolution": 1, "table_sample": 2, "table1_sample": 3, "matched_strata": 13,
                           "precision_cells": 25, "ladder_cells": 26, "sdarts_noise": 27}


def stream(seed: int, name: str, *more: int) -> np.random.SeedSequence:
    """The seed sequence of stream ``name`` of ``seed`` (``more``: further keys, e.g. an epoch)."""
    return np.random.SeedSequence([int(seed), STREAMS[check_choice(name, "stream", tuple(STREAMS))], *map(int, more)])


def batch_seed(seed: int, epoch: int, offset: int = 0) -> int:
    """The batch-order and augmentation seed of an epoch: ``seed * 100_003 + epoch`` (the drivers' historic formula;
    ``offset`` separates the draws of one epoch, e.g. the DARTS loop's train and valid halves)."""
    return int(seed) * 100_003 + int(epoch) + int(offset)
