"""Mesa's Model and Agent without the rest of Mesa at start-up (`simulator.mesa_core`)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.mesa_core import defer_package_init


def run_python(code: str, cwd: Path | None = None) -> str:
    """Run `code` in a fresh interpreter (imports are process-wide) and return its output."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_run_imports_mesa_core_only_and_mesa_stays_whole() -> None:
    out = run_python(
        """
        import sys
        import simulator.run
        unused = ("networkx", "mesa.space", "mesa.batchrunner", "mesa.datacollection")
        print(sorted(m for m in unused if m in sys.modules))
        import mesa, simulator.mesa_core as core
        from mesa import DataCollector
        same = mesa.Model is core.Model, mesa.Agent is core.Agent
        print(mesa.__version__ != "", *same, "mesa.space" in sys.modules)
        """
    )
    assert out.split("\n")[:2] == ["[]", "True True True True"]


def test_deferred_init_runs_at_first_attribute_use(tmp_path: Path) -> None:
    package = tmp_path / "lazy_pkg"
    package.mkdir()
    init = "import sys\nsys.INIT_RUNS = getattr(sys, 'INIT_RUNS', 0) + 1\nVALUE = 7\n"
    # the package's own __init__ asking for a name it lacks gets AttributeError, not a second __init__
    init += "try:\n    sys.modules[__name__].missing\nexcept AttributeError:\n    VALUE = 7\n"
    (package / "__init__.py").write_text(init)
    (package / "part.py").write_text("X = 1\n")
    out = run_python(
        """
        import sys
        from simulator.mesa_core import defer_package_init
        defer_package_init("lazy_pkg")
        import lazy_pkg.part
        print(getattr(sys, "INIT_RUNS", 0), lazy_pkg.part.X)
        import lazy_pkg
        print(lazy_pkg.VALUE, sys.INIT_RUNS, lazy_pkg.VALUE, sys.INIT_RUNS)
        """,
        cwd=tmp_path,
    )
    assert out.split("\n")[:2] == ["0 1", "7 1 7 1"]


def test_a_failing_init_raises_at_use_and_again_at_the_next_use(tmp_path: Path) -> None:
    package = tmp_path / "broken_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("raise RuntimeError('broken init')\n")
    out = run_python(
        """
        from simulator.mesa_core import defer_package_init
        defer_package_init("broken_pkg")
        import broken_pkg
        for _ in range(2):
            try:
                broken_pkg.anything
            except RuntimeError as error:
                print(error)
        """,
        cwd=tmp_path,
    )
    assert out.split("\n")[:2] == ["broken init", "broken init"]


def test_nothing_is_deferred_for_a_module_already_imported_or_missing() -> None:
    before = sys.modules["pytest"]
    defer_package_init("pytest")
    assert sys.modules["pytest"] is before
    defer_package_init("no_such_package_talentsim")
    assert "no_such_package_talentsim" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        __import__("no_such_package_talentsim")


def test_threads_that_first_use_the_package_at_once_all_see_it_whole(tmp_path: Path) -> None:
    package = tmp_path / "slow_pkg"
    package.mkdir()
    init = "import sys, time\nsys.INIT_RUNS = getattr(sys, 'INIT_RUNS', 0) + 1\ntime.sleep(0.3)\nVALUE = 7\n"
    (package / "__init__.py").write_text(init)
    out = run_python(
        """
        import sys, threading
        from simulator.mesa_core import defer_package_init
        defer_package_init("slow_pkg")
        import slow_pkg
        seen = []
        def read():
            try:
                seen.append(slow_pkg.VALUE)
            except Exception as error:
                seen.append(type(error).__name__)
        threads = [threading.Thread(target=read) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(sorted(map(str, seen)), sys.INIT_RUNS, "VALUE" in dir(slow_pkg))
        """,
        cwd=tmp_path,
    )
    assert out.split("\n")[0] == "['7', '7', '7', '7'] 1 True"
