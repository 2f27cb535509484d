"""The ground everything stands on: months, money in fen, errors, checks, random draws, chunks.

Imports nothing else of ``sim``."""
