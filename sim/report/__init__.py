"""What users see of a run: the committee's report (HTML and xlsx), fan charts, terminal tables."""
