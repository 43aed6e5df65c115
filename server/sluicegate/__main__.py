"""`python -m sluicegate`: the same as the `sluicegate` command."""

from __future__ import annotations

from sluicegate.cli import main

raise SystemExit(main())
