#!/usr/bin/python3
"""Write test/fixtures/metrics/coco-goldens.json: seeded synthetic detection cases plus the
numbers the official COCO evaluation (pycocotools' COCOeval, iouType 'bbox') computes for them,
so src/metrics/detection/coco-eval.ts is checked against the reference implementation.

Run from the repository root:  /usr/bin/python3 scripts/make-coco-goldens.py
Needs numpy and pycocotools importable (the official cocodataset/cocoapi PythonAPI, or the
`pycocotools` package). If pycocotools is not installed, point PYCOCOTOOLS_PATH at a folder that
holds the `pycocotools` package (with its `_mask` extension built).
Tests only read the JSON; they never run Python.

Each case stores its inputs compactly (image and category by index into sorted id lists, boxes as
COCO [x, y, w, h]), the 12 `COCOeval.stats`, per-class AP and AP50 (precision[:, :, k, all, 100]
as detectron2 reads it), and the same numbers for image subsets: COCOeval run with
`params.imgIds` restricted, and with images repeated (the multiplicities a bootstrap uses, run
on a dataset where each image appears that many times in a row).
"""

import contextlib
import copy
import io
import json
import os
import sys

import numpy as np

if os.environ.get("PYCOCOTOOLS_PATH"):
    sys.path.insert(0, os.environ["PYCOCOTOOLS_PATH"])
# The cocoapi repository's cocoeval.py still uses np.float, which numpy 1.24 removed; the
# released package does not. Restore the alias rather than edit the official code.
if not hasattr(np, "float"):
    np.float = float  # noqa: attribute added for pycocotools
import pycocotools  # noqa: E402
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402

OUT = os.path.join("test", "fixtures", "metrics", "coco-goldens.json")


def r2(x):
    return float(round(float(x), 2))


def random_box(rng, W, H, kind, integer):
    """A box of a size class: 'small' (< 32²), 'medium', 'large', or 'any'."""
    if kind == "any":
        kind = rng.choice(["small", "medium", "large"], p=[0.4, 0.35, 0.25])
    lo, hi = {"small": (3, 31), "medium": (33, 95), "large": (97, 300)}[kind]
    w = rng.uniform(lo, hi)
    h = w * rng.uniform(0.6, 1.6)
    w, h = min(w, W - 2), min(h, H - 2)
    x = rng.uniform(0, W - w)
    y = rng.uniform(0, H - h)
    if integer:
        return [float(int(x)), float(int(y)), float(max(1, int(w))), float(max(1, int(h)))]
    return [r2(x), r2(y), r2(w), r2(h)]


def jitter(rng, box, amount, integer):
    x, y, w, h = box
    s = max(w, h) * amount
    nx, ny = x + rng.normal(0, s), y + rng.normal(0, s)
    nw, nh = max(1.0, w * np.exp(rng.normal(0, amount))), max(1.0, h * np.exp(rng.normal(0, amount)))
    if integer:
        return [float(round(nx)), float(round(ny)), float(round(nw)), float(round(nh))]
    return [r2(nx), r2(ny), r2(nw), r2(nh)]


def make_varied(seed, n_images, cat_ids, integer=False, dense_images=0):
    """Images of every kind: empty, only gt, only dt, crowd regions, all sizes, score ties."""
    rng = np.random.default_rng(seed)
    W, H = 640, 480
    img_ids = sorted(int(v) for v in rng.choice(np.arange(1, 10 * n_images), n_images, replace=False))
    # Category indices; the last two: one with detections only, one with nothing at all.
    cats_with_gt = list(range(len(cat_ids) - 2))
    dt_only_cat = len(cat_ids) - 2
    some_cat = list(range(len(cat_ids) - 1))
    gts, dts = [], []
    for i, img in enumerate(img_ids):
        kind = rng.choice(["empty", "gt-only", "dt-only", "both"], p=[0.08, 0.08, 0.08, 0.76])
        if i < dense_images:
            kind = "dense"
        ties = rng.random() < 0.3
        score = (lambda: r2(rng.integers(1, 10) / 10)) if ties else (lambda: float(rng.random()))
        if kind == "empty":
            continue
        if kind == "dense":
            # > 100 detections of one class in one image: the maxDets cut and per-image sorting.
            c = int(rng.choice(cats_with_gt))
            boxes = [random_box(rng, W, H, "any", integer) for _ in range(int(rng.integers(5, 15)))]
            for b in boxes:
                gts.append([i, c, *b, b[2] * b[3], 0])
            for _ in range(int(rng.integers(110, 160))):
                b = boxes[int(rng.integers(len(boxes)))]
                dts.append([i, c, *jitter(rng, b, 0.15, integer), score()])
            continue
        objs = []
        if kind in ("gt-only", "both"):
            for _ in range(int(rng.integers(1, 12))):
                c = int(rng.choice(cats_with_gt))
                b = random_box(rng, W, H, "any", integer)
                crowd = int(rng.random() < 0.06)
                if crowd:
                    b = random_box(rng, W, H, "large", integer)
                if rng.random() < 0.05:
                    # Exactly on an area-range boundary: both ends are inclusive in COCOeval.
                    side = float(rng.choice([32, 96]))
                    b = [float(int(b[0])), float(int(b[1])), side, side]
                    area = side * side
                elif rng.random() < 0.5:
                    area = b[2] * b[3]
                else:
                    # A segment's area, smaller than its box: COCOeval's area ranges use it.
                    area = r2(b[2] * b[3] * rng.uniform(0.5, 1.0))
                objs.append((c, b))
                gts.append([i, c, *b, area, crowd])
        if kind in ("dt-only", "both"):
            for c, b in objs:
                if rng.random() < 0.85:
                    cc = c if rng.random() < 0.9 else int(rng.choice(some_cat))
                    dts.append([i, cc, *jitter(rng, b, rng.choice([0.03, 0.1, 0.25]), integer), score()])
                if rng.random() < 0.2:
                    dts.append([i, c, *jitter(rng, b, 0.1, integer), score()])  # a duplicate
            for _ in range(int(rng.integers(0, 6))):
                c = int(rng.choice(some_cat))
                dts.append([i, c, *random_box(rng, W, H, "any", integer), score()])
            if rng.random() < 0.2:
                dts.append([i, dt_only_cat, *random_box(rng, W, H, "any", integer), score()])
    return img_ids, gts, dts


def make_ties():
    """Hand-built integer boxes: IoU exactly .5 and .75, equal IoU to two objects, equal scores
    across images, a crowd region covering several detections, a detection on an ignored object."""
    img_ids = [1, 2, 3, 4]
    cat_ids = [5, 9]
    g = []
    d = []
    # image 0: gt 0..100 x 0..100; dets with IoU exactly 0.5 (0..100 x 0..50) and 0.75.
    g.append([0, 0, 0, 0, 100, 100, 10000, 0])
    d.append([0, 0, 0, 0, 100, 50, 0.9])   # IoU .5
    d.append([0, 0, 0, 0, 100, 75, 0.9])   # IoU .75, same score: input order decides
    # image 1: two gts at equal IoU from one det (the later one wins in COCOeval's loop).
    g.append([1, 0, 0, 0, 40, 40, 1600, 0])
    g.append([1, 0, 20, 0, 40, 40, 1600, 0])
    d.append([1, 0, 10, 0, 40, 40, 0.5])
    d.append([1, 0, 10, 0, 40, 40, 0.5])
    # image 2: a crowd region with three detections inside it, and a counted object.
    g.append([2, 1, 0, 0, 200, 200, 30000, 1])
    g.append([2, 1, 300, 300, 50, 50, 2500, 0])
    d.append([2, 1, 10, 10, 20, 20, 0.9])
    d.append([2, 1, 50, 50, 20, 20, 0.8])
    d.append([2, 1, 300, 300, 50, 50, 0.8])
    d.append([2, 1, 150, 150, 100, 100, 0.7])
    # image 3: equal scores with image 0 and 1; a small object (area field small) with a large box.
    g.append([3, 0, 0, 0, 100, 100, 500, 0])
    g.append([3, 0, 200, 200, 32, 32, 1024, 0])
    d.append([3, 0, 0, 0, 100, 100, 0.9])
    d.append([3, 0, 200, 200, 32, 32, 0.5])
    d.append([3, 0, 400, 400, 10, 10, 0.9])
    d.append([3, 1, 400, 400, 120, 120, 0.9])
    return img_ids, cat_ids, g, d


def evaluate(img_ids, cat_ids, gts, dts, subset=None, copies=None):
    """Run the official COCOeval; `subset` restricts params.imgIds (image indices), `copies`
    repeats image i copies[i] times (new ids in a row, so each image's copies stay adjacent)."""
    n = len(img_ids)
    reps = copies if copies is not None else [1] * n
    images, anns, res = [], [], []
    new_ids = {}
    nid = 0
    for i in range(n):
        for c in range(reps[i]):
            nid += 1
            new_ids[(i, c)] = nid
            images.append({"id": nid, "width": 640, "height": 480, "file_name": f"{nid}.jpg"})
    aid = 0
    for c in range(max(reps + [1])):
        for row in gts:
            i = row[0]
            if c >= reps[i]:
                continue
            aid += 1
            anns.append(
                {
                    "id": aid,
                    "image_id": new_ids[(i, c)],
                    "category_id": cat_ids[row[1]],
                    "bbox": list(row[2:6]),
                    "area": row[6],
                    "iscrowd": int(row[7]),
                }
            )
    for c in range(max(reps + [1])):
        for row in dts:
            i = row[0]
            if c >= reps[i]:
                continue
            res.append(
                {
                    "image_id": new_ids[(i, c)],
                    "category_id": cat_ids[row[1]],
                    "bbox": list(row[2:6]),
                    "score": row[6],
                }
            )
    gt_json = {"images": images, "annotations": anns, "categories": [{"id": c, "name": str(c)} for c in cat_ids]}
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = gt_json
        coco.createIndex()
        coco_dt = coco.loadRes(copy.deepcopy(res))
        E = COCOeval(coco, coco_dt, "bbox")
        if subset is not None:
            E.params.imgIds = [new_ids[(i, 0)] for i in subset]
        E.evaluate()
        E.accumulate()
        E.summarize()
    prec = E.eval["precision"]  # [T, R, K, A, M]
    per_ap, per_ap50 = [], []
    for k in range(len(cat_ids)):
        p = prec[:, :, k, 0, -1]
        p50 = prec[0, :, k, 0, -1]
        per_ap.append(float(np.mean(p[p > -1])) if (p > -1).any() else -1.0)
        per_ap50.append(float(np.mean(p50[p50 > -1])) if (p50 > -1).any() else -1.0)
    return {
        "stats": [float(s) for s in E.stats],
        "perClass": {"ap": per_ap, "ap50": per_ap50},
        "iouThresholds": [float(t) for t in E.params.iouThrs],
        "recallThresholds": [float(t) for t in E.params.recThrs],
    }


def case(name, img_ids, cat_ids, gts, dts, seed):
    rng = np.random.default_rng(seed)
    full = evaluate(img_ids, cat_ids, gts, dts)
    n = len(img_ids)
    subsets = []
    even = [i for i in range(n) if i % 2 == 0]
    subsets.append({"name": "even images", "weights": [1 if i % 2 == 0 else 0 for i in range(n)], **pick(evaluate(img_ids, cat_ids, gts, dts, subset=even))})
    first = list(range(max(1, n // 3)))
    subsets.append({"name": "first third", "weights": [1 if i in first else 0 for i in range(n)], **pick(evaluate(img_ids, cat_ids, gts, dts, subset=first))})
    for r in range(2):
        w = [int(v) for v in rng.integers(0, 4, n)]
        subsets.append({"name": f"multiplicities {r}", "weights": w, **pick(evaluate(img_ids, cat_ids, gts, dts, copies=w))})
    return {
        "name": name,
        "images": img_ids,
        "categories": cat_ids,
        "gt": gts,
        "dt": dts,
        **pick(full),
        "subsets": subsets,
        "_thr": full,
    }


def pick(r):
    return {"stats": r["stats"], "perClass": r["perClass"]}


def main():
    cases = []
    img_ids, gts, dts = make_varied(1, 60, [1, 3, 7, 10, 42, 55, 90])
    cases.append(case("varied, 2-decimal boxes, non-contiguous category ids", img_ids, [1, 3, 7, 10, 42, 55, 90], gts, dts, 11))
    img_ids, gts, dts = make_varied(2, 40, [2, 4, 8, 16], integer=True)
    cases.append(case("varied, integer boxes", img_ids, [2, 4, 8, 16], gts, dts, 12))
    img_ids, gts, dts = make_varied(3, 8, [1, 2, 3, 4], dense_images=6)
    cases.append(case("dense: over 100 detections per image and class", img_ids, [1, 2, 3, 4], gts, dts, 13))
    img_ids, cat_ids, gts, dts = make_ties()
    cases.append(case("hand-built ties, crowd and area boundaries", img_ids, cat_ids, gts, dts, 14))
    thr = cases[0].pop("_thr")
    for c in cases[1:]:
        c.pop("_thr")
    out = {
        "generator": "scripts/make-coco-goldens.py",
        "reference": "pycocotools COCOeval (cocodataset/cocoapi), iouType bbox, default params",
        "versions": {"numpy": np.__version__, "python": sys.version.split()[0]},
        "statNames": ["ap", "ap50", "ap75", "apSmall", "apMedium", "apLarge", "ar1", "ar10", "ar100", "arSmall", "arMedium", "arLarge"],
        "iouThresholds": thr["iouThresholds"],
        "recallThresholds": thr["recallThresholds"],
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases, {os.path.getsize(OUT)} bytes")
    for c in cases:
        print(c["name"], ["%.4f" % s for s in c["stats"]])


if __name__ == "__main__":
    main()
