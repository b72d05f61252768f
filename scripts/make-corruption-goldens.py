#!/usr/bin/python3
"""Write test/fixtures/corruptions/pillow.json: what Pillow makes of two corruptions that are
defined as Pillow calls in the reference generators, so the TypeScript is checked against the
library itself, not against its own earlier output.

- jpeg_compression: Image.save(format='JPEG', quality=q) then Image.open + decode (libjpeg-turbo).
- pixelate: resize((int(W·c), int(H·c)), Image.BOX) then resize((W, H), Image.BOX).
- jpeg_compression of a gray ('L') image, which Pillow saves as a one-component JPEG: what a gray
  model's jpeg_compression must give (docs/corruptions.md, "Gray models").

Inputs are made by a formula that test/unit/corruptions-pil.test.ts repeats (goldenImage):
xorshift32 bytes ("noise"), or gradients with a little xorshift texture ("scene").
Outputs are stored whole (base64) for small images and as SHA-256 for large ones.

Run from the repository root:  /usr/bin/python3 scripts/make-corruption-goldens.py
Needs numpy and Pillow (Debian: python3-numpy python3-pil). Tests never run Python.
"""

import base64
import hashlib
import io
import json
import os

import numpy as np
import PIL
from PIL import Image, features

OUT = os.path.join("test", "fixtures", "corruptions", "pillow.json")


def golden_image(w, h, kind, seed):
    """Interleaved RGB bytes; must match goldenImage() in the test."""
    state = seed & 0xFFFFFFFF or 1
    out = np.empty(w * h * 3, dtype=np.uint8)
    for i in range(w * h * 3):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        p, c = divmod(i, 3)
        y, x = divmod(p, w)
        if kind == "noise":
            out[i] = state & 255
        else:
            base = [x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), (x * y * 5) & 255][c]
            out[i] = (base + (state & 31)) & 255
    return out.reshape(h, w, 3)


def encode(arr):
    raw = arr.tobytes()
    if len(raw) <= 64 * 64 * 3:
        return {"base64": base64.b64encode(raw).decode()}
    return {"sha256": hashlib.sha256(raw).hexdigest()}


def jpeg(arr, q):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=q)
    buf.seek(0)
    return np.array(Image.open(buf).convert("RGB"))


def jpeg_gray(arr, q):
    """arr: H×W×3 bytes; its first channel is the gray image."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(arr[:, :, 0]), mode="L").save(buf, format="JPEG", quality=q)
    buf.seek(0)
    return np.array(Image.open(buf))


def pixelate(arr, c):
    h, w = arr.shape[:2]
    small = Image.fromarray(arr).resize((int(w * c), int(h * c)), Image.BOX)
    return np.array(small.resize((w, h), Image.BOX))


JPEG_CASES = [
    # (w, h, quality): the published qualities (ImageNet-C 25..7, CIFAR-10-C 80..40) on sizes
    # that exercise every padding rule: whole MCUs, odd sizes, an even height that is not a
    # multiple of 16, one or two pixels.
    (224, 224, 15), (32, 32, 58), (37, 29, 25), (40, 20, 7), (17, 9, 80), (64, 48, 10),
    (100, 36, 18), (1, 1, 40), (2, 3, 50), (5, 2, 65), (31, 33, 20),
]
PIXELATE_CASES = [
    (224, 224, 0.4), (224, 224, 0.25), (32, 32, 0.85), (32, 32, 0.65), (37, 29, 0.85),
    (101, 77, 0.6), (101, 77, 0.5), (50, 64, 0.3), (3, 5, 0.5),
]


def main():
    cases = {"jpeg": [], "jpeg_gray": [], "pixelate": []}
    seed = 1
    for w, h, q in JPEG_CASES:
        for kind in ("scene", "noise"):
            seed += 1
            out = jpeg(golden_image(w, h, kind, seed), q)
            cases["jpeg"].append({"w": w, "h": h, "kind": kind, "seed": seed, "quality": q, **encode(out)})
    for w, h, q in [(28, 28, 40), (37, 29, 7), (224, 224, 15)]:
        seed += 1
        out = jpeg_gray(golden_image(w, h, "scene", seed), q)
        cases["jpeg_gray"].append({"w": w, "h": h, "kind": "scene", "seed": seed, "quality": q, **encode(out)})
    for w, h, c in PIXELATE_CASES:
        for kind in ("scene", "noise"):
            seed += 1
            out = pixelate(golden_image(w, h, kind, seed), c)
            cases["pixelate"].append({"w": w, "h": h, "kind": kind, "seed": seed, "c": c, **encode(out)})
    doc = {
        "generator": "scripts/make-corruption-goldens.py",
        "versions": {
            "pillow": PIL.__version__,
            "libjpeg": features.version("jpg"),
            "libjpeg_turbo": bool(features.check_feature("libjpeg_turbo")),
            "numpy": np.__version__,
        },
        **cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
