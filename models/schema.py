"""The JSON Schema of export contract v1, generated from the models.

docs/export-schema.json is this output; a test fails when the two drift apart.
Regenerate with `python -m models.schema > docs/export-schema.json`.
"""

import json
import sys

from models.contract import PerformanceTargets


def export_schema() -> dict:
    schema = PerformanceTargets.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = "urn:jixiao:department-performance-targets:1"
    return schema


def render_schema() -> str:
    return json.dumps(export_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_schema())
