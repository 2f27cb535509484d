"""Dormancy: members who stop depositing, keep their account, and may restart.

Voluntary schemes for informal workers show 25–50% of accounts not
contributing at any time, about 8–10% of contributors stopping each year and
substantial restarts (FACTS.md, "Dormancy": KiwiSaver 222,344 stopped and
180,275 restarted in a year with 765,049 not contributing). A member is an
*active depositor* or *dormant*; a dormant account keeps its balance, earns
interest and the subsidy on its aged money like any other (the ledger does not
know the difference), may withdraw, and may restart. Exit (closing the
account, ``withdrawing``) is a separate choice open to both.

Each month an active depositor stops with hazard::

    h_stop = monthly(stop_annual_rate) * cohort stop multiplier
             * exp(stop_income_loss * (idle, or income below half its average))
             / contribution pull

and a dormant member restarts with hazard ``monthly(restart_annual_rate) *
cohort restart multiplier * contribution pull`` (and deposits at their next
deposit decision). Joiners start active; so does anyone saving up for a
planned purchase (``financing``).
"""

from __future__ import annotations

import numpy as np

from sim.agents.joining import monthly_from_annual


def stop_probabilities(log_hazard: np.ndarray, loss_effect: float) -> np.ndarray:
    """Monthly probability that an active depositor stops depositing, ``[cohort, income
    loss]``: computed once a month for each cohort, without and with an income loss."""
    x = np.stack([log_hazard, log_hazard + loss_effect], axis=1).astype(np.float32)
    with np.errstate(over="ignore"):
        return np.minimum(np.exp(x).astype(float), 1.0)


def log_hazards(annual_rate: float, multipliers: np.ndarray, pull: float) -> np.ndarray:
    """Per-cohort log monthly hazards: ``log(monthly(annual) * multiplier * pull)``."""
    h = monthly_from_annual(annual_rate) * np.asarray(multipliers, float) * pull
    with np.errstate(divide="ignore"):
        return np.log(h)
