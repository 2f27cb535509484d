"""The workers: population synthesis, irregular incomes and behaviour.

Behaviour (what people *choose*) lives here; what the fund allows and pays
lives in ``sim.fund``. Agents ask, the ledger decides. Built by the worker
agents issue; account states, the financing choice and the sourced rate
response by issue 12.
"""
