"""Pipeline graphs: the saved spec, the runtime topology, validation. No I/O beyond reading
the files a caller names."""
