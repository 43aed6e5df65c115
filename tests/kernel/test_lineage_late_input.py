"""`match: lineage` with a plain input that arrives last (SPEC §4.10.3): the plain block P
can start only after every child of R is done, so its output reaches D after all the
children of B and C. D must still get one child per lineage (it used to get none, and the
run said succeeded)."""

from __future__ import annotations

from typing import Any


def test_a_plain_input_arriving_after_the_keyed_ones_completes_every_lineage(
    run_fixture: Any,
) -> None:
    outcome = run_fixture("lineage_late_plain")
    assert outcome.result.status == "succeeded", outcome.result.error
    d = outcome.report["blocks"]["D"]
    assert d["phase"] == "succeeded"
    assert d["children"]["spawned"] == 3 and d["children"]["succeeded"] == 3
    assert sorted(outcome.phases("D")) == ["D:0", "D:1", "D:2"]
