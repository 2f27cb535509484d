"""Scenario files: what one run needs (policy, population, fund, horizon), shocks,
stress files, ``--set``."""
