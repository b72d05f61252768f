#!/usr/bin/python3
"""Build the bundled Fashion-MNIST example in examples/fashion/ (data + two ONNX models).

Run with the system Python (torch, torchvision, numpy, PIL, onnx):

    /usr/bin/python3 scripts/make-example.py

What it writes (everything except examples/fashion/visiongate.yml, which is not ours):
  examples/fashion/data/manifest.csv      id,path,label,lighting,source,site
  examples/fashion/data/classes.txt       class names in model output order
  examples/fashion/data/pinned.txt        ids the baseline gets right (regression cases)
  examples/fashion/data/images/<class>/<id>.png|jpg
  examples/fashion/models/baseline.onnx   trained with lighting + phone + noise augmentation
  examples/fashion/models/candidate.onnx  same network and schedule, augmentation without the
                                          lighting and noise steps (an honest, plausible mistake)
  examples/fashion/models/accuracy.json   the accuracies measured here, per slice

The product and its tests never run Python; this script only produces committed files.
Deterministic: fixed seeds, one thread; re-running rewrites the same files.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "fashion"
DATA = OUT / "data"
MODELS = OUT / "models"
FASHION = Path(os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))

SEED = 20240611
PER_CLASS = 60  # 600 images in the example
DIM_PER_CLASS = 18  # 30 % of each class is lighting=dim
PHONE_PER_CLASS = 24  # 40 % of each class is source=phone, drawn independently of lighting
SITES = ["site-a", "site-b", "site-c"]  # no pixel effect: a control column

# The Fashion-MNIST label order, which is also the model's output order.
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SLUGS = ["t-shirt-top", "trouser", "pullover", "dress", "coat",
         "sandal", "shirt", "sneaker", "bag", "ankle-boot"]

# Normalisation the models expect: x01 = pixel / 255, input = (x01 - MEAN) / STD.
# The Fashion-MNIST training-set pixel mean and standard deviation.
MEAN = 0.2860
STD = 0.3530

# Pixel effects of the example's metadata (the training augmentation samples around these).
DIM_FACTOR = 0.30  # exposure: the brightest pixel becomes ~77 of 255
DIM_GAMMA = 1.5  # shadows crushed further than a plain exposure change
DIM_NOISE = 4.0  # sensor noise std, in 0-255 units, amplified by the gain in the dark
PHONE_BLUR = 0.8  # Gaussian radius (PIL), a soft phone lens
PHONE_QUALITY = 35  # JPEG re-encode quality

EPOCHS = 4
BATCH = 128
LR = 3e-3


# The images are derived from Fashion-MNIST, whose MIT licence asks for this notice in copies.
FASHION_MNIST_LICENSE = """\
The images in this folder are derived from Fashion-MNIST
(https://github.com/zalandoresearch/fashion-mnist), distributed under this licence:

The MIT License (MIT) Copyright © 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and \
associated documentation files (the “Software”), to deal in the Software without restriction, \
including without limitation the rights to use, copy, modify, merge, publish, distribute, \
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is \
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or \
substantial portions of the Software.

THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING \
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND \
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, \
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, \
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


# ---------------------------------------------------------------------------------------------
# Data


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (the MNIST container format): magic, dims, then raw uint8 data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(name: str) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(FASHION / f"{name}-images-idx3-ubyte.gz")
    labels = read_idx(FASHION / f"{name}-labels-idx1-ubyte.gz").astype(np.int64)
    return images, labels


# ---------------------------------------------------------------------------------------------
# Pixel effects (shared by the example data and the training augmentation)


def apply_dim(img: np.ndarray, rng: np.random.Generator, factor: float, gamma: float,
              noise: float) -> np.ndarray:
    """Dim lighting: lower exposure, crush the shadows (gamma), add sensor noise."""
    x = img.astype(np.float32) / 255.0
    y = 255.0 * factor * np.power(x, gamma)
    if noise > 0:
        y = y + rng.normal(0.0, noise, size=y.shape)
    return np.clip(np.rint(y), 0, 255).astype(np.uint8)


def apply_phone(img: np.ndarray, radius: float, quality: int) -> np.ndarray:
    """Phone camera: soft lens (Gaussian blur) then a low-quality JPEG round trip."""
    return np.asarray(Image.open(io.BytesIO(phone_jpeg_bytes(img, radius, quality))).convert("L"))


def phone_jpeg_bytes(img: np.ndarray, radius: float, quality: int) -> bytes:
    pil = Image.fromarray(img, mode="L").filter(ImageFilter.GaussianBlur(radius))
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def add_noise(img: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    y = img.astype(np.float32) + rng.normal(0.0, sigma, size=img.shape)
    return np.clip(np.rint(y), 0, 255).astype(np.uint8)


def blur(img: np.ndarray, radius: float) -> np.ndarray:
    return np.asarray(Image.fromarray(img, mode="L").filter(ImageFilter.GaussianBlur(radius)))


# ---------------------------------------------------------------------------------------------
# Example data


def pick_examples(labels: np.ndarray, rng: np.random.Generator) -> list[dict]:
    """Balanced pick of test images with metadata assigned per class (exact 30 % / 40 %)."""
    rows = []
    for c in range(len(CLASSES)):
        idx = np.sort(rng.choice(np.flatnonzero(labels == c), size=PER_CLASS, replace=False))
        dim = np.zeros(PER_CLASS, bool)
        dim[rng.choice(PER_CLASS, DIM_PER_CLASS, replace=False)] = True
        phone = np.zeros(PER_CLASS, bool)
        phone[rng.choice(PER_CLASS, PHONE_PER_CLASS, replace=False)] = True
        sites = rng.integers(0, len(SITES), size=PER_CLASS)
        for k, i in enumerate(idx):
            rows.append({
                "index": int(i),
                "id": f"fm{int(i):05d}",
                "labelIndex": c,
                "lighting": "dim" if dim[k] else "normal",
                "source": "phone" if phone[k] else "scanner",
                "site": SITES[int(sites[k])],
            })
    rows.sort(key=lambda r: r["id"])
    return rows


def write_example_data(images: np.ndarray, rows: list[dict], rng: np.random.Generator) -> None:
    if (DATA / "images").exists():
        shutil.rmtree(DATA / "images")
    for r in rows:
        img = images[r["index"]]
        if r["lighting"] == "dim":
            img = apply_dim(img, rng, DIM_FACTOR, DIM_GAMMA, DIM_NOISE)
        folder = DATA / "images" / SLUGS[r["labelIndex"]]
        folder.mkdir(parents=True, exist_ok=True)
        if r["source"] == "phone":
            r["path"] = f"images/{SLUGS[r['labelIndex']]}/{r['id']}.jpg"
            (DATA / r["path"]).write_bytes(phone_jpeg_bytes(img, PHONE_BLUR, PHONE_QUALITY))
        else:
            r["path"] = f"images/{SLUGS[r['labelIndex']]}/{r['id']}.png"
            Image.fromarray(img, mode="L").save(DATA / r["path"], format="PNG", optimize=True)

    with open(DATA / "manifest.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "path", "label", "lighting", "source", "site"])
        for r in rows:
            w.writerow([r["id"], r["path"], CLASSES[r["labelIndex"]], r["lighting"], r["source"],
                        r["site"]])
    (DATA / "classes.txt").write_text("".join(c + "\n" for c in CLASSES))
    (DATA / "LICENSE-fashion-mnist.txt").write_text(FASHION_MNIST_LICENSE)


def load_example_pixels(rows: list[dict]) -> np.ndarray:
    """Decode the committed files back (what the product will see), as uint8 [N, 28, 28]."""
    return np.stack([np.asarray(Image.open(DATA / r["path"]).convert("L")) for r in rows])


# ---------------------------------------------------------------------------------------------
# Models


class SmallCnn(nn.Module):
    """Two conv blocks and a small head: ~0.1 M parameters, ~0.4 MB as float32 ONNX."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


RECIPES = {
    # Robust recipe: lighting, phone capture, defocus and sensor noise, each on part of the batch.
    "baseline": {"dim": 0.3, "phone": 0.4, "blur": 0.2, "noise": 0.3},
    # The same pipeline with the photometric steps (lighting, defocus, noise) dropped; phone
    # capture kept. The kind of change a "simplify the data pipeline" PR makes.
    "candidate": {"dim": 0.0, "phone": 0.4, "blur": 0.0, "noise": 0.0},
}


def augment(batch: np.ndarray, rng: np.random.Generator, recipe: dict) -> np.ndarray:
    out = batch.copy()
    for i in range(len(out)):
        img = out[i]
        if rng.random() < 0.5:
            img = img[:, ::-1]
        if rng.random() < recipe["dim"]:
            img = apply_dim(img, rng, rng.uniform(0.15, 0.6), rng.uniform(1.0, 2.0),
                            rng.uniform(0.0, 8.0))
        if rng.random() < recipe["phone"]:
            img = apply_phone(np.ascontiguousarray(img), rng.uniform(0.3, 1.3),
                              int(rng.integers(25, 71)))
        if rng.random() < recipe["blur"]:
            img = blur(np.ascontiguousarray(img), rng.uniform(0.5, 2.0))
        if rng.random() < recipe["noise"]:
            img = add_noise(img, rng, rng.uniform(2.0, 40.0))
        out[i] = img
    return out


def to_tensor(batch: np.ndarray) -> torch.Tensor:
    x = torch.from_numpy(batch.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - MEAN) / STD


def train(name: str, images: np.ndarray, labels: np.ndarray) -> SmallCnn:
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED + 1)  # same batch order for both models
    model = SmallCnn()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps = EPOCHS * (len(images) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps)
    recipe = RECIPES[name]
    step = 0
    for epoch in range(EPOCHS):
        t0 = time.time()
        order = rng.permutation(len(images))
        aug_rng = np.random.default_rng(SEED + 100 + epoch)
        model.train()
        total = 0.0
        for b in range(len(images) // BATCH):
            idx = order[b * BATCH:(b + 1) * BATCH]
            x = to_tensor(augment(images[idx], aug_rng, recipe))
            y = torch.from_numpy(labels[idx])
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            total += loss.item()
        print(f"  {name} epoch {epoch + 1}/{EPOCHS}: loss {total / (b + 1):.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
    model.eval()
    return model


@torch.no_grad()
def predict(model: SmallCnn, pixels: np.ndarray) -> np.ndarray:
    return np.concatenate([model(to_tensor(pixels[i:i + 1000])).numpy()
                           for i in range(0, len(pixels), 1000)])


def export_onnx(model: SmallCnn, path: Path) -> None:
    import onnx  # python3-onnx, only needed here

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), str(path), opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    del m.metadata_props[:]
    prop = m.metadata_props.add()
    prop.key, prop.value = "classes", json.dumps(CLASSES)
    m.doc_string = "VisionGate Fashion-MNIST example; see docs/example.md"
    onnx.save(m, str(path))


# ---------------------------------------------------------------------------------------------
# Measurement


def accuracy(pred: np.ndarray, labels: np.ndarray, mask: np.ndarray | None = None) -> float:
    if mask is not None:
        pred, labels = pred[mask], labels[mask]
    return float((pred == labels).mean())


def measure(models: dict, rows: list[dict], pixels: np.ndarray, test_x: np.ndarray,
            test_y: np.ndarray) -> dict:
    labels = np.array([r["labelIndex"] for r in rows])
    slices = {"all": np.ones(len(rows), bool)}
    for col in ["lighting", "source", "site"]:
        for v in sorted({r[col] for r in rows}):
            slices[f"{col}={v}"] = np.array([r[col] == v for r in rows])
    for light in ["normal", "dim"]:
        for source in ["scanner", "phone"]:
            slices[f"lighting={light} & source={source}"] = (slices[f"lighting={light}"]
                                                             & slices[f"source={source}"])
    rng = np.random.default_rng(SEED + 7)
    clean_normal = pixels[slices["lighting=normal"]]
    clean_labels = labels[slices["lighting=normal"]]
    corruptions = {
        "gaussian_noise sigma=0.08": lambda im: add_noise(im, rng, 0.08 * 255),
        "gaussian_noise sigma=0.18": lambda im: add_noise(im, rng, 0.18 * 255),
        "gaussian_blur radius=1.0": lambda im: blur(im, 1.0),
        "gaussian_blur radius=1.5": lambda im: blur(im, 1.5),
    }
    result = {"exampleSlices": {}, "fashionMnistTest": {}, "corruptedLightingNormal": {},
              "sliceSizes": {k: int(m.sum()) for k, m in slices.items()}}
    corrupted = {k: np.stack([f(im) for im in clean_normal]) for k, f in corruptions.items()}
    for name, model in models.items():
        pred = predict(model, pixels).argmax(1)
        result["exampleSlices"][name] = {k: accuracy(pred, labels, m) for k, m in slices.items()}
        tp = predict(model, test_x).argmax(1)
        dim_rng = np.random.default_rng(SEED + 9)
        dimmed = np.stack([apply_dim(im, dim_rng, DIM_FACTOR, DIM_GAMMA, DIM_NOISE)
                           for im in test_x])
        result["fashionMnistTest"][name] = {
            "clean": accuracy(tp, test_y),
            "dim": accuracy(predict(model, dimmed).argmax(1), test_y),
        }
        result["corruptedLightingNormal"][name] = {
            "clean": accuracy(predict(model, clean_normal).argmax(1), clean_labels),
            **{k: accuracy(predict(model, v).argmax(1), clean_labels) for k, v in corrupted.items()},
        }
    return result


def pick_pinned(models: dict, rows: list[dict], pixels: np.ndarray) -> list[str]:
    """Five ids the baseline gets right with confidence, from different classes and slices.

    Two of them are dim images the candidate gets wrong, so the example's pinned-case check
    has something to find; the rest both models get right.
    """
    labels = np.array([r["labelIndex"] for r in rows])
    pb = torch.softmax(torch.from_numpy(predict(models["baseline"], pixels)), 1).numpy()
    pc = predict(models["candidate"], pixels).argmax(1)
    ok_b = (pb.argmax(1) == labels) & (pb.max(1) > 0.9)
    dim = np.array([r["lighting"] == "dim" for r in rows])
    chosen: list[int] = []
    used_classes: set[int] = set()

    def take(mask: np.ndarray, n: int) -> None:
        for i in np.flatnonzero(mask):
            if len(chosen) >= n:
                return
            if labels[i] not in used_classes:
                chosen.append(int(i))
                used_classes.add(int(labels[i]))

    take(ok_b & dim & (pc != labels), 2)
    take(ok_b & ~dim & (pc == labels), 5)
    return sorted(rows[i]["id"] for i in chosen)


# ---------------------------------------------------------------------------------------------


def main() -> None:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    t0 = time.time()
    train_x, train_y = load_split("train")
    test_x, test_y = load_split("t10k")

    rows = pick_examples(test_y, np.random.default_rng(SEED))
    write_example_data(test_x, rows, np.random.default_rng(SEED + 2))
    pixels = load_example_pixels(rows)
    print(f"wrote {len(rows)} images + manifest to {DATA.relative_to(ROOT)}")

    models = {}
    for name in ["baseline", "candidate"]:
        models[name] = train(name, train_x, train_y)
        export_onnx(models[name], MODELS / f"{name}.onnx")

    acc = measure(models, rows, pixels, test_x, test_y)
    (MODELS / "accuracy.json").write_text(json.dumps(acc, indent=2) + "\n")
    pinned = pick_pinned(models, rows, pixels)
    (DATA / "pinned.txt").write_text("".join(i + "\n" for i in pinned))

    print("\naccuracy (PyTorch, on the committed files)")
    print(f"{'slice':36s} {'n':>5s} {'baseline':>9s} {'candidate':>9s}")
    for k, n in acc["sliceSizes"].items():
        b, c = acc["exampleSlices"]["baseline"][k], acc["exampleSlices"]["candidate"][k]
        print(f"{k:36s} {n:5d} {b:9.3f} {c:9.3f}")
    print("\nFashion-MNIST test set (10k)")
    for k in ["clean", "dim"]:
        print(f"  {k:34s} {acc['fashionMnistTest']['baseline'][k]:9.3f} "
              f"{acc['fashionMnistTest']['candidate'][k]:9.3f}")
    print("\ncorruptions on the lighting=normal example images")
    for k in acc["corruptedLightingNormal"]["baseline"]:
        print(f"  {k:34s} {acc['corruptedLightingNormal']['baseline'][k]:9.3f} "
              f"{acc['corruptedLightingNormal']['candidate'][k]:9.3f}")
    print(f"\npinned: {' '.join(pinned)}")
    for name in models:
        p = MODELS / f"{name}.onnx"
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size / 1024:.0f} KiB")
    print(f"done in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
