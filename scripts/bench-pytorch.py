#!/usr/bin/python3
"""A plain PyTorch evaluation loop: the alternative a user would write instead of VisionGate.

    /usr/bin/python3 scripts/bench-pytorch.py --root DIR --manifest DIR/manifest.csv \\
        --weights bench/models/resnet18.pt [--batch 16] [--threads 2] [--workers 0]

Reads a CSV manifest (columns `id`, `path` relative to --root), decodes the JPEGs with PIL in a
DataLoader, applies the torchvision ImageNet transforms (Resize(256), CenterCrop(224), ToTensor,
Normalize) and runs torchvision's resnet18 with the given state_dict (written next to the ONNX
file by scripts/make-bench-models.py, so both benches run the same weights) under
torch.inference_mode(). Prints one JSON line:

    {"images": N, "seconds": S, "img_per_s": N / S, ...}

`seconds` covers the loop only (DataLoader start, decoding, transforms, inference, argmax), not
Python start-up, imports or model loading: the same span as VisionGate's report.timing.evaluate.
With --preds FILE it also writes {id: [top-1 class, its softmax probability, top-5 classes]} so a
bench can check that both runs compute the same thing.

glibc malloc settings change this loop's speed a lot (activations of tens of MB are mmap'ed and
page-faulted afresh on every batch by default); they are environment variables read at process
start, so the caller sets them (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class ManifestImages(Dataset):
    def __init__(self, root: Path, manifest: Path, limit: int | None) -> None:
        with manifest.open(newline="") as f:
            rows = list(csv.DictReader(f))
        self.rows = rows[:limit] if limit else rows
        self.root = root
        self.transform = transforms.Compose([
            transforms.Resize(256),
            transforms.CenterCrop(224),
            transforms.ToTensor(),
            transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
        ])

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int):
        row = self.rows[i]
        with Image.open(self.root / row["path"]) as im:
            x = self.transform(im.convert("RGB"))
        return x, i


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--manifest", type=Path, required=True)
    ap.add_argument("--weights", type=Path, required=True)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    # 0 (decode in line) was the fastest setting on 2 cores with malloc tuned (docs/benchmarks.md).
    ap.add_argument("--workers", type=int, default=0, help="DataLoader num_workers")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--preds", type=Path, default=None)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    model = torchvision.models.resnet18(weights=None, num_classes=1000)
    model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    model.eval()

    data = ManifestImages(args.root, args.manifest, args.limit)
    loader = DataLoader(data, batch_size=args.batch, shuffle=False,
                        num_workers=args.workers, pin_memory=False)
    preds: dict[str, list] = {}
    t0 = time.perf_counter()
    n = 0
    with torch.inference_mode():
        for x, idx in loader:
            logits = model(x)
            top1 = logits.argmax(dim=1)
            n += x.shape[0]
            if args.preds:
                probs = logits.softmax(dim=1)
                top5 = probs.topk(5, dim=1).indices
                for j, i in enumerate(idx.tolist()):
                    p = int(top1[j])
                    preds[data.rows[i]["id"]] = [p, float(probs[j, p]), top5[j].tolist()]
    seconds = time.perf_counter() - t0
    if args.preds:
        args.preds.write_text(json.dumps(preds))
    print(json.dumps({
        "images": n, "seconds": round(seconds, 4), "img_per_s": round(n / seconds, 3),
        "batch": args.batch, "threads": args.threads, "workers": args.workers,
        "torch": torch.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
