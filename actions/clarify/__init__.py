"""Which one? A message that fits two or more topics is asked about with buttons (issue 15)."""
