"""Build hook: the wheel carries the example workspace and the built-in block library.

Everything else about the package is in pyproject.toml. `examples/` and `blocks/` live at
the repository's top level (they are workspaces and block files a user reads, not Python
modules of the package); when a wheel is built they are copied into
`sluicegate/_data/examples` and `sluicegate/_data/blocks`, where `sluicegate.resources`
finds them. The sdist carries them as they are (MANIFEST.in). An editable install copies
nothing: the package then reads the checkout's folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("examples", "blocks")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".sluicegate", ".*")


class BuildWithData(build_py):
    """`build_py`, then copy examples/ and blocks/ into the built package's `_data/`."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "sluicegate"
        if not (package / "web" / "static" / "dist" / "app.js").is_file():
            raise SystemExit(
                "cannot build the wheel without the browser app: build it first with "
                "`make frontend` (or `cd frontend && npm ci && npm run build`)"
            )
        target = package / "_data"
        for name in SHIPPED:
            source = HERE / name
            if not source.is_dir():
                raise SystemExit(f"cannot build the wheel: {source} is missing")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=NOT_SHIPPED)


setup(cmdclass={"build_py": BuildWithData})
