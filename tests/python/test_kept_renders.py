"""Today's engine plays the renders kept from before the processor chain,
bit for bit (kept_renders.py says how they were made)."""
import os

import pytest

np = pytest.importorskip("numpy", reason="the renders are kept as numpy arrays")

import kept_renders  # noqa: E402  (needs numpy)

DATA = os.path.join(os.path.dirname(__file__), os.pardir, "data", "renders")


@pytest.mark.parametrize("name", sorted(kept_renders.SCENARIOS))
def test_render_is_bit_exact(name):
    kept = np.load(os.path.join(DATA, name + ".npy"))
    now = kept_renders.render(name)
    assert now.shape == kept.shape
    differ = np.flatnonzero((now.view(np.uint32) != kept.view(np.uint32)).any(axis=1))
    assert differ.size == 0, "%s: %d frames differ, the first at frame %d: %r, kept %r" % (
        name, differ.size, differ[0], now[differ[0]], kept[differ[0]])


def test_every_scenario_is_kept():
    kept = sorted(f[:-4] for f in os.listdir(DATA) if f.endswith(".npy"))
    assert kept == sorted(kept_renders.SCENARIOS)
