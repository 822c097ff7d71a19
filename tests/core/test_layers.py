"""The core never imports Textual: the CLI, benchmarks and tests rely on it."""

import pkgutil
import subprocess
import sys

import queueapp

FRONT_DOORS = ("queueapp.ui", "queueapp.cli", "queueapp.__main__")


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(queueapp.__path__, "queueapp.")
            if not m.name.startswith(FRONT_DOORS)]


def test_core_modules_do_not_import_textual() -> None:
    core = core_modules()
    assert "queueapp.store.database" in core and "queueapp.config" in core
    assert "queueapp.quotes.estimator" in core and "queueapp.goodwill.gestures" in core
    code = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"core imports Textual: {out.stdout}"
