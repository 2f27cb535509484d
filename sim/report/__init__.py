"""Figures (matplotlib) and, later, the committee's HTML report."""
