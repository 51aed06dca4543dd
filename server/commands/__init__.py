"""The `dpgraph` command line, its start-up checks and the bundled demo catalogue."""
