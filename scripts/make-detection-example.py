#!/usr/bin/python3
"""Build the bundled object-detection example in examples/detection/ and the detection test
fixtures that come from it.

Run with the system Python (torch, torchvision, numpy, OpenCV, onnx):

    /usr/bin/python3 scripts/make-detection-example.py

The dataset: Fashion-MNIST items (four classes) pasted at several scales onto 160x118
backgrounds, with image-level metadata `lighting` (bright / dim) and `background` (plain /
textured). The model: a tiny anchor-free YOLO-style detector (one stride-8 level, box as
distances to the cell centre, sigmoid class scores) trained here on CPU in a few minutes, on
inputs letterboxed to 96x96 as Ultralytics does (centred, pad 114).

Two models with the same network and schedule:
  baseline   trained on bright and dim scenes
  candidate  trained on bright scenes only (the dim ones left out: an honest, plausible mistake),
             so it regresses on the lighting=dim slice.

What it writes:
  examples/detection/data/annotations.json   COCO instances; images carry lighting/background
  examples/detection/data/images/*.jpg
  examples/detection/models/{baseline,candidate}-yolo.onnx   raw head [1, 4+C, A] ("output0":
                                             cx, cy, w, h in input pixels, then class scores)
  examples/detection/models/{baseline,candidate}-nms.onnx    post-NMS boxes/scores/labels,
                                             padded to 100 (score 0, label -1)
  examples/detection/models/metrics.json     mAP per model and lighting slice, by pycocotools
                                             when it is importable (PYCOCOTOOLS_PATH as in
                                             scripts/make-coco-goldens.py)
  test/fixtures/detection/yolo-decode.json   raw outputs of the baseline for a few images, and the
                                             detections Ultralytics' validation NMS rules give
                                             (torchvision.ops.nms), for the decoder tests

The product and its tests never run Python; this script only produces committed files.
Deterministic: fixed seeds, one thread per op; re-running rewrites the same files.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "detection"
DATA = OUT / "data"
MODELS = OUT / "models"
FIXTURES = ROOT / "test" / "fixtures" / "detection"
FASHION = Path(os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))

SEED = 20261206
W, H = 160, 118  # original images: letterboxed to 96x71 plus 12 + 13 rows of padding
S = 96  # model input (letterboxed)
STRIDE = 8
# Fashion-MNIST label -> (COCO category id, name): non-contiguous ids on purpose.
CLASSES = {0: (1, "t-shirt"), 1: (3, "trouser"), 8: (5, "bag"), 9: (9, "ankle-boot")}
C = len(CLASSES)
QUICK = os.environ.get("QUICK") == "1"  # a smoke run of the script itself
EVAL_IMAGES = 20 if QUICK else 320
TRAIN_IMAGES = 100 if QUICK else 1600
EPOCHS = 1 if QUICK else 14
DIM_SHARE = 0.35


def read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_items(split: str):
    images = read_idx(FASHION / f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(FASHION / f"{split}-labels-idx1-ubyte.gz")
    keep = np.isin(labels, list(CLASSES))
    return images[keep], labels[keep]


def background(rng, kind):
    if kind == "plain":
        base = rng.uniform(60, 200, 3)
        grad = np.linspace(-20, 20, W)[None, :, None] * rng.uniform(-1, 1)
        img = np.broadcast_to(base, (H, W, 3)) + grad
    else:
        # Low-frequency colour noise plus stripes: clutter the detector has to ignore.
        small = rng.uniform(30, 220, (6, 8, 3)).astype(np.float32)
        img = cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC).astype(np.float64)
        period = rng.uniform(6, 16)
        angle = rng.uniform(0, np.pi)
        yy, xx = np.mgrid[0:H, 0:W]
        stripes = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)
        img += 25 * stripes[..., None]
    return np.clip(img, 0, 255)


def compose(rng, items, labels, lighting, kind):
    """One scene: 1-4 items; returns the image (uint8 HxWx3) and COCO boxes [x, y, w, h]."""
    img = background(rng, kind)
    objects = []
    for _ in range(int(rng.integers(1, 5))):
        for _attempt in range(10):
            j = int(rng.integers(len(items)))
            side = int(rng.uniform(14, 60))
            item = cv2.resize(items[j], (side, side), interpolation=cv2.INTER_LINEAR).astype(np.float64)
            alpha = np.clip(item / 255 * 2.5, 0, 1)
            ys, xs = np.nonzero(alpha > 0.15)
            if len(xs) == 0:
                continue
            x0 = int(rng.integers(0, W - side + 1))
            y0 = int(rng.integers(0, H - side + 1))
            box = [x0 + xs.min(), y0 + ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
            if any(iou_xywh(box, b) > 0.25 for b, _ in objects):
                continue
            tint = rng.uniform(0.3, 1.0, 3) * 255
            shade = (item / 255)[..., None] * tint
            region = img[y0 : y0 + side, x0 : x0 + side]
            img[y0 : y0 + side, x0 : x0 + side] = region * (1 - alpha[..., None]) + shade * alpha[..., None]
            objects.append(([float(v) for v in box], int(labels[j])))
            break
    if lighting == "dim":
        img = img * rng.uniform(0.12, 0.25) + rng.normal(0, 3, img.shape)
    else:
        img = img * rng.uniform(0.9, 1.1)
    return np.clip(np.round(img), 0, 255).astype(np.uint8), objects


def iou_xywh(a, b):
    iw = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    ih = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def letterbox(img):
    """Ultralytics LetterBox(auto=False, scaleup=True, center=True), pad 114, INTER_LINEAR."""
    h0, w0 = img.shape[:2]
    r = min(S / h0, S / w0)
    nw, nh = int(round(w0 * r)), int(round(h0 * r))
    dw, dh = (S - nw) / 2, (S - nh) / 2
    if (w0, h0) != (nw, nh):
        img = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    return img, r, (left, top)


class Detector(nn.Module):
    """Tiny anchor-free detector; forward returns the raw YOLOv8-style head [N, 4+C, A]."""

    def __init__(self):
        super().__init__()

        def block(i, o, s):
            return nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.SiLU())

        self.body = nn.Sequential(
            block(3, 16, 2), block(16, 24, 2), block(24, 32, 2), block(32, 48, 1), block(48, 48, 1)
        )
        self.box = nn.Conv2d(48, 4, 1)
        self.cls = nn.Conv2d(48, C, 1)
        nn.init.constant_(self.cls.bias, -4.0)
        g = S // STRIDE
        ys, xs = torch.meshgrid(torch.arange(g), torch.arange(g), indexing="ij")
        self.register_buffer("centres", torch.stack([(xs.flatten() + 0.5) * STRIDE, (ys.flatten() + 0.5) * STRIDE]))

    def raw(self, x):
        f = self.body(x)
        ltrb = F.softplus(self.box(f).flatten(2)) * STRIDE * 2  # [N, 4, A]
        logits = self.cls(f).flatten(2)  # [N, C, A]
        return ltrb, logits

    def forward(self, x):
        ltrb, logits = self.raw(x)
        c = self.centres[None]
        x1y1 = c - ltrb[:, :2]
        x2y2 = c + ltrb[:, 2:]
        xy = (x1y1 + x2y2) / 2
        wh = x2y2 - x1y1
        return torch.cat([xy, wh, logits.sigmoid()], 1)


class WithNms(nn.Module):
    """The detector plus NMS in the graph: torchvision-style boxes/scores/labels padded to K."""

    def __init__(self, det, k=100, conf=0.05, iou=0.6):
        super().__init__()
        self.det, self.k, self.conf, self.iou = det, k, conf, iou

    def forward(self, x):
        out = self.det(x)[0]  # [4+C, A]
        xy, wh, cls = out[:2], out[2:4], out[4:]
        boxes = torch.cat([xy - wh / 2, xy + wh / 2], 0).t()  # [A, 4]
        scores, labels = cls.max(0)
        scores = scores * (scores > self.conf).float()
        keep = torchvision.ops.batched_nms(boxes, scores, labels, self.iou)
        mask = torch.zeros_like(scores).scatter(0, keep, torch.ones_like(scores)[: keep.shape[0]])
        kept = scores * mask
        top, idx = kept.topk(self.k)
        valid = top > 0
        return (
            (boxes[idx] * valid[:, None].float())[None],
            top[None],
            torch.where(valid, labels[idx], torch.full_like(labels[idx], -1))[None],
        )


def targets(objs_in, g=S // STRIDE):
    """Per-cell class target and assigned box (input pixels, x1y1x2y2) for one image."""
    cls_t = torch.zeros(C, g * g)
    box_t = torch.zeros(4, g * g)
    pos = torch.zeros(g * g, dtype=torch.bool)
    best_area = torch.full((g * g,), float("inf"))
    for (x1, y1, x2, y2), k in objs_in:
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        radius = 1.25 * STRIDE
        cells = []
        for gy in range(g):
            for gx in range(g):
                px, py = (gx + 0.5) * STRIDE, (gy + 0.5) * STRIDE
                if x1 < px < x2 and y1 < py < y2 and abs(px - cx) < radius and abs(py - cy) < radius:
                    cells.append(gy * g + gx)
        if not cells:
            cells = [min(int(cy // STRIDE), g - 1) * g + min(int(cx // STRIDE), g - 1)]
        area = (x2 - x1) * (y2 - y1)
        for a in cells:
            if area < best_area[a]:
                best_area[a] = area
                cls_t[:, a] = 0
                cls_t[k, a] = 1
                box_t[:, a] = torch.tensor([x1, y1, x2, y2])
                pos[a] = True
    return cls_t, box_t, pos


def giou_loss(pred, target):
    ix1 = torch.max(pred[:, 0], target[:, 0])
    iy1 = torch.max(pred[:, 1], target[:, 1])
    ix2 = torch.min(pred[:, 2], target[:, 2])
    iy2 = torch.min(pred[:, 3], target[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    ap = (pred[:, 2] - pred[:, 0]) * (pred[:, 3] - pred[:, 1])
    at = (target[:, 2] - target[:, 0]) * (target[:, 3] - target[:, 1])
    union = ap + at - inter
    iou = inter / union
    ex1 = torch.min(pred[:, 0], target[:, 0])
    ey1 = torch.min(pred[:, 1], target[:, 1])
    ex2 = torch.max(pred[:, 2], target[:, 2])
    ey2 = torch.max(pred[:, 3], target[:, 3])
    enclose = (ex2 - ex1) * (ey2 - ey1)
    return (1 - iou + (enclose - union) / enclose).sum()


def make_split(rng, items, labels, n, dim_share, with_meta=False):
    scenes = []
    for i in range(n):
        lighting = "dim" if rng.random() < dim_share else "bright"
        kind = "textured" if rng.random() < 0.5 else "plain"
        img, objs = compose(rng, items, labels, lighting, kind)
        scenes.append((img, objs, lighting, kind))
    return scenes


def to_input(img):
    lb, r, (left, top) = letterbox(img)
    return torch.from_numpy(lb).permute(2, 0, 1).float() / 255, r, left, top


def train(scenes, seed, label):
    torch.manual_seed(seed)
    model = Detector()
    xs, cls_ts, box_ts, poss = [], [], [], []
    label_index = {k: i for i, k in enumerate(CLASSES)}
    for img, objs, _, _ in scenes:
        x, r, left, top = to_input(img)
        boxes = [((b[0] * r + left, b[1] * r + top, (b[0] + b[2]) * r + left, (b[1] + b[3]) * r + top), label_index[k]) for b, k in objs]
        ct, bt, p = targets(boxes)
        xs.append(x)
        cls_ts.append(ct)
        box_ts.append(bt)
        poss.append(p)
    X = torch.stack(xs)
    CT, BT, P = torch.stack(cls_ts), torch.stack(box_ts), torch.stack(poss)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = EPOCHS * ((len(X) + 31) // 32)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    for epoch in range(EPOCHS):
        order = torch.randperm(len(X), generator=gen)
        total = 0.0
        for b in range(0, len(X), 32):
            idx = order[b : b + 32]
            x = X[idx]
            if torch.rand(1, generator=gen).item() < 0.5:  # horizontal flip, boxes flipped too
                x = x.flip(3)
                ct = CT[idx].view(-1, C, S // STRIDE, S // STRIDE).flip(3).flatten(2)
                bt = BT[idx].view(-1, 4, S // STRIDE, S // STRIDE).flip(3).flatten(2)
                bt = torch.stack([S - bt[:, 2], bt[:, 1], S - bt[:, 0], bt[:, 3]], 1)
                p = P[idx].view(-1, S // STRIDE, S // STRIDE).flip(2).flatten(1)
            else:
                ct, bt, p = CT[idx], BT[idx], P[idx]
            ltrb, logits = model.raw(x)
            npos = max(1, int(p.sum()))
            cls_loss = torchvision.ops.sigmoid_focal_loss(logits, ct, reduction="sum") / npos
            c = model.centres[None]
            pred = torch.cat([c - ltrb[:, :2], c + ltrb[:, 2:]], 1)  # [N, 4, A]
            pm = pred.permute(0, 2, 1)[p]
            tm = bt.permute(0, 2, 1)[p]
            box_loss = giou_loss(pm, tm) / npos
            loss = cls_loss + 2.0 * box_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss)
        print(f"  {label} epoch {epoch + 1}/{EPOCHS} loss {total / ((len(X) + 31) // 32):.3f} ({time.time() - t0:.0f}s)", flush=True)
    model.eval()
    return model


def ultralytics_val_nms(pred, conf=0.001, iou=0.7, max_det=300, max_nms=30000, max_wh=7680):
    """Ultralytics' validation NMS for one image (multi_label=True, class offsets, torchvision
    NMS), written from its documented rules; pred is [4+C, A] float32. Returns [n, 6] rows
    x1, y1, x2, y2, score, class in input pixels."""
    x = pred.t()
    nc = x.shape[1] - 4
    x = x[x[:, 4:].amax(1) > conf]
    xy, wh = x[:, :2], x[:, 2:4] / 2
    box = torch.cat([xy - wh, xy + wh], 1)
    cls = x[:, 4:]
    i, j = torch.where(cls > conf)
    x = torch.cat([box[i], cls[i, j, None], j[:, None].float()], 1)
    if x.shape[0] > max_nms:
        x = x[x[:, 4].argsort(descending=True)[:max_nms]]
    keep = torchvision.ops.nms(x[:, :4] + x[:, 5:6] * max_wh, x[:, 4], iou)[:max_det]
    return x[keep]


def scale_back(rows, r, left, top, w0, h0):
    """Ultralytics scale_boxes with the letterbox's ratio and padding, then clip."""
    b = rows[:, :4].clone()
    b[:, [0, 2]] -= left
    b[:, [1, 3]] -= top
    b /= r
    b[:, [0, 2]] = b[:, [0, 2]].clamp(0, w0)
    b[:, [1, 3]] = b[:, [1, 3]].clamp(0, h0)
    return b


def coco_map(coco_json, results, img_ids=None):
    sys.path.insert(0, os.environ["PYCOCOTOOLS_PATH"]) if os.environ.get("PYCOCOTOOLS_PATH") else None
    if not hasattr(np, "float"):
        np.float = float  # the cocoapi repository's cocoeval.py still uses it
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = copy.deepcopy(coco_json)
        gt.createIndex()
        dt = gt.loadRes(copy.deepcopy(results))
        E = COCOeval(gt, dt, "bbox")
        if img_ids is not None:
            E.params.imgIds = img_ids
        E.evaluate()
        E.accumulate()
        E.summarize()
    return float(E.stats[0]), float(E.stats[1])


def main():
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    train_items, train_labels = load_items("train")
    test_items, test_labels = load_items("t10k")

    print("making scenes ...", flush=True)
    eval_scenes = make_split(rng, test_items, test_labels, EVAL_IMAGES, DIM_SHARE)
    train_scenes = make_split(rng, train_items, train_labels, TRAIN_IMAGES, DIM_SHARE)
    bright_only = [s for s in train_scenes if s[2] == "bright"]

    # --- dataset in COCO format
    if DATA.exists():
        shutil.rmtree(DATA)
    (DATA / "images").mkdir(parents=True)
    images, anns = [], []
    for i, (img, objs, lighting, kind) in enumerate(eval_scenes):
        name = f"scene{i:04d}.jpg"
        cv2.imwrite(str(DATA / "images" / name), img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])
        # Non-contiguous image ids, as real COCO files have.
        images.append({"id": 1000 + 3 * i, "file_name": name, "width": W, "height": H, "lighting": lighting, "background": kind})
        for b, k in objs:
            anns.append({"id": len(anns) + 1, "image_id": 1000 + 3 * i, "category_id": CLASSES[k][0], "bbox": b, "area": b[2] * b[3], "iscrowd": 0})
    coco_json = {
        "info": {"description": "VisionGate detection example: Fashion-MNIST items on synthetic scenes"},
        "images": images,
        "annotations": anns,
        "categories": [{"id": cid, "name": name} for cid, name in CLASSES.values()],
    }
    (DATA / "annotations.json").write_text(json.dumps(coco_json, separators=(",", ":")) + "\n")
    shutil.copy(ROOT / "examples" / "fashion" / "data" / "LICENSE-fashion-mnist.txt", DATA / "LICENSE-fashion-mnist.txt")

    # --- models
    MODELS.mkdir(parents=True, exist_ok=True)
    models = {
        "baseline": train(train_scenes, 1, "baseline"),
        "candidate": train(bright_only, 1, "candidate"),
    }
    dummy = torch.zeros(1, 3, S, S)
    for name, model in models.items():
        torch.onnx.export(model, dummy, str(MODELS / f"{name}-yolo.onnx"), input_names=["images"], output_names=["output0"], opset_version=13)
        torch.onnx.export(WithNms(model), dummy, str(MODELS / f"{name}-nms.onnx"), input_names=["images"], output_names=["boxes", "scores", "labels"], opset_version=13)

    # --- metrics with Ultralytics' validation NMS, by pycocotools
    cat_ids = [CLASSES[k][0] for k in CLASSES]
    metrics = {"note": "mAP@[.5:.95] / AP50 by pycocotools COCOeval, detections from the -yolo.onnx head decoded with Ultralytics validation NMS (conf 0.001, iou 0.7, max_det 300), preprocessing with OpenCV", "models": {}}
    decode_fixture = {"note": "raw [1, 4+C, A] outputs of baseline-yolo.onnx and the detections of Ultralytics validation NMS (torchvision.ops.nms), input pixels", "images": []}
    for name, model in models.items():
        results = []
        with torch.no_grad():
            for i, (img, _, _, _) in enumerate(eval_scenes):
                x, r, left, top = to_input(img)
                pred = model(x[None])[0]
                rows = ultralytics_val_nms(pred)
                b = scale_back(rows, r, left, top, W, H)
                for (x1, y1, x2, y2), s, c in zip(b.tolist(), rows[:, 4].tolist(), rows[:, 5].tolist()):
                    results.append({"image_id": 1000 + 3 * i, "category_id": cat_ids[int(c)], "bbox": [x1, y1, x2 - x1, y2 - y1], "score": s})
                if name == "baseline" and i < 3:
                    decode_fixture["images"].append({"file": f"scene{i:04d}.jpg", "shape": list(pred[None].shape), "output": [round(v, 6) for v in pred.flatten().tolist()]})
        entry = {}
        try:
            entry["all"] = coco_map(coco_json, results)
            for lighting in ("bright", "dim"):
                ids = [im["id"] for im in images if im["lighting"] == lighting]
                entry[f"lighting={lighting}"] = coco_map(coco_json, results, ids)
        except ImportError:
            entry["all"] = "pycocotools not importable"
        metrics["models"][name] = entry
        print(name, entry, flush=True)

    # Decoder goldens: decode the rounded outputs (what the fixture stores) with the reference rules.
    for im in decode_fixture["images"]:
        pred = torch.tensor(im["output"], dtype=torch.float32).view(im["shape"])[0]
        rows = ultralytics_val_nms(pred)
        im["detections"] = [[float(v) for v in row] for row in rows.tolist()]
        rows25 = ultralytics_val_nms(pred, conf=0.25, iou=0.45, max_det=5)
        im["detectionsConf25Iou45Max5"] = [[float(v) for v in row] for row in rows25.tolist()]
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "yolo-decode.json").write_text(json.dumps(decode_fixture, separators=(",", ":")) + "\n")
    (MODELS / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
