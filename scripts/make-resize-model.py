#!/usr/bin/python3
"""Write test/fixtures/resize/e2e/: a small real classifier trained on Pillow-resized inputs, and
images smaller and larger than its input with the predictions Pillow + the model give them.

    /usr/bin/python3 scripts/make-resize-model.py

The model (3×32×32 float input, Fashion-MNIST's 10 classes) is trained the way a torchvision
user trains: every image is loaded with PIL, `convert('RGB')`, resized to 32×32 with
`Image.resize(BILINEAR)` (what `transforms.Resize((32, 32))` does to a PIL image), `ToTensor`,
`Normalize(0.286, 0.353)`. Training images come at random sizes of 12-64 px, so the model has
seen both enlargement and shrinking.

The test images are 160 Fashion-MNIST test images resized (Lanczos) to random sizes: half
smaller than 32×32 in both directions, half larger, most of them not square; chosen from a pool
of 3,000 so that about half are ones whose prediction another common resize would change. For each,
`expected.tsv` holds the class and logits that the same preprocessing (Pillow) and the same
weights (torch forward) give. test/integration/resize-e2e.test.ts runs VisionGate on them and
must predict the same class for every image.

Needs the Fashion-MNIST files in /usr/share/datasets/fashion-mnist/ (Debian's package layout);
torch 1.13, torchvision 0.14, Pillow 9.4, onnx. Deterministic seeds; training on CPU takes
about a minute. Only this script needs Python; the tests do not.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from PIL import Image
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "resize" / "e2e"
FMNIST = Path("/usr/share/datasets/fashion-mnist")
CLASSES = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
SIZE = 32
MEAN, STD = 0.286, 0.353


def read_idx(name: str) -> np.ndarray:
    data = gzip.decompress((FMNIST / name).read_bytes())
    if data[2] == 8 and data[3] == 3:
        n, h, w = (int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, h, w)
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, np.uint8, offset=8)[:n]


def at_size(img28: np.ndarray, w: int, h: int) -> Image.Image:
    """The 'source' image a user would have: the garment at w × h, 8-bit grey."""
    return Image.fromarray(img28).resize((w, h), Image.Resampling.LANCZOS)


def preprocess(img: Image.Image) -> torch.Tensor:
    """torchvision's pipeline on a PIL image: convert('RGB'), Resize((32, 32)), ToTensor, Normalize."""
    rgb = img.convert("RGB").resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    x = torch.from_numpy(np.asarray(rgb).copy()).permute(2, 0, 1).float().div(255)
    return (x - MEAN) / STD


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Linear(32 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).flatten(1))


def random_size(rng: np.random.Generator, smaller: bool) -> tuple[int, int]:
    lo, hi = (12, SIZE - 1) if smaller else (SIZE + 1, 64)
    return int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    x_train, y_train = read_idx("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
    x_test, y_test = read_idx("t10k-images-idx3-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")

    n_train = 24000
    idx = rng.permutation(len(x_train))[:n_train]
    xs = torch.stack([preprocess(at_size(x_train[i], *random_size(rng, j % 2 == 0))) for j, i in enumerate(idx)])
    ys = torch.from_numpy(y_train[idx].astype(np.int64))

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for epoch in range(4):
        perm = torch.randperm(n_train)
        for b in range(0, n_train, 128):
            j = perm[b: b + 128]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(xs[j]), ys[j])
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss {loss.item():.3f}")
    net.eval()

    OUT.mkdir(parents=True, exist_ok=True)
    images = OUT / "images"
    images.mkdir(exist_ok=True)
    for f in images.iterdir():
        f.unlink()

    # A pool of test images at random sizes (even: smaller than 32×32, odd: larger). The fixture
    # keeps those whose prediction depends on the resampling (another common resize, OpenCV's
    # INTER_LINEAR or torchvision's tensor bilinear without antialias, changes it), so a
    # preprocessing that is not Pillow's shows, plus as many others; all with a clear top-2 margin
    # under Pillow (≥ 0.01), so float32 rounding differences between runtimes cannot flip them.
    import cv2
    import torchvision.transforms.functional as TF

    pool = []
    for k, i in enumerate(rng.permutation(len(x_test))[:3000]):
        w, h = random_size(rng, k % 2 == 0)
        pool.append((int(i), w, h, at_size(x_test[i], w, h)))
    with torch.inference_mode():
        ref = net(torch.stack([preprocess(img) for *_, img in pool]))
        alts = []
        for *_, img in pool:
            a = np.asarray(img.convert("RGB"))
            cv = cv2.resize(a, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
            tv = TF.resize(torch.from_numpy(a.copy()).permute(2, 0, 1), [SIZE, SIZE], antialias=False)
            alts.append([(torch.from_numpy(cv).permute(2, 0, 1).float().div(255) - MEAN) / STD,
                         (tv.float().div(255) - MEAN) / STD])
        alt_cv = net(torch.stack([x[0] for x in alts])).argmax(1)
        alt_tv = net(torch.stack([x[1] for x in alts])).argmax(1)
    top2 = ref.topk(2, 1).values
    clear = (top2[:, 0] - top2[:, 1]) >= 0.01
    sensitive = (alt_cv != ref.argmax(1)) | (alt_tv != ref.argmax(1))
    chosen: list[int] = []
    for smaller in (True, False):
        side = [k for k in range(len(pool)) if (k % 2 == 0) == smaller and bool(clear[k])]
        hot = [k for k in side if bool(sensitive[k])][:40]
        cold = [k for k in side if not bool(sensitive[k])][:80 - len(hot)]
        chosen += hot + cold
    print(f"pool: {int(sensitive.sum())} of {len(pool)} predictions change with another resize; kept {int(sensitive[chosen].sum())} of {len(chosen)}")

    rows = []
    for n, k in enumerate(sorted(chosen)):
        i, w, h, img = pool[k]
        name = f"{n:03d}-{w}x{h}.png"
        img.save(images / name, optimize=True)
        rows.append((name, int(y_test[i])))

    with torch.inference_mode():
        x = torch.stack([preprocess(Image.open(images / name)) for name, _ in rows])
        logits = net(x)
    pred = logits.argmax(1)
    acc = float((pred == torch.tensor([y for _, y in rows])).float().mean())
    margin = logits.topk(2, 1).values
    print(f"fixture images: accuracy {acc:.3f}; smallest top-2 margin {float((margin[:, 0] - margin[:, 1]).min()):.4f}")

    with open(images / "manifest.csv", "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["path", "label"])
        for name, y in rows:
            wr.writerow([name, CLASSES[y]])
    (images / "classes.txt").write_text("\n".join(CLASSES) + "\n")
    with open(OUT / "expected.tsv", "w") as f:
        f.write("# Pillow 9.4 preprocessing + torch 1.13 forward, by scripts/make-resize-model.py\n")
        f.write("path\tpred\tlogits\n")
        for (name, _), p, lg in zip(rows, pred.tolist(), logits.tolist()):
            f.write(f"{name}\t{CLASSES[p]}\t{','.join(f'{v:.6g}' for v in lg)}\n")

    torch.onnx.export(
        net, torch.zeros(1, 3, SIZE, SIZE), str(OUT / "model.onnx"), input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=13,
    )
    model = onnx.load(str(OUT / "model.onnx"))
    entry = model.metadata_props.add()
    entry.key, entry.value = "classes", json.dumps(CLASSES)
    model.producer_name = "make-resize-model.py"
    onnx.save(model, str(OUT / "model.onnx"))
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(rows)} images, {total} bytes")


if __name__ == "__main__":
    main()
