"""A borrower's repayment capacity and buffer (sim.agents.repaying; W1, F4)."""

import numpy as np

from sim.agents.config import Repaying
from sim.agents.repaying import next_buffer_fen, repayment_capacity_fen

CFG = Repaying(max_repayment_share=0.5, buffer_instalments=6, saving_share=0.1)


def test_W1_capacity_is_the_income_share_and_the_buffer():
    # 5,000.009 yuan × 50% = 2,500.0045 → 250,000 fen (down); + a 3,000-yuan buffer
    cap = repayment_capacity_fen(CFG, np.array([5_000.009, 0.0]), np.array([300_000, 300_000]))
    assert cap.tolist() == [550_000, 300_000]


def test_W1_buffer_pays_in_an_idle_month_and_refills_from_income():
    owed = np.array([200_000, 200_000, 200_000])
    income = np.array([0.0, 6_000.0, 6_000.0])
    buffer = np.array([500_000, 500_000, 1_190_000])
    got = next_buffer_fen(CFG, income, buffer, owed)
    # idle: 5,000 − 2,000 = 3,000 yuan left
    # working: the income share 3,000 pays the 2,000 due; 1,000 left over + 600 saved (10%)
    #   → 5,000 + 1,600 = 6,600 yuan
    # near the cap of 6 × 2,000 = 12,000: 11,900 + 1,600 → 12,000
    assert got.tolist() == [300_000, 660_000, 1_200_000]
