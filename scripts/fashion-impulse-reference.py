#!/usr/bin/python3
"""Corrupt the bundled example's robustness sample with the reference generator's impulse noise,
on the single gray channel, so that VisionGate's accuracy at impulse_noise@5 on the gray
Fashion-MNIST models can be compared with the reference's (docs/corruptions.md, "Gray models").

The reference (ImageNet-C/create_c/make_cifar_c.py, impulse_noise) is
skimage.util.random_noise(x / 255, mode='s&p', amount=c) then np.uint8(np.clip(x, 0, 1) * 255);
given a gray image it draws once per pixel. CIFAR-10-C severity 5: c = 0.07 (the example uses the
CIFAR-10-C table: its images are 28×28).

  /usr/bin/python3 scripts/fashion-impulse-reference.py RECORDS.jsonl OUT_DIR [SEEDS]

RECORDS.jsonl: records.jsonl of a `visiongate run` on examples/fashion (its impulse_noise@5
records name the sampled examples). Writes OUT_DIR/seed-<k>/ with images/ and manifest.csv for
seeds 0..SEEDS-1 (default 10): datasets to evaluate with `visiongate run` (robustness off).
Needs numpy, Pillow and scikit-image (Debian: python3-skimage).
"""

import csv
import json
import os
import sys

import numpy as np
import skimage as sk
from PIL import Image

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "fashion", "data")
AMOUNT = 0.07  # CIFAR-10-C impulse_noise, severity 5


def main():
    records, out = sys.argv[1], sys.argv[2]
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    ids = set()
    with open(records) as f:
        for line in f:
            r = json.loads(line)
            if r["variant"] == "impulse_noise@5":
                ids.add(r["id"])
    with open(os.path.join(EXAMPLE, "manifest.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["id"] in ids]
    print(f"{len(rows)} sampled examples")
    for seed in range(seeds):
        np.random.seed(seed)  # skimage 0.19 draws from numpy's global generator when seed=None
        rng = np.random.default_rng(seed)
        d = os.path.join(out, f"seed-{seed}")
        os.makedirs(os.path.join(d, "images"), exist_ok=True)
        for r in rows:
            x = np.array(Image.open(os.path.join(EXAMPLE, r["path"])).convert("L")) / 255.0
            x = sk.util.random_noise(x, mode="s&p", amount=AMOUNT, seed=rng)
            y = np.uint8(np.clip(x, 0, 1) * 255)
            Image.fromarray(y, mode="L").save(os.path.join(d, "images", f"{r['id']}.png"))
        with open(os.path.join(d, "manifest.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            for r in rows:
                w.writerow({**r, "path": f"images/{r['id']}.png"})


if __name__ == "__main__":
    main()
