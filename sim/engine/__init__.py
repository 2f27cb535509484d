"""The simulation: one path's month, batches of paths, the Monte Carlo, the results on disk."""
