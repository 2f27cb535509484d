"""Decisions under uncertainty: uncertain inputs → samples → evaluation → analysis (SALib's shape).

Sensitivity (Morris, Sobol'), the robust table and the optimiser."""
