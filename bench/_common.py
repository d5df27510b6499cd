"""What the benchmarks share (imported as `_common`: each script runs with bench/ on its path)."""


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank `q` quantile of `values` (0 ≤ q ≤ 1, in any order); NaN when there is none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]
