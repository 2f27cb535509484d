"""The ``hpfsim`` command: one parser, one module per group of subcommands."""
