"""The engine against brute-force numpy on small grids."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from alleger.studies import engine


def _instance(seed, n=150, m=12, side=4000.0):
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0, side, size=(n, 2)).round(-2)  # on a 100 m lattice: ties happen
    places = rng.uniform(0, side, size=(m, 2)).round(-2)
    weights = rng.integers(0, 300, size=n).astype(float)
    return cells, places, weights


def _brute_distances(cells, places):
    return np.sqrt(((cells[:, None, :] - places[None, :, :]) ** 2).sum(axis=2))


@pytest.mark.parametrize("seed", range(8))
def test_it_finds_the_nearest_place_as_brute_force_does(seed):
    cells, places, _w = _instance(seed)
    all_d = _brute_distances(cells, places)
    near = engine.nearest(cells, places)
    np.testing.assert_allclose(near.distance, all_d.min(axis=1))
    np.testing.assert_allclose(all_d[np.arange(len(cells)), near.index], near.distance)
    np.testing.assert_allclose(near.second, np.sort(all_d, axis=1)[:, 1])


def test_without_places_every_distance_is_infinite_and_nothing_is_covered():
    cells, _p, weights = _instance(1)
    near = engine.nearest(cells, np.zeros((0, 2)))
    assert np.isinf(near.distance).all() and (near.index == -1).all()
    figures = engine.summary(near.distance, weights, 500)
    assert figures["covered"] == 0 and figures["mean_distance"] is None and figures["median_distance"] is None


def test_with_one_place_there_is_no_second():
    near = engine.nearest(np.array([[0.0, 0.0], [300.0, 400.0]]), np.array([[0.0, 0.0]]))
    assert near.distance.tolist() == [0.0, 500.0] and np.isinf(near.second).all()


@pytest.mark.parametrize("seed", range(5))
def test_the_summary_matches_a_brute_force_computation(seed):
    cells, places, weights = _instance(seed)
    d = _brute_distances(cells, places).min(axis=1)
    figures = engine.summary(engine.nearest(cells, places).distance, weights, 700)
    assert figures["population"] == weights.sum()
    assert figures["covered"] == weights[d <= 700].sum()
    assert figures["mean_distance"] == pytest.approx((d * weights).sum() / weights.sum())
    # The weighted median: the smallest distance with at least half the people at or under it.
    expanded = np.repeat(d, weights.astype(int))
    expanded.sort()
    assert figures["median_distance"] == pytest.approx(expanded[int(np.ceil(len(expanded) / 2)) - 1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 5)), min_size=1, max_size=30))
def test_the_weighted_median_is_the_median_of_the_expanded_population(pairs):
    values = np.array([float(v) for v, _ in pairs])
    weights = np.array([float(w) for _, w in pairs])
    if weights.sum() == 0:
        assert np.isnan(engine.weighted_median(values, weights))
        return
    expanded = np.sort(np.repeat(values, weights.astype(int)))
    assert engine.weighted_median(values, weights) == expanded[int(np.ceil(len(expanded) / 2)) - 1]


def test_the_worst_cells_are_the_uncovered_ones_with_most_people_metres():
    cells, places, weights = _instance(3)
    d = _brute_distances(cells, places).min(axis=1)
    worst = engine.worst_cells(d, weights, 600, 10)
    uncovered = [(-(weights[i] * d[i]), i) for i in range(len(d)) if d[i] > 600 and weights[i] > 0]
    assert worst.tolist() == [i for _, i in sorted(uncovered)[:10]]
    assert all(d[i] > 600 for i in worst)


@pytest.mark.parametrize("seed", range(5))
def test_the_coverage_matrix_is_the_brute_force_one(seed):
    cells, candidates, _w = _instance(seed, m=40)
    matrix = engine.coverage_matrix(cells, candidates, 650)
    expected = _brute_distances(cells, candidates) <= 650
    assert (matrix.toarray() == expected).all()


def _naive_greedy(covers, weights, k, covered):
    remaining = np.where(covered, 0.0, weights)
    picks = []
    for _ in range(k):
        gains = covers.T.astype(float) @ remaining
        best = int(np.argmax(gains))  # lowest index among ties, as the lazy greedy
        if gains[best] <= 0:
            break
        picks.append((best, float(gains[best])))
        remaining[covers[:, best]] = 0.0
    return picks


@pytest.mark.parametrize("seed", range(20))
def test_lazy_greedy_picks_exactly_what_plain_greedy_picks(seed):
    cells, places, weights = _instance(seed, n=200, m=10)
    candidates = np.random.default_rng(seed + 100).uniform(0, 4000, size=(60, 2)).round(-2)
    covered = engine.nearest(cells, places).distance <= 500
    matrix = engine.coverage_matrix(cells, candidates, 500)
    picks = engine.greedy(matrix, weights, 8, covered=covered)
    assert [(p.candidate, p.gain) for p in picks] == _naive_greedy(matrix.toarray(), weights, 8, covered)
    # The gains add up to what the picks cover.
    assert sum(p.gain for p in picks) == pytest.approx(
        engine.coverage_value(matrix, weights, [p.candidate for p in picks], covered))


def test_greedy_stops_when_nothing_more_can_be_covered():
    matrix = sparse.csc_matrix(np.array([[1, 0], [0, 0]], dtype=bool))
    assert [p.candidate for p in engine.greedy(matrix, np.array([5.0, 7.0]), 5)] == [0]


@pytest.mark.parametrize("seed", range(6))
def test_closing_a_place_costs_what_recomputing_without_it_says(seed):
    cells, places, weights = _instance(seed, m=8)
    radius = 800
    near = engine.nearest(cells, places)
    cost = engine.closures(near, weights, radius, len(places))
    before = _brute_distances(cells, places).min(axis=1)
    for k in range(len(places)):
        after = _brute_distances(cells, np.delete(places, k, axis=0)).min(axis=1)
        lost = weights[(before <= radius) & (after > radius)].sum()
        assert cost["lost"][k] == pytest.approx(lost)
        assert cost["added_person_metres"][k] == pytest.approx(((after - before) * weights).sum())
