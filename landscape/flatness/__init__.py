"""Weight-space flatness and the GeNAS search proxies (torch)."""

from .angle import ANGLE_MODES
from .losses import STRATEGIES, as_batches, stacked_losses
from .perturb import MODES, POSITIONS, check_sigmas, gaussian_stack, top_hessian_direction
from .proxies import GENAS_SIGMAS, FlatnessResult, angle, combined_proxy, flatness, flatness_from_losses

__all__ = [
    "ANGLE_MODES",
    "GENAS_SIGMAS",
    "MODES",
    "POSITIONS",
    "STRATEGIES",
    "FlatnessResult",
    "angle",
    "as_batches",
    "check_sigmas",
    "combined_proxy",
    "flatness",
    "flatness_from_losses",
    "gaussian_stack",
    "stacked_losses",
    "top_hessian_direction",
]
