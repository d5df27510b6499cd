"""The open innovation cell (track 4): dashboards over every track, from precomputed daily metrics."""
