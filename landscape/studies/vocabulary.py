"""The names the search drivers take (fitnesses, proxies, commands), torch-free so that
``python -m landscape.studies --help`` and argument errors answer before torch is imported."""

from __future__ import annotations

__all__ = ["FITNESSES", "PROXIES", "EXACT_PROXIES", "COMMANDS"]

#: Fitness name → its column in :func:`~landscape.studies.proxy_cache.proxy_frame` (larger = predicted better for
#: every one): the published readings and their combinations (Eq. 5), then the paper's all-parameter angle and
#: fresh-noise flatness.
FITNESSES: tuple[str, ...] = ("accuracy", "angle", "flatness", "angle_accuracy", "angle_flatness",
                              "accuracy_flatness", "angle_exact", "flatness_exact")
#: The proxies of GeNAS Table 5, in its row order.
PROXIES: tuple[str, ...] = ("angle", "accuracy", "flatness", "angle_accuracy", "angle_flatness", "accuracy_flatness")
#: The paper's readings of angle and flatness (all parameters; fresh noise per σ), beside the published ones.
EXACT_PROXIES: tuple[str, ...] = ("angle_exact", "flatness_exact")
#: ``python -m landscape.studies`` commands and what each does.
COMMANDS: dict[str, str] = {
    "spos": "train the SPOS supernet (GeNAS/RLNAS), checkpointed every epoch",
    "evolve": "train the supernet if needed, then evolutionary search by a GeNAS fitness",
    "tables": "Kendall tau tables from the supernet (NB201: GeNAS Tables 5, 8, 9 and the joint table; DARTS: "
              "Table 5 against the NB301 surrogate, random search)",
    "darts": "first-order DARTS search",
    "a2m": "A²M (architecture-aware minimisation) search",
    "standalone": "train the matched-scale cells alone with the supernet's recipe (2 seeds each), a resumable sweep",
}
