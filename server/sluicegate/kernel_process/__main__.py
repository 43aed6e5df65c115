"""`python -m sluicegate.kernel_process READ_FD WRITE_FD WORKSPACE STORE`: the kernel child."""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection

from sluicegate.kernel_process.main import main

read_fd, write_fd, workspace_arg, store_arg = sys.argv[1:5]
main(
    Connection(int(read_fd), writable=False),
    Connection(int(write_fd), readable=False),
    workspace_arg,
    store_arg,
)
# The server closed the pipe (or asked to shut down): exit now, even if user code is still
# running on a worker thread that would otherwise keep the interpreter alive.
os._exit(0)
