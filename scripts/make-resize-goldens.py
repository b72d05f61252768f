#!/usr/bin/python3
"""Write the resize goldens in test/fixtures/resize/: source images and what each training
library's own loader + resize makes of them.

    /usr/bin/python3 scripts/make-resize-goldens.py

References (the versions Debian 12 ships): Pillow 9.4 (`Image.open(p).convert('RGB')`, then
`Image.resize`, or torchvision's `Resize` + `CenterCrop` transforms on the PIL image),
torchvision 0.14 on tensors (`torchvision.io.read_image(p, ImageReadMode.RGB)`, then
`torchvision.transforms.functional.resize` with `antialias`), OpenCV 4.6 (`cv2.imread(p)`, then
`cv2.resize`; letterbox as Ultralytics' `LetterBox` does it: scale r = min(h/h0, w/w0), content
round(w0·r) × round(h0·r) resized with INTER_LINEAR, padding round(d − 0.1) / round(d + 0.1) of
colour 114).

Outputs:
  sources/*.png, *.jpg   the source images (gray, RGB, RGBA, LA, palette with transparency,
                         16-bit gray, JPEG, a JPEG with EXIF orientation 6; 1-px wide and high,
                         odd and non-square sizes)
  cases.tsv              one line per golden: source, library, interpolation, antialias, mode,
                         target size (and resizeTo)
  expected.bin.gz        the expected RGB pixels of every case, concatenated in that order (gzip)

The test (test/integration/resize-goldens.test.ts) decodes each source through VisionGate's
decodeToGeometry with the library's default loader options and compares. Deterministic:
re-running rewrites identical bytes. Only this script needs Python; the tests do not.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
from pathlib import Path

import cv2
import numpy as np
import torch
import torchvision
from PIL import Image, ImageDraw
from torchvision.io import ImageReadMode, read_image
from torchvision.transforms import CenterCrop, InterpolationMode, Resize
from torchvision.transforms import functional as TF

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "resize"
SRC = OUT / "sources"

PIL_FILTERS = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
    "box": Image.Resampling.BOX,
    "hamming": Image.Resampling.HAMMING,
}
TV_MODES = {
    "nearest": InterpolationMode.NEAREST,
    "bilinear": InterpolationMode.BILINEAR,
    "bicubic": InterpolationMode.BICUBIC,
}
CV_FLAGS = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "area": cv2.INTER_AREA,
}


# ---------------------------------------------------------------------------------------------
# Source images: smooth gradients (every level, so rounding shows), hard edges (so negative
# lobes and clipping show) and a little noise, in sizes that make odd ratios.


def pattern(w: int, h: int, seed: int, noise: float = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * x / max(w - 1, 1)
    g = 255 * (0.5 + 0.5 * np.sin(2 * np.pi * y / max(h, 2) * 1.5 + x / max(w, 2)))
    b = np.where((x // 3 + y // 2) % 2 == 0, 230.0, 25.0)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, noise, (h, w, 3))
    im = Image.fromarray(np.clip(np.round(img), 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    if w >= 6 and h >= 6:
        d.rectangle([w // 4, h // 4, w // 2, h // 2], fill=(255, 255, 255))
        d.line([0, h - 1, w - 1, 0], fill=(0, 0, 0), width=1)
    return np.asarray(im)


def save_png(name: str, arr: np.ndarray, mode: str | None = None) -> None:
    Image.fromarray(arr, mode).save(SRC / name, optimize=True)


def make_sources() -> dict[str, str]:
    SRC.mkdir(parents=True, exist_ok=True)
    for f in SRC.iterdir():
        f.unlink()
    save_png("rgb-17x11.png", pattern(17, 11, 1))
    save_png("rgb-64x48.png", pattern(64, 48, 2))
    save_png("rgb-257x193.png", pattern(257, 193, 3, noise=1.5))
    save_png("rgb-1x9.png", pattern(1, 9, 4))
    save_png("rgb-9x1.png", pattern(9, 1, 5))
    save_png("rgb-2x3.png", pattern(2, 3, 6))
    save_png("gray-23x31.png", pattern(23, 31, 7)[:, :, 1].copy(), "L")
    # RGBA: alpha from opaque to fully transparent, with colour stored under transparent pixels
    # (PIL's convert('RGB') keeps it; flattening would not).
    rgba = np.dstack([pattern(19, 14, 8), np.tile(np.linspace(0, 255, 19).astype(np.uint8), (14, 1))])
    save_png("rgba-19x14.png", rgba, "RGBA")
    la = np.dstack([pattern(10, 7, 9)[:, :, 0], np.tile(np.linspace(255, 0, 10).astype(np.uint8), (7, 1))])
    save_png("la-10x7.png", la, "LA")
    pal = Image.fromarray(pattern(12, 10, 10)).quantize(colors=16, dither=Image.Dither.NONE)
    pal.info["transparency"] = 3
    pal.save(SRC / "palette-12x10.png", transparency=3, optimize=True)
    g16 = (np.arange(9 * 6).reshape(6, 9) * 1210).astype(np.uint16)  # 0 .. 64130, most > 255
    cv2.imwrite(str(SRC / "gray16-9x6.png"), g16)
    Image.fromarray(pattern(45, 33, 11)).save(SRC / "jpeg-45x33.jpg", quality=85)
    # Stored 24×16, EXIF orientation 6 (displayed 16×24): OpenCV rotates it, PIL does not.
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(pattern(24, 16, 12)).save(SRC / "exif6-24x16.jpg", quality=90, exif=exif)
    return {f.name: f.name for f in sorted(SRC.iterdir())}


# ---------------------------------------------------------------------------------------------
# Loaders, as each library's user writes them.


def load_pil(name: str) -> Image.Image:
    return Image.open(SRC / name).convert("RGB")


def load_tv(name: str) -> torch.Tensor:
    return read_image(str(SRC / name), ImageReadMode.RGB)


def load_cv(name: str) -> np.ndarray:
    img = cv2.imread(str(SRC / name))  # IMREAD_COLOR: BGR, EXIF applied, alpha dropped
    assert img is not None, name
    return img


def rgb_bytes(x) -> bytes:
    if isinstance(x, Image.Image):
        a = np.asarray(x.convert("RGB"))
    elif isinstance(x, torch.Tensor):
        a = x.permute(1, 2, 0).numpy()
    else:
        a = x[:, :, ::-1]  # BGR -> RGB
    assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3
    return np.ascontiguousarray(a).tobytes()


# ---------------------------------------------------------------------------------------------
# Targets


def sizes_for(w: int, h: int) -> list[tuple[int, int]]:
    """Up and down, odd ratios, one axis unchanged, one up and one down, 1×1; small outputs."""
    cand = [
        (1, 1),
        (w, h),
        (max(1, w // 2), max(1, h // 2)),
        (max(1, round(w * 0.61)), max(1, round(h * 0.37))),
        (max(1, w // 3), max(1, h // 3)),
        (w * 2, h * 2),
        (round(w * 1.7) + 1, round(h * 2.3) + 1),
        (w * 2 + 1, max(1, h // 2)),
        (w, h * 3 + 1),
        (7, 5),
    ]
    out: list[tuple[int, int]] = []
    for s in cand:
        if s not in out and s[0] * s[1] <= 32 * 32:
            out.append(s)
    return out


def resamplers() -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = [("pillow", k, None) for k in PIL_FILTERS]
    out += [("torchvision", "nearest", None)]
    out += [("torchvision", k, aa) for k in ("bilinear", "bicubic") for aa in (True, False)]
    out += [("opencv", k, None) for k in CV_FLAGS]
    return out


def stretch(lib: str, interp: str, aa: bool | None, name: str, w: int, h: int) -> bytes:
    if lib == "pillow":
        return rgb_bytes(load_pil(name).resize((w, h), PIL_FILTERS[interp]))
    if lib == "torchvision":
        t = TF.resize(load_tv(name), [h, w], TV_MODES[interp], antialias=bool(aa))
        return rgb_bytes(t)
    return rgb_bytes(cv2.resize(load_cv(name), (w, h), interpolation=CV_FLAGS[interp]))


def center_crop(lib: str, interp: str, aa: bool | None, name: str, w: int, h: int, to: int) -> bytes:
    if lib == "pillow":
        return rgb_bytes(CenterCrop((h, w))(Resize(to, pil_mode(interp))(load_pil(name))))
    t = Resize(to, TV_MODES[interp], antialias=bool(aa))(load_tv(name))
    return rgb_bytes(CenterCrop((h, w))(t))


def pil_mode(interp: str) -> InterpolationMode:
    return {
        "nearest": InterpolationMode.NEAREST,
        "bilinear": InterpolationMode.BILINEAR,
        "bicubic": InterpolationMode.BICUBIC,
        "lanczos": InterpolationMode.LANCZOS,
        "box": InterpolationMode.BOX,
        "hamming": InterpolationMode.HAMMING,
    }[interp]


def letterbox_cv(name: str, w: int, h: int, interp: str) -> bytes:
    """Ultralytics LetterBox(new_shape=(h, w), auto=False, scaleup=True, center=True)."""
    img = load_cv(name)
    h0, w0 = img.shape[:2]
    r = min(h / h0, w / w0)
    nw, nh = int(round(w0 * r)), int(round(h0 * r))
    if (w0, h0) != (nw, nh):
        img = cv2.resize(img, (nw, nh), interpolation=CV_FLAGS[interp])
    dw, dh = (w - nw) / 2, (h - nh) / 2
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    return rgb_bytes(img)


def main() -> None:
    sources = make_sources()
    cases: list[dict] = []
    blob = bytearray()

    def add(case: dict, pixels: bytes) -> None:
        assert len(pixels) == case["width"] * case["height"] * 3, case
        blob.extend(pixels)
        cases.append(case)

    # Stretch: every resampler on every source the library can load, up and down.
    for lib, interp, aa in resamplers():
        for name in sources:
            if lib == "torchvision" and "gray16" in name:
                continue  # torchvision 0.14's decoder refuses 16-bit PNGs
            if lib == "pillow":
                sw, sh = load_pil(name).size
            elif lib == "opencv":
                sh, sw = load_cv(name).shape[:2]
            else:
                sh, sw = load_tv(name).shape[1:]
            for w, h in sizes_for(sw, sh):
                case = {"source": name, "library": lib, "interpolation": interp, "mode": "stretch", "width": w, "height": h}
                if aa is not None:
                    case["antialias"] = aa
                add(case, stretch(lib, interp, aa, name, w, h))

    # Centre crop (torchvision Resize(int) + CenterCrop), Pillow and tensors.
    for lib, interp, aa in [("pillow", "bilinear", None), ("pillow", "bicubic", None), ("torchvision", "bilinear", True), ("torchvision", "bicubic", False)]:
        for name, (w, h, to) in [("rgb-64x48.png", (24, 24, 28)), ("rgb-17x11.png", (20, 20, 24)), ("rgb-257x193.png", (32, 30, 37)), ("gray-23x31.png", (16, 16, 16))]:
            case = {"source": name, "library": lib, "interpolation": interp, "mode": "center-crop", "width": w, "height": h, "resizeTo": to}
            if aa is not None:
                case["antialias"] = aa
            add(case, center_crop(lib, interp, aa, name, w, h, to))

    # Letterbox as Ultralytics does it (OpenCV, INTER_LINEAR, 114 padding).
    for name, (w, h) in [("rgb-64x48.png", (32, 32)), ("rgb-257x193.png", (40, 40)), ("rgb-17x11.png", (31, 20)), ("gray-23x31.png", (20, 21)), ("rgb-9x1.png", (12, 12)), ("exif6-24x16.jpg", (20, 20))]:
        add({"source": name, "library": "opencv", "interpolation": "linear", "mode": "letterbox", "width": w, "height": h}, letterbox_cv(name, w, h, "linear"))

    # A tab-separated table, one case per line, in the order of their pixels in expected.bin.gz.
    refs = f"Pillow {Image.__version__}, torchvision {torchvision.__version__} (torch {torch.__version__}), OpenCV {cv2.__version__}"
    cols = ["source", "library", "interpolation", "antialias", "mode", "width", "height", "resizeTo"]
    lines = [f"# made by scripts/make-resize-goldens.py with {refs}", "\t".join(cols)]
    for c in cases:
        lines.append("\t".join("" if c.get(k) is None else str(c[k]).lower() for k in cols))
    (OUT / "cases.tsv").write_text("\n".join(lines) + "\n")
    with open(OUT / "expected.bin.gz", "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(bytes(blob))
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(cases)} cases, {len(blob)} bytes of pixels, {total} bytes on disk")


if __name__ == "__main__":
    main()
