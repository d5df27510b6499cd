"""Writes of the funding track. Import from the submodules: projects, contributions, matching, settlement, needs, sponsors."""
