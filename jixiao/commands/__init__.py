"""One module per CLI subcommand: `add_arguments(parser, name)` and `run(args) -> int`."""
