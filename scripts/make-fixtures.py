#!/usr/bin/python3
"""Write the tiny test fixtures in test/fixtures/ (models, images, a 16-image dataset).

    /usr/bin/python3 scripts/make-fixtures.py

Every model is built node by node with fixed weights, so its output is a known function of its
input that tests can compute by hand; test/fixtures/README.md states each contract and the
expected decoded pixels of each image. Deterministic: re-running rewrites identical bytes.
The product and its tests never run Python; this script only produces committed files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "test" / "fixtures"
MODELS = FIX / "models"
IMAGES = FIX / "images"
DATASETS = FIX / "datasets"

OPSET = 13
IR_VERSION = 8  # the IR version of opset 13; onnxruntime reads it everywhere we care about
COLOR_CLASSES = ["red", "green", "blue", "dark"]

# The "colour" head shared by most models. With m = per-channel mean of the [N,3,H,W] input:
#   logits = [4·mR, 4·mG, 4·mB, 2 − 4·(mR + mG + mB)/3]
# so on [0,1] inputs red → 0, green → 1, blue → 2, black → 3 ("dark").
COLOR_W = np.array([[4, 0, 0, -4 / 3],
                    [0, 4, 0, -4 / 3],
                    [0, 0, 4, -4 / 3]], dtype=np.float32)
COLOR_B = np.array([0, 0, 0, 2], dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# Models


def tensor_info(name: str, elem: int, shape: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem, shape)


def color_head(x: str, out: str, prefix: str = "") -> tuple[list, list]:
    """Nodes + initializers: [N,3,H,W] float `x` → [N,4] `out` (the colour function above)."""
    nodes = [
        helper.make_node("GlobalAveragePool", [x], [prefix + "pooled"]),
        helper.make_node("Flatten", [prefix + "pooled"], [prefix + "means"], axis=1),
        helper.make_node("Gemm", [prefix + "means", prefix + "W", prefix + "B"], [out]),
    ]
    inits = [numpy_helper.from_array(COLOR_W, prefix + "W"),
             numpy_helper.from_array(COLOR_B, prefix + "B")]
    return nodes, inits


def save_model(name: str, nodes: list, inits: list, inputs: list, outputs: list,
               metadata: dict | None = None, doc: str = "") -> Path:
    graph = helper.make_graph(nodes, name.replace("-", "_"), inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="visiongate-fixtures", producer_version="1")
    model.ir_version = IR_VERSION
    model.doc_string = doc
    for key, value in (metadata or {}).items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.checker.check_model(model, full_check=True)
    path = MODELS / f"{name}.onnx"
    onnx.save(model, str(path))
    return path


def make_models() -> list[Path]:
    classes = {"classes": json.dumps(COLOR_CLASSES)}
    f32, u8 = TensorProto.FLOAT, TensorProto.UINT8
    out = []

    nodes, inits = color_head("input", "logits")
    out.append(save_model(
        "rgb-nchw-dynamic", nodes, inits,
        [tensor_info("input", f32, ["N", 3, 8, 8])], [tensor_info("logits", f32, ["N", 4])],
        classes, "Colour classifier: logits = 4*channel means, dark = 2 - 4*mean(means)."))

    nodes, inits = color_head("input", "logits")
    out.append(save_model(
        "rgb-nchw-fixed1", nodes, inits,
        [tensor_info("input", f32, [1, 3, 8, 8])], [tensor_info("logits", f32, [1, 4])],
        None, "Same function as rgb-nchw-dynamic, batch fixed to 1, no class metadata."))

    nodes, inits = color_head("input", "logits")
    out.append(save_model(
        "rgb-nchw-fixed4", nodes, inits,
        [tensor_info("input", f32, [4, 3, 8, 8])], [tensor_info("logits", f32, [4, 4])],
        classes, "Same function as rgb-nchw-dynamic, batch fixed to 4 (partial batches are padded)."))

    nodes, inits = color_head("nchw", "logits")
    nodes = [
        helper.make_node("Cast", ["input"], ["as_float"], to=f32),
        helper.make_node("Mul", ["as_float", "inv255"], ["scaled"]),
        helper.make_node("Transpose", ["scaled"], ["nchw"], perm=[0, 3, 1, 2]),
    ] + nodes
    inits.append(numpy_helper.from_array(np.array(1 / 255, dtype=np.float32), "inv255"))
    out.append(save_model(
        "nhwc-uint8", nodes, inits,
        [tensor_info("input", u8, ["N", 8, 8, 3])], [tensor_info("logits", f32, ["N", 4])],
        classes, "Raw uint8 NHWC pixels in; casts, divides by 255 and transposes inside."))

    nodes, inits = color_head("input", "logits")
    nodes.append(helper.make_node("Softmax", ["logits"], ["probs"], axis=1))
    out.append(save_model(
        "probs", nodes, inits,
        [tensor_info("input", f32, ["N", 3, 8, 8])], [tensor_info("probs", f32, ["N", 4])],
        classes, "softmax(rgb-nchw-dynamic logits): outputs probabilities, rows sum to 1."))

    nodes, inits = color_head("input", "finite")
    nodes.append(helper.make_node("Add", ["finite", "nan"], ["logits"]))
    inits.append(numpy_helper.from_array(np.full([4], np.nan, dtype=np.float32), "nan"))
    out.append(save_model(
        "nan", nodes, inits,
        [tensor_info("input", f32, ["N", 3, 8, 8])], [tensor_info("logits", f32, ["N", 4])],
        classes, "Outputs NaN for every input."))

    gray_w = np.array([[4, -4]], dtype=np.float32)
    gray_b = np.array([-2, 2], dtype=np.float32)
    nodes = [
        helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["mean"], axis=1),
        helper.make_node("Gemm", ["mean", "W", "B"], ["logits"]),
    ]
    inits = [numpy_helper.from_array(gray_w, "W"), numpy_helper.from_array(gray_b, "B")]
    out.append(save_model(
        "gray-nchw", nodes, inits,
        [tensor_info("input", f32, ["N", 1, 8, 8])], [tensor_info("logits", f32, ["N", 2])],
        {"classes": json.dumps(["light", "dark"])},
        "Grayscale: logits = [4m - 2, 2 - 4m] with m the pixel mean."))

    nodes, inits = color_head("sum", "logits")
    nodes.insert(0, helper.make_node("Add", ["a", "b"], ["sum"]))
    out.append(save_model(
        "two-inputs", nodes, inits,
        [tensor_info("a", f32, ["N", 3, 8, 8]), tensor_info("b", f32, ["N", 3, 8, 8])],
        [tensor_info("logits", f32, ["N", 4])],
        classes, "Two image inputs (a + b): VisionGate must refuse it with a clear message."))

    # Columns of the [192, 4] matrix over the NCHW-flattened input (index c*64 + h*8 + w).
    lin = np.zeros([192, 4], dtype=np.float32)
    for c in range(3):
        lin[c * 64:(c + 1) * 64, c] = 1 / 64  # exact in binary: a true mean
    lin[0, 3] = 1.0  # channel 0, row 0, column 0 (top-left)
    lin[63, 3] = -1.0  # channel 0, row 7, column 7 (bottom-right)
    nodes = [
        helper.make_node("Flatten", ["input"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "L"], ["logits"]),
    ]
    out.append(save_model(
        "linear-identity", nodes, [numpy_helper.from_array(lin, "L")],
        [tensor_info("input", f32, ["N", 3, 8, 8])], [tensor_info("logits", f32, ["N", 4])],
        {"classes": json.dumps(["mean-c0", "mean-c1", "mean-c2", "c0-tl-minus-br"])},
        "logits = [mean c0, mean c1, mean c2, x[n,0,0,0] - x[n,0,7,7]]."))

    nodes = [helper.make_node("Flatten", ["input"], ["output"], axis=1)]
    out.append(save_model(
        "flatten-identity", nodes, [],
        [tensor_info("input", f32, ["N", 3, 8, 8])], [tensor_info("output", f32, ["N", 192])],
        None, "Returns the input tensor flattened in NCHW order: a golden-tensor probe."))

    # Float NHWC of any height and width, no metadata: the colour head after a transpose
    # (global average pooling takes any size). `visiongate init` must assume a size and say so.
    nodes, inits = color_head("nchw", "logits")
    nodes.insert(0, helper.make_node("Transpose", ["input"], ["nchw"], perm=[0, 3, 1, 2]))
    out.append(save_model(
        "nhwc-float-anysize", nodes, inits,
        [tensor_info("input", f32, ["N", "H", "W", 3])], [tensor_info("logits", f32, ["N", 4])],
        None, "Float NHWC input of any size, no class metadata: the colour head of x/255."))
    return out


# ---------------------------------------------------------------------------------------------
# Images


def quadrants(size: int = 8) -> np.ndarray:
    """RGB uint8: top-left red, top-right green, bottom-left blue, bottom-right white."""
    h = size // 2
    a = np.zeros([size, size, 3], dtype=np.uint8)
    a[:h, :h] = (255, 0, 0)
    a[:h, h:] = (0, 255, 0)
    a[h:, :h] = (0, 0, 255)
    a[h:, h:] = (255, 255, 255)
    return a


def gray_ramp() -> np.ndarray:
    """8×8 uint8: pixel (x, y) = 4·(8y + x), i.e. 0, 4, ..., 252 in row-major order."""
    return (4 * np.arange(64, dtype=np.uint8)).reshape(8, 8)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png16(path: Path, pixels: np.ndarray) -> None:
    """Write a 16-bit PNG by hand (PIL cannot write 16-bit RGB): gray if 2-D, RGB if H×W×3."""
    height, width = pixels.shape[:2]
    color_type = 0 if pixels.ndim == 2 else 2
    raw = pixels.astype(">u2").reshape(height, -1)
    body = b"".join(b"\x00" + row.tobytes() for row in raw)  # filter type 0 on every row
    ihdr = struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                     + png_chunk(b"IDAT", zlib.compress(body, 9)) + png_chunk(b"IEND", b""))


def make_images() -> list[Path]:
    IMAGES.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []

    def save(name: str, img: Image.Image, **kw) -> None:
        img.save(IMAGES / name, **kw)
        out.append(IMAGES / name)

    q = quadrants()
    save("rgb-quadrants.png", Image.fromarray(q, "RGB"), format="PNG")
    save("gray-ramp.png", Image.fromarray(gray_ramp(), "L"), format="PNG")

    pal = Image.new("P", (8, 8))
    pal.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255] + [0, 0, 0] * 252)
    idx = np.zeros([8, 8], dtype=np.uint8)
    idx[:4, 4:], idx[4:, :4], idx[4:, 4:] = 1, 2, 3
    pal.putdata(idx.flatten().tolist())
    save("palette-quadrants.png", pal, format="PNG")

    save("rgb-quadrants.webp", Image.fromarray(q, "RGB"), format="WEBP", lossless=True,
         quality=100, method=6, exact=True)
    save("rgb-quadrants.tiff", Image.fromarray(q, "RGB"), format="TIFF", compression="raw")

    rgba = np.zeros([8, 8, 4], dtype=np.uint8)
    rgba[:, :4] = (255, 0, 0, 255)  # left half: opaque red
    rgba[:4, 4:] = (0, 0, 255, 128)  # top-right: blue, alpha 128
    rgba[4:, 4:] = (0, 255, 0, 0)  # bottom-right: fully transparent (green underneath)
    save("rgba-partial.png", Image.fromarray(rgba, "RGBA"), format="PNG")

    write_png16(IMAGES / "gray16-ramp.png", gray_ramp().astype(np.uint16) * 257)
    out.append(IMAGES / "gray16-ramp.png")
    rgb16 = quadrants().astype(np.uint16) * 257
    rgb16[4:, 4:] = np.array([128, 64, 32], dtype=np.uint16) * 257
    write_png16(IMAGES / "rgb16-quadrants.png", rgb16)
    out.append(IMAGES / "rgb16-quadrants.png")

    # Stored 32 wide × 16 tall, left half red, right half blue; orientation 6 means "rotate
    # 90° clockwise to display", so the displayed image is 16 × 32, red on top, blue below.
    stored = np.zeros([16, 32, 3], dtype=np.uint8)
    stored[:, :16] = (255, 0, 0)
    stored[:, 16:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = 6
    save("exif-orientation-6.jpg", Image.fromarray(stored, "RGB"), format="JPEG", quality=95,
         subsampling=0, exif=exif.tobytes())

    # Seeded noise so the entropy-coded scan dominates the file: cutting it in half keeps every
    # header (size and format are readable) and loses the bottom of the picture.
    noisy = np.random.default_rng(3).integers(0, 256, size=[64, 64, 3], dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy, "RGB").save(buf, format="JPEG", quality=90)
    full = buf.getvalue()
    (IMAGES / "truncated.jpg").write_bytes(full[: len(full) // 2])
    out.append(IMAGES / "truncated.jpg")

    (IMAGES / "not-an-image.png").write_text("This is a text file with a .png name.\n")
    out.append(IMAGES / "not-an-image.png")
    (IMAGES / "zero-bytes.png").write_bytes(b"")
    out.append(IMAGES / "zero-bytes.png")
    return out


def check_images() -> None:
    """Decode everything back with PIL and assert what the README promises."""
    q = quadrants()
    for name in ["rgb-quadrants.png", "palette-quadrants.png", "rgb-quadrants.webp",
                 "rgb-quadrants.tiff"]:
        got = np.asarray(Image.open(IMAGES / name).convert("RGB"))
        assert (got == q).all(), name
    assert (np.asarray(Image.open(IMAGES / "gray-ramp.png")) == gray_ramp()).all()
    assert Image.open(IMAGES / "palette-quadrants.png").mode == "P"
    g16 = Image.open(IMAGES / "gray16-ramp.png")
    assert g16.mode in ("I;16", "I;16B", "I"), g16.mode
    assert (np.asarray(g16).astype(np.int64) == gray_ramp().astype(np.int64) * 257).all()
    img = Image.open(IMAGES / "exif-orientation-6.jpg")
    assert img.size == (32, 16) and img.getexif().get(0x0112) == 6
    shown = np.asarray(ImageOps.exif_transpose(img)).astype(int)
    assert shown.shape == (32, 16, 3)
    assert np.abs(shown[:14, :] - (255, 0, 0)).max() <= 8, "top must be red"
    assert np.abs(shown[18:, :] - (0, 0, 255)).max() <= 8, "bottom must be blue"
    try:
        Image.open(IMAGES / "truncated.jpg").load()
        raise AssertionError("truncated.jpg decoded")
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------
# A 16-image dataset the colour models classify perfectly, for end-to-end runs in seconds


COLOR_RGB = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (40, 40, 210),
             "dark": (20, 20, 20)}


def make_dataset() -> Path:
    root = DATASETS / "colors"
    rng = np.random.default_rng(7)
    rows = []
    for label, rgb in COLOR_RGB.items():
        for k in range(4):
            noise = rng.integers(-10, 11, size=[8, 8, 3])
            px = np.clip(np.array(rgb)[None, None, :] + noise, 0, 255).astype(np.uint8)
            path = f"images/{label}-{k}.png"
            (root / "images").mkdir(parents=True, exist_ok=True)
            Image.fromarray(px, "RGB").save(root / path, format="PNG")
            rows.append([f"{label}-{k}", path, label, "a" if k % 2 == 0 else "b",
                         "day" if k < 2 else "night"])
    with open(root / "manifest.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "path", "label", "camera", "time"])
        w.writerows(rows)
    (root / "classes.txt").write_text("".join(c + "\n" for c in COLOR_CLASSES))
    return root


def main() -> None:
    for d in [MODELS, IMAGES, DATASETS]:
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    models = make_models()
    images = make_images()
    check_images()
    dataset = make_dataset()
    for p in models + images:
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size} B")
    print(f"{dataset.relative_to(ROOT)}/  16 images + manifest.csv + classes.txt")
    total = sum(p.stat().st_size for d in [MODELS, IMAGES, DATASETS] for p in d.rglob("*")
                if p.is_file())
    print(f"fixtures written: {total / 1024:.1f} KiB")


if __name__ == "__main__":
    sys.exit(main())
