"""Where block runs execute: threads (the driver itself), a local process pool, or Ray.

The scheduler, edges, fan-out and telemetry stay in the kernel's process. A block run on
`process` or `ray` is *hosted* by a worker (`host.Host`): the kernel sends it small commands
(open, call once, feed a batch of items, pull up to N items, close) and the worker advances
the user's code only as far as each pull asks, so back pressure holds across the boundary
exactly as on threads (a back-pressured generator is simply not pulled).

    kernel (driver)                         worker (process or Ray actor)
    open + once(args) + pull(room) ───────▶ load block, call, advance ≤ room items
           ◀─────── items, done, bytes, rows, Mage metadata
    pull(room) …                            (logs and print() lines arrive as they are written)

Values cross by pickle protocol 5 with out-of-band buffers (`wire.py`).
"""
