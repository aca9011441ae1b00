"""Policy levers: each a mechanism acting through a seam of the model's decision rules (ODD 7.6)."""

from simulator.levers.policy_set import PolicySet
from simulator.levers.registry import KINDS, build_levers

__all__ = ["KINDS", "PolicySet", "build_levers"]
