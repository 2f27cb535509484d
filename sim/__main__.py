"""``python -m sim`` is the same as the ``hpfsim`` command."""

from sim.cli.main import main

raise SystemExit(main())
