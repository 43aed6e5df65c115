"""The files that ship with Sluicegate: the example workspace and the built-in block library.

An installed wheel carries them as package data in `sluicegate/_data/examples` and
`sluicegate/_data/blocks` (copied there from the repository's `examples/` and `blocks/` when
the wheel is built: see setup.py). A source checkout (or an editable install of one) has no
`_data/` and reads the repository's folders. `sluicegate serve` with no workspace serves a
copy of the examples in the user data folder (`$XDG_DATA_HOME/sluicegate/examples`, by
default `~/.local/share/sluicegate/examples` on Linux), made on first use and kept after
that, so a user's edits survive.

Only the standard library and platformdirs here: `sluicegate --help` imports this module.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE / "_data"
CHECKOUT = PACKAGE.parents[1]  # <repo>/server/sluicegate -> <repo>


def shipped(name: str) -> Path:
    """`examples` or `blocks`: the wheel's copy when installed, else the checkout's folder."""
    packaged = PACKAGE_DATA / name
    return packaged if packaged.is_dir() else CHECKOUT / name


def examples_dir() -> Path:
    """The example workspace that ships with Sluicegate (read-only when installed)."""
    return shipped("examples")


def library_dir() -> Path:
    """The built-in block library (`transforms/sort.py`, ...)."""
    return shipped("blocks")


def user_data_dir() -> Path:
    """Sluicegate's folder in the platform's user data folder: `$XDG_DATA_HOME/sluicegate`,
    else `~/.local/share/sluicegate` on Linux (`~/Library/Application Support/sluicegate`
    on macOS, `%LOCALAPPDATA%\\sluicegate` on Windows)."""
    from platformdirs import user_data_path

    return user_data_path("sluicegate", appauthor=False)


def user_examples() -> tuple[Path, bool]:
    """The user's copy of the example workspace, made now if it does not exist yet; returns
    (its folder, whether it was made now)."""
    from sluicegate.errors import Conflict
    from sluicegate.workspace.files import init_workspace

    target = user_data_dir() / "examples"
    if (target / "pipelines").is_dir():
        return target, False
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Conflict(
            f"{target} exists but is not a workspace (no pipelines/ folder): move it away to "
            "get a fresh copy of the examples there, or pass the WORKSPACE to serve"
        )
    init_workspace(target, examples_dir())
    return target, True
