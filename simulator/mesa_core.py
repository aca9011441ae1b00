"""Mesa's `Model` and `Agent`, imported without the rest of Mesa.

`import mesa` runs `mesa/__init__.py`, which imports all of Mesa: its spaces (scipy.spatial, networkx), the data
collector (pandas), the batch runner and the experimental modules. A run uses `mesa.Model` and `mesa.Agent`
only, from `mesa.model` and `mesa.agent`, which need nothing but numpy. Importing the rest took about 1.3 s of
a 6-7 s run at scale 100 on this project's machine.

So this module registers the package `mesa` with its `__init__` deferred: submodules import as usual, and the
first use of an attribute of the package itself (`mesa.space`, `mesa.__version__`, `from mesa import
DataCollector`, `dir(mesa)`) runs Mesa's own `__init__` then, once, under a lock. Code that uses Mesa in the
same process, such as the interactive page, sees the whole package. If Mesa was imported already, nothing is
deferred.
"""

from __future__ import annotations

import importlib.util
import sys
import threading


def defer_package_init(name: str) -> None:
    """Register package `name` in `sys.modules` with its `__init__` run at the first use of its attributes.

    If that `__init__` fails, the error is raised at that use and again at the next one (which retries)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not an installed package: the ordinary import reports it
    package = importlib.util.module_from_spec(spec)
    lock = threading.RLock()  # re-entrant: the package's own __init__ may ask for a missing name
    initialising = False

    def run_init() -> None:
        nonlocal initialising
        with lock:  # other threads wait here until the package is whole
            if "__getattr__" not in package.__dict__ or initialising:
                return  # done already, or this thread's own __init__ is asking
            initialising = True
            try:
                spec.loader.exec_module(package)  # type: ignore[union-attr]
            finally:
                initialising = False
            del package.__dict__["__getattr__"], package.__dict__["__dir__"]

    def getattr_(attribute: str) -> object:
        """Module `__getattr__` (PEP 562): run the package's `__init__`, then answer from it."""
        run_init()
        if attribute in package.__dict__ and attribute not in ("__getattr__", "__dir__"):
            return package.__dict__[attribute]
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    def dir_() -> list[str]:
        run_init()
        return sorted(package.__dict__)

    package.__getattr__ = getattr_  # type: ignore[attr-defined]
    package.__dir__ = dir_  # type: ignore[attr-defined]
    sys.modules[name] = package


defer_package_init("mesa")

from mesa.agent import Agent  # noqa: E402
from mesa.model import Model  # noqa: E402

__all__ = ["Agent", "Model", "defer_package_init"]
