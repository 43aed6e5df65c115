"""Versions of workspace files, so that a write based on an old read cannot erase an edit
made since (in another editor, another tab, by hand).

A file's version is a hash of its bytes: the same bytes give the same version, whoever wrote
them. A pipeline's version is its pipeline.yaml's (blocks, edges, ports and settings all live
there); a block's is its code file's. `read_pipeline` reports both; a write names the version
it was based on (HTTP `If-Match`) and is refused (`PreconditionFailed`, 412) when the file
holds something else by then (`sluicegate.web.versions`).

    check("*", file_version(path), "pipelines/etl/load.py")   # raises unless the file exists
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sluicegate.errors import PreconditionFailed

# An entity tag, weak or strong, or (leniently) a bare token such as a `version` as sent in JSON.
_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*|\s*([^\s",]+)\s*')


def version_of(data: bytes) -> str:
    """The version of a file holding `data`."""
    return hashlib.sha256(data).hexdigest()[:20]


def file_version(path: Path) -> str | None:
    """The version of the file at `path`; None when there is no such file."""
    try:
        return version_of(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def etag(version: str) -> str:
    """The strong entity tag of a version (RFC 9110 §8.8.3), as sent in `ETag`."""
    return f'"{version}"'


def matches(if_match: str, current: str | None) -> bool:
    """Whether `If-Match: <if_match>` holds for a file whose version is `current` (None: the
    file does not exist). RFC 9110 §13.1.1: `*` holds when the file exists; a list of tags
    holds when one of them is `current`, compared strongly (a weak tag never matches)."""
    value = if_match.strip()
    if value == "*":
        return current is not None
    if current is None:
        return False
    for item in value.split(","):
        found = _TAG.fullmatch(item)
        if found and not found.group(1) and (found.group(2) or found.group(3)) == current:
            return True
    return False


def check(if_match: str | None, current: str | None, where: str) -> None:
    """Raise PreconditionFailed, naming the file `where` and its `current` version, unless
    `if_match` is None (the writer did not ask) or holds."""
    if if_match is not None and not matches(if_match, current):
        raise PreconditionFailed(_message(if_match, current, where), where=where, version=current)


def _message(if_match: str, current: str | None, where: str) -> str:
    if current is None:
        return (
            f"{where} does not exist any more (it was moved or deleted since you read it); "
            "nothing was written. Reload to see the pipeline as it is now"
        )
    return (
        f"{where} changed since you read it (you sent If-Match: {if_match}, it is now "
        f"{etag(current)}); nothing was written. Reload it to see the change, or send "
        f"If-Match: {etag(current)} to overwrite it"
    )
