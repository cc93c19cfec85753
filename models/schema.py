"""The JSON Schema of each form's export contract, generated from the models.

docs/export-schema.json (v1, the 部门整体 form) and docs/export-schema-project.json (the 项目支出
form) are this output; a test fails when they drift apart. Regenerate with
`python -m models.schema docs/`.
"""

import json
import sys
from pathlib import Path

from models.contract import FormDocument, PerformanceTargets
from models.project import ProjectTargets

# Published file name -> the contract it documents.
PUBLISHED: dict[str, type[FormDocument]] = {
    "export-schema.json": PerformanceTargets,
    "export-schema-project.json": ProjectTargets,
}


def export_schema(contract: type[FormDocument]) -> dict:
    schema = contract.model_json_schema(by_alias=True, mode="serialization")
    schema_id = contract.model_fields["schema_id"].default
    schema["$id"] = "urn:jixiao:" + schema_id.replace("/", ":")
    return schema


def render_schema(contract: type[FormDocument]) -> str:
    return json.dumps(export_schema(contract), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    for name, contract in PUBLISHED.items():
        (folder / name).write_text(render_schema(contract), encoding="utf-8")
