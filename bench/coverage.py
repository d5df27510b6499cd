"""Benchmark: the implantation study on a city of 2 million people, against brute-force distances alone.

    uv run --frozen python bench/coverage.py [--people 2000000] [--places 10000] [--candidates 5000]
                                             [--suggestions 20] [--radius 500] [--rounds 3]
                                             [--milp-seconds 300] [--no-milp]

No database, no Django: the engine (alleger/studies/engine.py) on a synthetic
city on the INSEE 200 m grid (EPSG:3035 metres): ~50 000 populated cells around
a dozen centres, `--places` existing places drawn where people live (WGS84,
projected with pyproj as the app does), `--candidates` candidate cells.

Measured side by side, interleaved for `--rounds` rounds (medians kept):

- the baseline: brute-force numpy distances from every cell to every place
  (chunks of cells × all places, minimum per row) — distances alone;
- the whole study: projecting the places, nearest and second-nearest distances
  (cKDTree), the summary and per-neighbourhood figures, the worst cells, the
  sparse coverage matrix and lazy greedy suggestions, and "what if this place
  closed" for every place.

Prints the ratio (target: the study under 1/10 of the baseline), the absolute
times, the peak of memory traced by tracemalloc (numpy's allocations) for each,
and the process's peak RSS. Then, unless --no-milp, the same instance through
the exact MILP (scipy.optimize.milp, HiGHS) with a time limit: its optimum, or
its best bound when it stops, and greedy's quality ratio (value / optimum, or
value / bound: a certified lower bound of the ratio).
"""

import argparse
import functools
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alleger.studies import engine  # noqa: E402
from alleger.studies.grid import CELL, HALF, to_3035, to_wgs84  # noqa: E402

ORIGIN = (3_860_000, 2_470_000)  # around Saint-Étienne in EPSG:3035, for realistic projections


def city(people: int, places: int, candidates: int, seed: int = 3):
    """A deterministic synthetic metropolis: populated cells, their people and poor households, places."""
    rng = np.random.default_rng(seed)
    side = 250  # 50 km × 50 km of 200 m cells
    centres = rng.uniform(30, side - 30, size=(14, 2))
    spreads = rng.uniform(8, 30, size=14)
    peaks = rng.uniform(0.3, 1.0, size=14)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    density = np.zeros((side, side))
    for (ci, cj), s, p in zip(centres, spreads, peaks, strict=True):
        density += p * np.exp(-((ii - ci) ** 2 + (jj - cj) ** 2) / (2 * s ** 2))
    density *= rng.lognormal(0, 0.5, size=density.shape)
    populated = density > np.quantile(density, 0.2)  # 80 % of the square: ~50 000 cells
    weights = density[populated]
    ind = np.round(weights / weights.sum() * people, 1)
    north = ORIGIN[1] + ii[populated] * CELL
    east = ORIGIN[0] + jj[populated] * CELL
    centres_xy = np.column_stack([east + HALF, north + HALF]).astype(float)
    poor = np.round(ind / 2.2 * rng.uniform(0.05, 0.45, size=len(ind)), 1)
    # Places where people live, jittered within their cell, in WGS84 as the database holds them.
    chosen = rng.choice(len(ind), size=places, p=ind / ind.sum())
    px = centres_xy[chosen, 0] + rng.uniform(-HALF, HALF, size=places)
    py = centres_xy[chosen, 1] + rng.uniform(-HALF, HALF, size=places)
    plon, plat = to_wgs84(px, py)
    candidate_cells = rng.choice(len(ind), size=candidates, replace=False)
    # Neighbourhoods: 5 km squares.
    hood = (ii[populated] // 25) * 10 + jj[populated] // 25
    return centres_xy, ind, poor, plon, plat, candidate_cells, hood


def brute_force_distances(cells: np.ndarray, places: np.ndarray, chunk: int = 500) -> np.ndarray:
    out = np.empty(len(cells))
    px, py = places[:, 0][None, :], places[:, 1][None, :]
    for start in range(0, len(cells), chunk):
        block = cells[start:start + chunk]
        dx = block[:, 0][:, None] - px
        dy = block[:, 1][:, None] - py
        d2 = dx * dx
        d2 += dy * dy
        out[start:start + chunk] = np.sqrt(d2.min(axis=1))
    return out


def whole_study(cells, ind, poor, plon, plat, candidate_cells, hood, radius, k):
    px, py = to_3035(plon, plat)
    places = np.column_stack([px, py])
    near = engine.nearest(cells, places)
    figures = engine.summary(near.distance, ind, radius)
    engine.summary(near.distance, poor, radius)
    # Per neighbourhood: population, covered, mean distance (bincount over the labels) and medians.
    labels = np.unique(hood, return_inverse=True)[1].ravel()
    covered = near.distance <= radius
    np.bincount(labels, weights=ind)
    np.bincount(labels, weights=ind * covered)
    np.bincount(labels, weights=ind * near.distance)
    order = np.lexsort((near.distance, labels))
    for label in np.unique(labels):
        rows = order[labels[order] == label]
        engine.weighted_median(near.distance[rows], ind[rows])
    worst = engine.worst_cells(near.distance, ind, radius, 20)
    matrix = engine.coverage_matrix(cells, cells[candidate_cells], radius)
    picks = engine.greedy(matrix, ind, k, covered=covered)
    closures = engine.closures(near, ind, radius, len(places))
    return near, figures, worst, matrix, picks, closures, covered


def traced(fn, *args):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn(*args)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_peak(fn, *args) -> float:
    """Extra peak RSS (MiB) while fn(*args) runs: Linux's high-water mark (VmHWM), reset just before
    (writing 5 to /proc/self/clear_refs), minus the RSS then. tracemalloc sees numpy's allocations but
    not cKDTree's own (C++); the RSS sees everything."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return float("nan")
    before = _status_mib("VmRSS")
    fn(*args)
    return _status_mib("VmHWM") - before


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--places", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=5_000)
    parser.add_argument("--suggestions", type=int, default=20)
    parser.add_argument("--radius", type=float, default=500.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--milp-seconds", type=float, default=300.0)
    parser.add_argument("--no-milp", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    cells, ind, poor, plon, plat, candidate_cells, hood = city(args.people, args.places, args.candidates)
    print(f"city: {len(cells)} populated cells of 200 m, {ind.sum():,.0f} people, {args.places} places, "
          f"{args.candidates} candidate sites, radius {args.radius:.0f} m, {args.suggestions} suggestions")
    px, py = to_3035(plon, plat)
    places = np.column_stack([px, py])

    brute_times, study_times, brute_peaks, study_peaks = [], [], [], []
    for round_ in range(args.rounds):
        distances, t_brute, m_brute = traced(brute_force_distances, cells, places)
        result, t_study, m_study = traced(whole_study, cells, ind, poor, plon, plat, candidate_cells, hood,
                                          args.radius, args.suggestions)
        near = result[0]
        assert np.allclose(near.distance, distances), "the study's distances differ from brute force"
        brute_times.append(t_brute)
        study_times.append(t_study)
        brute_peaks.append(m_brute)
        study_peaks.append(m_study)
        print(f"round {round_ + 1}: brute-force distances {t_brute:.3f} s, whole study {t_study:.3f} s")
    _near, figures, _worst, matrix, picks, _closures, covered = result
    brute, study = statistics.median(brute_times), statistics.median(study_times)
    ratio = study / brute
    print()
    print(f"brute-force distances alone : {brute:8.3f} s   peak traced memory {max(brute_peaks) / 2**20:7.1f} MiB")
    print(f"whole study                 : {study:8.3f} s   peak traced memory {max(study_peaks) / 2**20:7.1f} MiB")
    print(f"ratio study / brute force   : {ratio:8.4f}   (1/{1 / ratio:.1f}; target < 1/10: "
          f"{'met' if ratio < 0.1 else 'NOT met'})")
    extra_brute = rss_peak(brute_force_distances, cells, places)
    extra_study = rss_peak(whole_study, cells, ind, poor, plon, plat, candidate_cells, hood, args.radius,
                           args.suggestions)
    print(f"peak RSS growth (VmHWM)     : brute force +{extra_brute:.1f} MiB, whole study +{extra_study:.1f} MiB "
          f"(process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB)")
    print(f"coverage matrix             : {matrix.nnz:,} entries ({matrix.shape[0]:,} cells × "
          f"{matrix.shape[1]:,} candidates)")
    greedy_value = sum(p.gain for p in picks)
    print(f"covered before              : {figures['covered_share']:.2%}; greedy adds {greedy_value:,.0f} people "
          f"with {len(picks)} sites")

    if args.no_milp:
        return
    print(f"\nexact MILP (scipy.optimize.milp, HiGHS), time limit {args.milp_seconds:.0f} s…", flush=True)
    solve = functools.partial(engine.milp_optimum, time_limit=args.milp_seconds)
    optimum, t_milp, m_milp = traced(solve, matrix, ind, args.suggestions, covered)
    print(f"MILP: {t_milp:.1f} s, peak traced memory {m_milp / 2**20:.1f} MiB, status: {optimum.status}")
    if optimum.optimal:
        print(f"optimum {optimum.value:,.0f} people; greedy {greedy_value:,.0f}: ratio {greedy_value / optimum.value:.5f} "
              f"(bound 1 − 1/e = {engine.GREEDY_BOUND:.4f})")
    else:
        print(f"stopped: best found {optimum.value:,.0f}, upper bound {optimum.bound:,.0f}; greedy {greedy_value:,.0f}: "
              f"ratio ≥ {greedy_value / optimum.bound:.5f}")


if __name__ == "__main__":
    main()
