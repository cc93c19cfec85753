"""Files under the data folder: uploads stored by content, page images per document.

    data/uploads/<sha256>            the upload's bytes, stored once however often it arrives
    data/pages/<doc>/<n>.png         the rasterised page
    data/pages/<doc>/<n>.clean.png   the cleaned page; field boxes refer to this image

Paths kept in the database are relative to the data folder, so the folder can move.
PNG at a low compression level: lossless, and fast to write for 200 dpi pages.
"""

import os
import shutil
from pathlib import Path

import numpy as np

PNG_COMPRESSION = 1


class BlobStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir)

    def upload_path(self, sha256: str) -> Path:
        return self.root / "uploads" / sha256

    def page_path(self, document_id: str, n: int, *, clean: bool = False) -> str:
        return f"pages/{document_id}/{n}{'.clean' if clean else ''}.png"

    def absolute(self, relative: str) -> Path:
        return self.root / relative

    def free_bytes(self) -> int:
        """Room left on the data folder's disk."""
        self.root.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.root).free

    def incoming_dir(self) -> Path:
        """Where uploads are streamed before their hash is known (same disk: renames are atomic)."""
        path = self.root / "incoming"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def keep_upload(self, tmp: Path, sha256: str) -> Path:
        """Move a streamed upload to its content address; a second copy is simply dropped."""
        target = self.upload_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            tmp.unlink(missing_ok=True)
        else:
            os.replace(tmp, target)
        return target

    def write_image(self, relative: str, image: np.ndarray) -> None:
        import cv2

        path = self.absolute(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, buf = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION])
        if not ok:
            raise OSError(f"could not encode {relative}")
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(buf.tobytes())
        os.replace(tmp, path)

    def read_image(self, relative: str) -> np.ndarray:
        import cv2

        image = cv2.imread(str(self.absolute(relative)), cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError(relative)
        return image

    def crop_png(self, relative: str, bbox: list[int], margin: int = 6) -> bytes:
        """The box on a page image, with a little margin so strokes on the border survive."""
        import cv2

        image = self.read_image(relative)
        h, w = image.shape[:2]
        x0, y0, x1, y1 = bbox
        x0, y0 = max(x0 - margin, 0), max(y0 - margin, 0)
        x1, y1 = min(x1 + margin, w), min(y1 + margin, h)
        if x1 <= x0 or y1 <= y0:
            raise ValueError(f"empty box {bbox} on a {w}x{h} page")
        ok, buf = cv2.imencode(".png", image[y0:y1, x0:x1])
        if not ok:
            raise OSError("could not encode crop")
        return buf.tobytes()
