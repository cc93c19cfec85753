"""The recognition timer: every reader reads every call once per round, taking turns."""

import numpy as np

from bench.recognition import interleaved_seconds


def test_readers_take_turns_on_every_call_in_a_rotating_order():
    order: list[tuple[str, int]] = []
    calls = [[np.zeros((4, 4), np.uint8)] * n for n in (1, 2, 3)]

    def reader(name: str):
        return lambda crops: order.append((name, len(crops))) or []

    seconds = interleaved_seconds([reader("a"), reader("b")], calls, rounds=2)

    assert [len(s) for s in seconds] == [2, 2]
    assert all(t >= 0 for s in seconds for t in s)
    assert sorted(order) == sorted([(n, k) for n in "ab" for k in (1, 2, 3)] * 2)
    firsts = [order[i][0] for i in range(0, len(order), 2)]
    assert firsts == ["a", "b", "a", "b", "a", "b"]  # who goes first alternates call by call
