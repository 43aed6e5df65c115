"""The engine: scheduler, ports and buffers, dynamic fan-out, executors, telemetry sampling.

Imports neither FastAPI nor SQLModel (a test checks it)."""
