"""Running a block's `@test` functions on its output, as Mage does.

Each test gets the output (the item, or the list of items when the block emitted several)
and, when it takes `**kwargs`, the block run's kwargs (`configuration`, variables, ...). A
failed assertion fails the block run; its traceback ends at the failing `assert`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sluicegate.kernel.addons import call_with

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import Services


async def run_tests(
    run: Services, inst: Instance, captured: list[Any] | None, *, single_output: bool
) -> None:
    output: Any = captured
    if captured is not None and single_output and len(captured) == 1:
        output = captured[0]
    kwargs = run.kwargs_for(inst)
    for test in inst.loaded.tests:
        try:
            await run.loop.run_in_executor(run.pool, call_with, test, (output,), kwargs)
        except AssertionError as exc:
            failed = AssertionError(f"@test {test.__name__} failed: {exc or 'assertion failed'}")
            raise failed.with_traceback(exc.__traceback__) from None
