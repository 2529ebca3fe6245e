"""Weight-space flatness and the GeNAS search proxies (torch); names load with their submodule on first use.

Command line: ``python -m landscape.flatness --help`` (the stand-alone proxy study).
"""

from __future__ import annotations

from ..lazy import lazy_exports

_WHERE = {"ANGLE_MODES": "weight_angle", "GENAS_SIGMAS": "proxies", "MODES": "perturb", "POSITIONS": "perturb",
          "STRATEGIES": "losses", "FlatnessResult": "proxies", "angle": "proxies", "as_batches": "losses",
          "check_sigmas": "perturb", "combined_proxy": "proxies", "flatness": "proxies",
          "flatness_from_losses": "proxies", "gaussian_stack": "perturb", "stacked_losses": "losses",
          "top_hessian_direction": "perturb"}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
