from pathlib import Path

import pytest

from models.truth import GroundTruth


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    """One clean synthetic document with its truth, as `jixiao synth` writes them."""
    from ingest.synth.corpus import write_corpus

    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 1, seed=3, levels=["clean"], include_seed=False)
    (path,) = folder.glob("*.truth.json")
    return folder, GroundTruth.model_validate_json(path.read_bytes())
