"""The server's side of a kernel: a child process that runs pipelines and cells, the
messages it sends, and their fan-out to browsers."""
