"""Calling a block's callbacks once its run has ended, as Mage does.

`@callback('success')` / `@callback('failure')` functions get the block run's upstream
outputs as positional arguments and its kwargs; `@on_success` / `@on_failure` get the
kwargs only. A failure callback also gets the error as `__error`. A callback that raises is
logged on the block run and changes nothing else (Mage logs it too).
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any

from sluicegate.kernel.addons import call_with, callback_args

if TYPE_CHECKING:
    from sluicegate.kernel.instance import Instance
    from sluicegate.kernel.ports import Services


async def run_callbacks(
    run: Services, inst: Instance, status: str, error: BaseException | None
) -> None:
    """Call `inst`'s callbacks for `status` (success, failure or cancelled) on the pool.
    Called whenever a block run that executed ends, so its kept arguments are let go."""
    args = callback_args(run.run_id, inst.uuid)
    chosen = [c for c in inst.loaded.callbacks if c.status == status]
    if not chosen:
        return
    kwargs: dict[str, Any] = run.kwargs_for(inst)
    if error is not None:
        kwargs["__error"] = error

    def call_all() -> None:
        for callback in chosen:
            try:
                call_with(callback.fn, () if callback.legacy else args, kwargs)
            except Exception as exc:
                kwargs["logger"].error(
                    f"{status} callback {callback.fn.__name__} of block '{inst.block}' raised "
                    f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
                )

    try:
        await run.loop.run_in_executor(run.pool, call_all)
    except RuntimeError:  # the pool was shut down: the run is being torn down
        return
