import pytest

from ingest.evaluation.calibration import reliability


def test_ece_on_a_constructed_case() -> None:
    # 10 fields at 0.95, 8 right (gap 0.15); 10 at 0.55, 5 right (gap 0.05).
    samples = [(0.95, k < 8) for k in range(10)] + [(0.55, k < 5) for k in range(10)]
    rel = reliability(samples)
    assert rel.ece == pytest.approx((10 * 0.15 + 10 * 0.05) / 20)
    top, middle = rel.curve[9], rel.curve[5]
    assert (top.count, top.mean_confidence, top.accuracy) == (10, pytest.approx(0.95), 0.8)
    assert (middle.count, middle.mean_confidence, middle.accuracy) == (10, pytest.approx(0.55), 0.5)
    assert sum(b.count for b in rel.curve) == 20


def test_perfectly_calibrated_bins_and_edges() -> None:
    samples = [(1.0, True), (1.0, True), (0.0, False), (0.1, False)]
    rel = reliability(samples)
    assert rel.counts[9] == 2  # confidence 1.0 lands in the top bin
    assert rel.counts[0] == 1 and rel.counts[1] == 1
    assert rel.ece == pytest.approx(0.1 / 4)


def test_bins_add_up_like_pooled_samples() -> None:
    a = [(0.91, True), (0.42, False), (0.77, True)]
    b = [(0.93, False), (0.05, False)]
    assert (reliability(a) + reliability(b)).ece == pytest.approx(reliability(a + b).ece)


def test_no_samples_has_no_ece() -> None:
    assert reliability([]).ece is None
