"""Process-wide ONNX Runtime switches that must be set before ONNX Runtime is first imported."""

import os


def without_telemetry() -> None:
    """Switch off ONNX Runtime's usage telemetry: it otherwise looks up an outside host a few
    seconds after the first session is created, and nothing here may reach outside the machine.

    ONNX Runtime reads the switch once, when it is first imported, so this runs before any
    import of it: engines call it first thing, and so do the CLI and the tests at start-up.
    `setdefault` leaves an operator's own choice alone.
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
