"""Search drivers for end-to-end checks: SPOS + evolution (GeNAS) and first-order DARTS + A²M."""

from .store import RunStore, config_hash, rng_state, set_rng_state

__all__ = ["RunStore", "config_hash", "rng_state", "set_rng_state"]
