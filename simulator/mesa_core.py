"""Mesa's `Model` and `Agent`, imported without the rest of Mesa.

`import mesa` runs `mesa/__init__.py`, which imports all of Mesa: its spaces (scipy.spatial, networkx), the data
collector (pandas), the batch runner and the experimental modules. A run uses `mesa.Model` and `mesa.Agent`
only, from `mesa.model` and `mesa.agent`, which need nothing but numpy. Importing the rest took about 1.3 s of
a 7 s run at scale 100 (`benchmarks/bench_fullscale.py`).

So this module registers the package `mesa` with its `__init__` deferred, as scientific Python's lazy loading
does (SPEC 1): submodules import as usual, and the first use of any attribute of the package itself (`mesa.space`,
`mesa.__version__`, `from mesa import DataCollector`) runs Mesa's own `__init__` then. Code that imports Mesa
in the same process, such as the interactive page, sees the whole package. If Mesa was imported already, nothing
is deferred.
"""

from __future__ import annotations

import importlib.util
import sys


def defer_package_init(name: str) -> None:
    """Register package `name` in `sys.modules` with its `__init__` run at the first use of its attributes."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not an installed package: the ordinary import below reports it
    package = importlib.util.module_from_spec(spec)

    def run_init(attribute: str) -> object:
        """Module `__getattr__` (PEP 562): run the package's `__init__` once, then answer from it."""
        del package.__dict__["__getattr__"]
        try:
            spec.loader.exec_module(package)  # type: ignore[union-attr]
        except BaseException:
            package.__getattr__ = run_init  # type: ignore[method-assign]
            raise
        return getattr(package, attribute)

    package.__getattr__ = run_init  # type: ignore[method-assign]
    sys.modules[name] = package


defer_package_init("mesa")

from mesa.agent import Agent  # noqa: E402
from mesa.model import Model  # noqa: E402

__all__ = ["Agent", "Model", "defer_package_init"]
