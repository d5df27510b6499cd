"""The implantation study of shared places: population coverage and suggested sites (track 3)."""
