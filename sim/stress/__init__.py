"""Stress testing: what a stress does to the figures, and reverse stress testing."""
