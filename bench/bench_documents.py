"""What checking and storing one upload costs: a 5 MB scanned PDF, a 12-megapixel phone photo (JPEG), a PNG.

Run: .venv/bin/python bench/bench_documents.py
Issue 13 wants an upload of a 5 MB PDF under 1 s end to end; this measures the part that is ours whatever the page
(bawaba.documents.validation, then storage.store on the private folder), so that the upload page's own budget
(the request, the form, the row) is what is left.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("BAWABA_LOCAL", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pikepdf  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from PIL import Image  # noqa: E402

from bawaba.documents.isolation import check_upload  # noqa: E402
from bawaba.documents.storage import store  # noqa: E402
from bawaba.documents.validation import validate_upload  # noqa: E402

ROUNDS = 15
MAX_BYTES = 5 * 1024 * 1024


def photo(width: int, height: int, seed: int) -> Image.Image:
    """Something like a photo of a paper: smooth light areas, text-like dark strokes, sensor noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = 200 + 30 * np.sin(x / 97.0) * np.cos(y / 131.0)
    strokes = (
        (rng.random(((height + 7) // 8, (width + 7) // 8)) > 0.93).repeat(8, 0).repeat(8, 1)[:height, :width]
    )
    gray = base - 150 * strokes + rng.normal(0, 9, (height, width))
    rgb = np.stack([gray, gray * 0.97, gray * 0.92], axis=-1).clip(0, 255).astype("uint8")
    return Image.fromarray(rgb, "RGB")


def scanned_pdf(target: int) -> bytes:
    """Pages each holding one JPEG scan, as a scanner or a phone app writes them, up to about `target` bytes."""
    document = pikepdf.new()
    size, seed = 0, 0
    while size < target * 0.9:
        scan = io.BytesIO()
        photo(1240, 1754, seed).save(scan, format="JPEG", quality=80)  # A4 at 150 dpi
        data = scan.getvalue()
        image = pikepdf.Stream(document, data)
        image.Type, image.Subtype, image.Width, image.Height = (
            pikepdf.Name.XObject,
            pikepdf.Name.Image,
            1240,
            1754,
        )
        image.ColorSpace, image.BitsPerComponent, image.Filter = (
            pikepdf.Name.DeviceRGB,
            8,
            pikepdf.Name.DCTDecode,
        )
        document.add_blank_page(page_size=(595, 842))
        page = document.pages[-1]
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = document.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
        size += len(data)
        seed += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def measure(data: bytes, storage: FileSystemStorage) -> tuple[float, float, float, float]:
    validate_upload(data, max_bytes=MAX_BYTES)  # warm-up
    checks, isolated, stores = [], [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        validated = validate_upload(data, max_bytes=MAX_BYTES)
        checked = time.perf_counter()
        store(validated, storage=storage)
        stored = time.perf_counter()
        check_upload(data)  # the same check in a child process, as keep_upload runs it
        isolated.append(time.perf_counter() - stored)
        checks.append(checked - start)
        stores.append(stored - checked)
    return (
        statistics.median(checks) * 1000,
        max(checks) * 1000,
        statistics.median(isolated) * 1000,
        statistics.median(stores) * 1000,
    )


def main() -> None:
    png = io.BytesIO()
    photo(1600, 1200, 7).convert("L").save(png, format="PNG")
    jpeg = io.BytesIO()
    photo(4000, 3000, 3).save(jpeg, format="JPEG", quality=92)
    samples = [
        ("scanned PDF", scanned_pdf(MAX_BYTES - 200_000)),
        ("phone photo, JPEG 4000 × 3000", jpeg.getvalue()),
        ("grey scan, PNG 1600 × 1200", png.getvalue()),
    ]
    print(
        "| upload | size | check, median ms | check, slowest ms | check in a child process, median ms "
        "| store (folder), median ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        storage = FileSystemStorage(location=folder)
        for label, data in samples:
            median, slowest, isolated, stored = measure(data, storage)
            print(
                f"| {label} | {len(data) / 1024 / 1024:.1f} MB | {median:.0f} | {slowest:.0f} | {isolated:.0f} "
                f"| {stored:.1f} |"
            )


if __name__ == "__main__":
    main()
