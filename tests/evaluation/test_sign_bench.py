"""bench/signs.py: each printed sign counted as read right or wrong, flagged or not."""

from bench.signs import sign_readings
from ingest.template import default_template
from models.contract import FieldStatus
from tests.ingest.trust_docs import seed_document


def test_each_printed_sign_is_counted_by_how_it_was_read():
    printed = {0: "≧6次", 1: "≥18次", 2: "≦5次", 3: "≧90%"}
    read = {0: ("≥6次", True, "≧6次"), 1: ("≥18次", False, None), 2: ("5次", True, None)}
    read[3] = ("≧90%", True, None)
    truth = seed_document()
    indicators = [
        row.model_copy(update={"value": printed.get(i, row.value)})
        for i, row in enumerate(truth.indicators)
    ]
    truth = truth.model_copy(update={"indicators": indicators})
    pred = truth.model_copy(
        update={
            "indicators": [
                row.model_copy(update={"value": read[i][0] if i in read else row.value})
                for i, row in enumerate(indicators)
            ],
            "fields": [
                f.model_copy(
                    update={"status": FieldStatus.FLAGGED, "suggestion": read[i][2]}
                    if (i := _index(f.path)) in read and read[i][1]
                    else {}
                )
                for f in truth.fields
            ],
        }
    )
    readings = {r.path: r for r in sign_readings(truth, pred, default_template())}
    assert set(readings) == {f"indicators[{i}].value" for i in printed}
    outcome = {p: (r.outcome, r.suggestion) for p, r in readings.items()}
    assert outcome == {
        "indicators[0].value": ("wrong, flagged", "right suggestion"),
        "indicators[1].value": ("right", None),
        "indicators[2].value": ("wrong, flagged", None),  # the sign lost
        "indicators[3].value": ("right, flagged", None),
    }


def _index(path: str) -> int | None:
    if not path.startswith("indicators[") or not path.endswith("].value"):
        return None
    return int(path[len("indicators[") : -len("].value")])
