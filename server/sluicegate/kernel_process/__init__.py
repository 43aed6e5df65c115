"""The kernel process: the child that the server starts (`python -m sluicegate.kernel_process`)
to run pipelines and cells. It imports the kernel, the store and the protocol, never the
server (FastAPI, SQLModel, `sluicegate.web`, `sluicegate.session`): tests/test_boundaries.py
checks it. `pipe` is the frame transport both sides use."""
