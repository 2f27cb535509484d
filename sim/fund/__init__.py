"""The fund: what it allows and what it pays.

One module per rule group of RULES.md, each naming its rule IDs:
``policy`` (parameters as dated data), ``eligibility`` (E1, E2), ``accounts``
(E3–E5, the account state), ``bonus`` (S6, S7), ``deposits`` (D1, D2),
``withdrawals`` (W1–W4), ``ageing`` (S1-i), ``subsidy`` (S1–S5),
``interest`` (F1), ``tax`` (D3), ``books`` (the monthly reconciliation) and
``ledger`` (the month, put together).
"""
