"""``python -m sim`` is the same as the ``hpfsim`` command."""

from sim.cli import main

raise SystemExit(main())
