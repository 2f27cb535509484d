"""hpfsim: simulate a housing provident fund's flexible-employment pilot.

The package is split the way the fund itself is: ``sim.fund`` holds the rules
(what the fund allows and pays, one module per rule group of RULES.md),
``sim.agents`` holds behaviour (what people choose). ``sim.core.months`` and
``sim.core.money`` are the two conventions everything shares: time is a whole
number of months, money is a whole number of fen.
"""

__version__ = "0.1.0"
