"""The flatness bench: each step of the grouping timed at every size, the steps nested as they call each other."""

import numpy as np

from newsdesk_lab.bench.flatness import run_flatness, table


def test_each_size_gets_the_whole_probe_timed_step_by_step():
    pool = np.random.default_rng(0).standard_normal((30, 384)).astype(np.float32)
    result = run_flatness((20, 60), probe=8, pool=pool / np.linalg.norm(pool, axis=1, keepdims=True))
    for size in ("20", "60"):
        steps = result["sizes"][size]["steps"]
        assert steps["add"]["calls"] == 1.0                      # one add per probe article
        assert "add/pair features" in steps
        assert all(0 <= s["own_ms"] <= s["ms"] + 1e-9 for s in steps.values())
        assert steps["add"]["ms"] >= sum(s["ms"] for p, s in steps.items() if p.count("/") == 1)
    assert "largest/smallest" in table(result)
