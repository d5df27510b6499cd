"""The cell's permissions. Dashboards are public: they show aggregates only, the same figures the
territory publishes as open data (an open innovation cell works in the open)."""

import rules

rules.add_perm("cell.view_dashboard", rules.always_allow)
