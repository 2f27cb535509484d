"""hpfsim: simulate a housing provident fund's flexible-employment pilot.

The package is split the way the fund itself is: ``sim.fund`` holds the rules
(what the fund allows and pays, one module per rule group of RULES.md),
``sim.agents`` holds behaviour (what people choose). ``sim.core.months`` and
``sim.core.money`` are the two conventions everything shares: time is a whole
number of months, money is a whole number of fen.
"""

import os

# numba's parallel kernels run on GNU OpenMP threads, which by default spin between
# kernels: on 2 cores shared with other work that doubled or tripled a 1M-person run's
# wall and CPU time (docs/benchmarks.md). Idle threads sleep instead unless the user says
# otherwise; read when OpenMP starts, at the first parallel kernel.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

__version__ = "0.1.0"
