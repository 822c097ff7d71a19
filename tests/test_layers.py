"""The core never imports Textual: the CLI, benchmarks and tests rely on it."""

import pkgutil
import subprocess
import sys

import queueapp


def test_core_modules_do_not_import_textual() -> None:
    core = [m.name for m in pkgutil.iter_modules(queueapp.__path__)
            if m.name not in ("ui", "cli", "__main__")]
    assert "store" in core and "config" in core
    code = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module('queueapp.' + name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"core imports Textual: {out.stdout}"
