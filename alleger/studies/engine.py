"""The implantation study's arithmetic: numpy arrays in, numpy arrays and plain numbers out.

No Django here: the services feed it projected coordinates (metres, EPSG:3035) and
weights, and store what it returns. Every function is checked against a
brute-force numpy computation (tests/test_engine.py) and the suggestions against
the exact optimum of scipy.optimize.milp (tests/test_greedy_vs_milp.py).

- `nearest`: distance from each cell to the nearest place (scipy.spatial.cKDTree),
  and to the second nearest, which answers "what if this place closed" for every
  place at once.
- `summary`: population-weighted mean and median distance, share covered within
  the radius.
- `worst_cells`: the cells whose people are furthest, weighted by people (or poor
  households) beyond the radius.
- `coverage_matrix` + `greedy`: maximal coverage. Column j of the sparse matrix
  lists the cells within the radius of candidate j; lazy greedy (a max-heap of
  stale gains, re-evaluated on pop) picks the candidate adding the most weight
  still uncovered, k times. Coverage is submodular, so greedy reaches at least
  1 − 1/e of the optimum, and lazy evaluation returns exactly greedy's choice.
- `milp_optimum`: the exact optimum, for tests and the benchmark.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

#: 1 − 1/e, greedy's guarantee for maximal coverage.
GREEDY_BOUND = 1 - 1 / np.e


@dataclass(frozen=True)
class Nearest:
    #: Distance (m) from each cell to its nearest place (inf when there is none).
    distance: np.ndarray
    #: Index of that place (-1 when there is none).
    index: np.ndarray
    #: Distance to the second nearest place (inf when there is no second).
    second: np.ndarray


def nearest(cells: np.ndarray, places: np.ndarray) -> Nearest:
    """cells: (n, 2) and places: (m, 2) arrays of projected coordinates in metres."""
    n = len(cells)
    if len(places) == 0:
        return Nearest(np.full(n, np.inf), np.full(n, -1, dtype=np.int64), np.full(n, np.inf))
    tree = cKDTree(places)
    if len(places) == 1:
        d, i = tree.query(cells, k=1)
        return Nearest(np.asarray(d, float), np.asarray(i, np.int64), np.full(n, np.inf))
    d, i = tree.query(cells, k=2)
    return Nearest(d[:, 0], i[:, 0].astype(np.int64), d[:, 1])


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The smallest value v such that at least half the weight has a value ≤ v (NaN without weight)."""
    total = float(weights.sum())
    if total <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, total / 2)])


def summary(distance: np.ndarray, weights: np.ndarray, radius: float) -> dict:
    """Population-weighted mean and median distance, population and share within `radius`."""
    total = float(weights.sum())
    covered = float(weights[distance <= radius].sum())
    finite = np.isfinite(distance)
    reachable = float(weights[finite].sum())
    return {
        "population": total,
        "covered": covered,
        "covered_share": covered / total if total > 0 else float("nan"),
        # Without any place, distances are infinite: the mean and median say so (None).
        "mean_distance": (float((distance[finite] * weights[finite]).sum() / reachable)
                          if reachable > 0 and reachable == total else None),
        "median_distance": weighted_median(distance, weights) if reachable > 0 and reachable == total else None,
    }


def worst_cells(distance: np.ndarray, weights: np.ndarray, radius: float, count: int) -> np.ndarray:
    """Indices of the `count` uncovered cells with the highest weight × distance, worst first.

    A cell of 300 people at 1.2 km ranks before one of 20 people at 2 km: the
    ranking counts people-metres, so the list points where most people are far."""
    uncovered = np.flatnonzero((distance > radius) & (weights > 0))
    if len(uncovered) == 0:
        return uncovered
    far = np.where(np.isfinite(distance[uncovered]), distance[uncovered], 1e9)
    score = weights[uncovered] * far
    order = np.lexsort((uncovered, -score))  # ties: by cell index, so the order is stable
    return uncovered[order[:count]]


def coverage_matrix(cells: np.ndarray, candidates: np.ndarray, radius: float) -> sparse.csc_matrix:
    """A boolean (cells × candidates) CSC matrix: True where the cell is within `radius` of the candidate."""
    n, m = len(cells), len(candidates)
    if n == 0 or m == 0:
        return sparse.csc_matrix((n, m), dtype=bool)
    # Both trees at once, pairs within the radius in C++ (twice as fast as query_ball_point's lists).
    # The structured array keeps pairs at distance 0, which a sparse output would drop.
    pairs = cKDTree(candidates).sparse_distance_matrix(cKDTree(cells), radius, output_type="ndarray")
    data = np.ones(len(pairs), dtype=bool)
    return sparse.csc_matrix((data, (pairs["j"], pairs["i"])), shape=(n, m))


@dataclass(frozen=True)
class Pick:
    #: Index of the candidate.
    candidate: int
    #: Weight it adds to what is covered (by existing places and earlier picks).
    gain: float


def greedy(matrix: sparse.csc_matrix, weights: np.ndarray, k: int, covered: np.ndarray | None = None) -> list[Pick]:
    """Lazy greedy maximal coverage: at most k picks, each the candidate adding the most uncovered weight.

    `covered` (bool per cell) is what existing places already cover. Stops early
    when no candidate adds anything. Ties go to the lowest candidate index."""
    matrix = sparse.csc_matrix(matrix)
    n, m = matrix.shape
    remaining = np.asarray(weights, dtype=float).copy()
    if covered is not None:
        remaining[covered] = 0.0
    indptr, indices = matrix.indptr, matrix.indices
    gains = matrix.T.astype(float) @ remaining
    heap = [(-g, j) for j, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    picks: list[Pick] = []
    while heap and len(picks) < k:
        _stale, j = heapq.heappop(heap)
        rows = indices[indptr[j]:indptr[j + 1]]
        gain = float(remaining[rows].sum())
        if gain <= 0:
            continue
        # Gains only shrink (submodularity): if j's fresh gain still beats every stale
        # gain left, it is the best; otherwise it goes back with its fresh gain.
        if heap and (-heap[0][0], -heap[0][1]) > (gain, -j):
            heapq.heappush(heap, (-gain, j))
            continue
        picks.append(Pick(int(j), gain))
        remaining[rows] = 0.0
    return picks


@dataclass(frozen=True)
class Optimum:
    candidates: list[int]
    value: float
    #: True when HiGHS proved optimality; else `bound` is its best upper bound.
    optimal: bool
    bound: float
    status: str


def milp_optimum(matrix: sparse.csc_matrix, weights: np.ndarray, k: int, covered: np.ndarray | None = None,
                 *, time_limit: float | None = None) -> Optimum:
    """The exact maximal coverage by scipy.optimize.milp (HiGHS).

    Variables: x_j ∈ {0,1} per candidate, y_i ∈ [0,1] per cell left to cover
    (integral at the optimum: maximising pushes each y_i to min(1, Σ x_j)).
    Maximise Σ w_i y_i subject to y_i ≤ Σ_j A_ij x_j and Σ x_j ≤ k."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    matrix = sparse.csr_matrix(matrix)
    remaining = np.asarray(weights, dtype=float).copy()
    if covered is not None:
        remaining[covered] = 0.0
    rows = np.flatnonzero((remaining > 0) & (np.diff(matrix.indptr) > 0))
    a = matrix[rows].astype(float)
    n, m = a.shape
    if n == 0 or m == 0 or k <= 0:
        return Optimum([], 0.0, True, 0.0, "empty")
    c = np.concatenate([np.zeros(m), -remaining[rows]])
    # y_i − Σ_j A_ij x_j ≤ 0
    cover = sparse.hstack([-a, sparse.identity(n, format="csr")], format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    constraints = [LinearConstraint(cover, -np.inf, 0), LinearConstraint(budget, 0, k)]
    integrality = np.concatenate([np.ones(m), np.zeros(n)])
    options = {"time_limit": time_limit} if time_limit else {}
    result = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(0, 1), options=options)
    if result.x is None:
        return Optimum([], 0.0, False, float("inf"), result.message)
    chosen = [int(j) for j in np.flatnonzero(result.x[:m] > 0.5)]
    # The value of the chosen set, counted exactly (not the relaxed y).
    covered_rows = np.asarray(a[:, chosen].sum(axis=1)).ravel() > 0 if chosen else np.zeros(n, dtype=bool)
    value = float(remaining[rows][covered_rows].sum())
    dual = getattr(result, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else value
    return Optimum(chosen, value, result.status == 0, max(bound, value), result.message)


def coverage_value(matrix: sparse.csc_matrix, weights: np.ndarray, chosen: list[int],
                   covered: np.ndarray | None = None) -> float:
    """The weight newly covered by the candidates `chosen` (brute force, for checks)."""
    matrix = sparse.csc_matrix(matrix)
    hit = np.zeros(matrix.shape[0], dtype=bool)
    for j in chosen:
        hit[matrix.indices[matrix.indptr[j]:matrix.indptr[j + 1]]] = True
    if covered is not None:
        hit &= ~covered
    return float(np.asarray(weights, dtype=float)[hit].sum())


def closures(near: Nearest, weights: np.ndarray, radius: float, place_count: int) -> dict[str, np.ndarray]:
    """For every place at once: what its closing would cost, from the nearest and second-nearest distances.

    A cell whose nearest place closes falls back to its second nearest. Returns per
    place the weight losing coverage (covered by it, and by no other within the
    radius) and the increase of the total weighted distance (person-metres)."""
    mine = near.index >= 0
    idx = near.index[mine]
    w = weights[mine]
    losing = (near.distance[mine] <= radius) & (near.second[mine] > radius)
    lost = np.bincount(idx[losing], weights=w[losing], minlength=place_count)
    extra = np.where(np.isfinite(near.second[mine]), near.second[mine] - near.distance[mine], np.nan)
    added = np.bincount(idx, weights=np.nan_to_num(w * extra, nan=0.0), minlength=place_count)
    stranded = np.bincount(idx, weights=np.where(np.isfinite(extra), 0.0, w), minlength=place_count)
    return {"lost": lost, "added_person_metres": added, "stranded": stranded}
