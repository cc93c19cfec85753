"""One module per CLI subcommand: `add_arguments(parser, name)` and `run(args) -> int`; `corpus`
holds what the corpus commands (eval, calibrate) share."""
