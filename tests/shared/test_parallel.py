"""``lowlight_utils._shared.parallel``: image-by-image work in threads, with a loop's results."""

from __future__ import annotations

import threading
import time

import pytest

from lowlight_utils._shared.parallel import thread_map, usable_cores


def test_results_keep_the_input_order_when_later_items_finish_first():
    def slow_first(i):
        time.sleep(0.05 if i == 0 else 0.0)
        return i * 10

    assert thread_map(slow_first, range(6), workers=3) == [0, 10, 20, 30, 40, 50]


def test_items_run_in_several_threads_and_one_worker_is_a_plain_loop():
    seen = set()

    def record(_):
        seen.add(threading.get_ident())
        time.sleep(0.02)

    thread_map(record, range(6), workers=3)
    assert len(seen) > 1
    seen.clear()
    thread_map(record, range(4), workers=1)
    assert seen == {threading.get_ident()}


def test_the_first_failing_item_in_input_order_is_the_one_raised():
    def fail(i):
        if i in (1, 3):
            time.sleep(0.05 if i == 1 else 0.0)  # item 3 fails first in time
            raise ValueError(f"item {i}")
        return i

    with pytest.raises(ValueError, match="item 1"):
        thread_map(fail, range(5), workers=4)


def test_usable_cores_is_at_least_one_and_empty_input_gives_empty_list():
    assert usable_cores() >= 1
    assert thread_map(str, [], workers=4) == []
