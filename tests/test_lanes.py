"""A batch's per-person arrays are allocated before its paths and each path is built over its
rows (``sim.core.lanes``): a write through either side is seen by the other."""

from dataclasses import dataclass

import numpy as np
import pytest

from sim.core.lanes import Lanes


@dataclass
class _Record:
    x: np.ndarray
    y: np.ndarray
    label: str = "kept"


def test_a_record_held_in_a_lane_is_its_paths_rows_of_the_joined_arrays():
    lanes = Lanes(paths=3, n=2)
    held = [lanes.lane(p).hold("r", _Record(np.full(2, p), np.arange(2.0) + p)) for p in range(3)]
    joined = lanes.joined("r", held[0])
    assert joined.x.tolist() == [0, 0, 1, 1, 2, 2]
    assert joined.y.tolist() == [0.0, 1.0, 1.0, 2.0, 2.0, 3.0]
    assert joined.label == "kept"  # not an array of rows: the first path's own
    joined.x[3] = 9  # the batch writes path 1's second row
    assert held[1].x.tolist() == [1, 9]
    held[2].y[0] = -1.0  # a path writes its own row
    assert joined.y[4] == -1.0


def test_fresh_rows_are_zero_or_the_value_asked_and_a_lane_is_one_of_the_batch():
    lanes = Lanes(2, 3)
    a = lanes.lane(1).full("k", -1, np.int32)
    assert lanes.whole("k").tolist() == [0, 0, 0, -1, -1, -1]
    assert a.dtype == np.int32
    assert lanes.lane(0).zeros("m", np.int64, (2,)).shape == (3, 2)
    with pytest.raises(ValueError, match="lane 2 of a batch of 2 paths"):
        lanes.lane(2)
    with pytest.raises(KeyError, match="no path has laid out 'q'"):
        lanes.whole("q")


def test_rows_a_chunk_are_laid_end_to_end_like_rows_a_person():
    lanes = Lanes(paths=2, n=5)
    counts = [lanes.lane(p).place("c.counts", np.array([p, p + 10])) for p in range(2)]
    assert lanes.whole("c.counts").tolist() == [0, 10, 1, 11]
    lanes.whole("c.counts")[3] = 7  # the batch writes path 1's second chunk
    assert counts[1].tolist() == [1, 7]
