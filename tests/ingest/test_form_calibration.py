"""Each form and OCR engine is flagged with its own fitted model; one never fitted trusts only
near-certain readings."""

from ingest.calibration import UNFITTED
from ingest.forms import default_form, form_by_id


def test_the_shipped_fit_is_the_first_forms_for_rapidocr():
    model = default_form().calibration("rapidocr")
    assert model.method == "logistic" and model.fit is not None


def test_a_form_or_engine_without_a_fit_is_not_flagged_with_another_ones_thresholds():
    for form, engine in ((default_form(), "paddleocr"), (form_by_id("project_expenditure"), "x")):
        model = form.calibration(engine)
        assert model is UNFITTED
        assert model.threshold("amount") == 0.99
        sure = [0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]  # read, cell and label all certain
        assert model.probability([sure])[0] == 1.0
        assert model.probability([[0.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]])[0] < 0.99
        assert model.probability([[0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]])[0] == 0.0
