#!/usr/bin/python3
"""Goldens for post-NMS detectors run through `visiongate run`, made independently of VisionGate:

1. test/fixtures/detection/post-nms-example.json: what pycocotools' COCOeval (iouType 'bbox')
   reports for the detection example's post-NMS exports (examples/detection/models/*-nms.onnx,
   torchvision-style boxes / scores / labels). Each JPEG is read and letterboxed as
   scripts/make-detection-reference.py does (cv2, Ultralytics LetterBox); the NMS graph's own
   rules (scripts/make-detection-example.py, `WithNms`: best class per anchor, score > 0.05,
   torchvision batched_nms at IoU 0.6, the 100 best) are applied with torch to the raw head of
   the same network, run node by node with torch float32 ops from the committed -yolo.onnx; boxes
   go back with scale_boxes + clip. Also the detection count per image, and the first images'
   detections.

2. test/fixtures/detection/post-nms/: a six-image COCO dataset (PNG, so decoding is exact) and
   two tiny detectors exported with torch, one per remaining post-NMS convention:
   - end-to-end.onnx: one output [1, 10, 6], rows x1, y1, x2, y2, score, class in input pixels,
     the ten best cells, rows scoring below 0.5 zeroed (YOLOv10 / end2end exports' padding);
   - detr.onnx: `logits` [1, 16, C + 1] and `pred_boxes` [1, 16, 4] (normalised cx, cy, w, h),
     DETR's set-prediction outputs.
   Both are fixed-seed random networks on a 4x4 grid of 24x24 cells of the 96x96 letterboxed
   input. expected.json holds their detections in image pixels, decoded here from the torch
   modules' outputs by the conventions' published rules (DETR's PostProcess: softmax over C + 1,
   each query's best real class; end-to-end: rows as given, padding dropped), with the decoder
   defaults (score > 0.001, at most 300, highest first), mapped back with scale_boxes + clip.

Run from the repository root (pycocotools as for make-detection-reference.py):

    PYCOCOTOOLS_PATH=/path/to/cocoapi/PythonAPI /usr/bin/python3 scripts/make-post-nms-fixtures.py
    npx prettier --write test/fixtures/detection

Tests only read the files; they never run Python.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
import torchvision

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "detection"
FIXTURES = ROOT / "test" / "fixtures" / "detection"
S = 96


def load_script(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The letterbox, the ONNX-graph runner and COCOeval as the raw-head reference uses them.
ref = load_script("make_detection_reference", "make-detection-reference.py")


def with_nms_rules(pred: torch.Tensor, k=100, conf=0.05, iou=0.6) -> torch.Tensor:
    """WithNms' rules on a raw [4+C, A] head: rows x1, y1, x2, y2, score, class, best first."""
    xy, wh, cls = pred[:2], pred[2:4], pred[4:]
    boxes = torch.cat([xy - wh / 2, xy + wh / 2], 0).t()
    scores, labels = cls.max(0)
    ok = scores > conf
    boxes, scores, labels = boxes[ok], scores[ok], labels[ok]
    keep = torchvision.ops.batched_nms(boxes, scores, labels, iou)[:k]
    return torch.cat([boxes[keep], scores[keep, None], labels[keep, None].float()], 1)


def example_reference():
    torch.set_num_threads(1)
    coco_json = json.loads((EXAMPLE / "data" / "annotations.json").read_text())
    cat_ids = sorted(c["id"] for c in coco_json["categories"])
    images = sorted(coco_json["images"], key=lambda im: im["id"])
    slices = {}
    for key in ("lighting", "background"):
        for value in sorted({im[key] for im in images}):
            slices[f"{key}={value}"] = [im["id"] for im in images if im[key] == value]
    out = {
        "note": "pycocotools COCOeval (bbox) of the example's post-NMS exports (-nms.onnx): cv2.imread, Ultralytics letterbox to 96x96, the network run with torch float32 from -yolo.onnx, the NMS graph's rules (score > 0.05, batched_nms IoU 0.6, 100 best) in torch, scale_boxes + clip; made by scripts/make-post-nms-fixtures.py",
        "stats": ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"],
        "models": {},
    }
    for name in ("baseline", "candidate"):
        graph = ref.OnnxGraph(EXAMPLE / "models" / f"{name}-yolo.onnx")
        results, counts, first = [], {}, {}
        with torch.no_grad():
            for im in images:
                bgr = cv2.imread(str(EXAMPLE / "data" / "images" / im["file_name"]), cv2.IMREAD_COLOR)
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                lb, r, left, top = ref.letterbox(rgb)
                x = torch.from_numpy(np.ascontiguousarray(lb)).permute(2, 0, 1).float()[None] / 255
                rows = with_nms_rules(graph.run({"images": x})["output0"][0])
                b = ref.scale_back(rows, r, left, top, rgb.shape[1], rgb.shape[0])
                counts[str(im["id"])] = int(rows.shape[0])
                dets = []
                for (x1, y1, x2, y2), s, c in zip(b.tolist(), rows[:, 4].tolist(), rows[:, 5].tolist()):
                    results.append({"image_id": im["id"], "category_id": cat_ids[int(c)], "bbox": [x1, y1, x2 - x1, y2 - y1], "score": s})
                    dets.append([x1, y1, x2, y2, s, int(c)])
                if len(first) < 3:
                    first[str(im["id"])] = dets
        E = ref.evaluate(coco_json, results)
        entry = {"detections": len(results), "stats": [float(s) for s in E.stats], "slices": {}, "counts": counts, "firstImages": first}
        for key, ids in slices.items():
            Es = ref.evaluate(coco_json, results, ids)
            entry["slices"][key] = [float(Es.stats[0]), float(Es.stats[1])]
        out["models"][name] = entry
        print(name, f"mAP {entry['stats'][0]:.4f} AP50 {entry['stats'][1]:.4f}", {k: round(v[0], 4) for k, v in entry["slices"].items()}, flush=True)
    (FIXTURES / "post-nms-example.json").write_text(json.dumps(out) + "\n")


# --- 2. tiny post-NMS detectors on a small PNG dataset

C = 3
CATEGORIES = [{"id": 2, "name": "red"}, {"id": 4, "name": "green"}, {"id": 7, "name": "blue"}]
COLOURS = [(220, 40, 40), (40, 200, 60), (50, 60, 220)]
SIZES = [(64, 48), (48, 64), (96, 96), (120, 40), (37, 53), (80, 60)]


def class_mix() -> torch.Tensor:
    """A per-cell push towards class (cell mod C), so that every class is predicted."""
    mix = torch.zeros(16, C)
    mix[torch.arange(16), torch.arange(16) % C] = 4
    return mix


class Cells(nn.Module):
    """A 4x4 grid of 24x24 cells of the 96x96 input, 8 features per cell."""

    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool2d(24)
        self.feat = nn.Conv2d(3, 8, 1)

    def forward(self, x):
        f = torch.relu(self.feat(self.pool(x) * 4 - 2))  # [N, 8, 4, 4]
        return f.flatten(2).transpose(1, 2)  # [N, 16, 8]


class EndToEnd(nn.Module):
    def __init__(self, k=10, floor=0.5):
        super().__init__()
        self.cells, self.k, self.floor = Cells(), k, floor
        self.box = nn.Linear(8, 4)
        self.score = nn.Linear(8, 1)
        self.cls = nn.Linear(8, C)
        g = torch.arange(4, dtype=torch.float32)
        cy, cx = torch.meshgrid(g, g, indexing="ij")
        self.register_buffer("centres", torch.stack([cx.flatten(), cy.flatten()], 1) * 24 + 12)
        # Cells of the padding have equal features; a bias per cell keeps their scores apart, as
        # top-k's order among equal scores is not specified (torch and ONNX Runtime differ).
        self.register_buffer("order", torch.linspace(2, -2, 16))
        self.register_buffer("mix", class_mix())

    def forward(self, x):
        f = self.cells(x)
        d = nn.functional.softplus(self.box(f)) * 12  # [N, 16, 4]: left, top, right, bottom
        c = self.centres[None]
        boxes = torch.cat([c - d[..., :2], c + d[..., 2:]], 2)
        score = torch.sigmoid(self.score(f)[..., 0] + self.order)
        cls = (self.cls(f) + self.mix).argmax(2).float()
        top, idx = score.topk(self.k, 1)
        rows = torch.cat([torch.gather(boxes, 1, idx[..., None].expand(-1, -1, 4)), top[..., None], torch.gather(cls, 1, idx)[..., None]], 2)
        return rows * (top > self.floor).float()[..., None]


class Detr(nn.Module):
    def __init__(self):
        super().__init__()
        self.cells = Cells()
        self.logits = nn.Linear(8, C + 1)
        self.boxes = nn.Linear(8, 4)
        # Every fourth query leans to "no object": low scores, still above the confidence.
        mix = torch.cat([class_mix(), torch.zeros(16, 1)], 1)
        mix[::4, C] = 6
        self.register_buffer("mix_no_object", mix)

    def forward(self, x):
        f = self.cells(x)
        return self.logits(f) * 3 + self.mix_no_object, torch.sigmoid(self.boxes(f))


def make_dataset(folder: Path) -> dict:
    rng = np.random.default_rng(14)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    images, anns = [], []
    for i, (w, h) in enumerate(SIZES):
        img = np.full((h, w, 3), 128, np.uint8) + rng.integers(0, 20, (h, w, 3), dtype=np.uint8)
        for _ in range(2):
            k = int(rng.integers(0, C))
            bw, bh = int(rng.integers(w // 5, w // 2)), int(rng.integers(h // 5, h // 2))
            x0, y0 = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
            img[y0 : y0 + bh, x0 : x0 + bw] = COLOURS[k]
            anns.append({"id": len(anns) + 1, "image_id": 10 + i, "category_id": CATEGORIES[k]["id"], "bbox": [x0, y0, bw, bh], "area": bw * bh, "iscrowd": 0})
        name = f"im{i}.png"
        cv2.imwrite(str(folder / "images" / name), img[..., ::-1])
        images.append({"id": 10 + i, "file_name": name, "width": w, "height": h, "shape": "wide" if w >= h else "tall"})
    coco = {"images": images, "annotations": anns, "categories": CATEGORIES}
    (folder / "annotations.json").write_text(json.dumps(coco) + "\n")
    return coco


def keep_rows(rows, conf=0.001, max_det=300):
    """The decoders' defaults: score > conf, a real class, highest score first (stable), capped."""
    rows = [r for r in rows if r[4] > conf and 0 <= r[5] < C]
    return sorted(rows, key=lambda r: -r[4])[:max_det]


def tiny_models():
    folder = FIXTURES / "post-nms"
    coco = make_dataset(folder)
    torch.manual_seed(14)
    models = {"end-to-end": EndToEnd(), "detr": Detr()}
    dummy = torch.zeros(1, 3, S, S)
    torch.onnx.export(models["end-to-end"], dummy, str(folder / "end-to-end.onnx"), input_names=["images"], output_names=["output0"], opset_version=13)
    torch.onnx.export(models["detr"], dummy, str(folder / "detr.onnx"), input_names=["pixel_values"], output_names=["logits", "pred_boxes"], opset_version=13)
    expected = {"note": "detections in image pixels (x1, y1, x2, y2, score, class index) of the tiny post-NMS detectors, decoded in Python; made by scripts/make-post-nms-fixtures.py", "models": {}}
    for name, model in models.items():
        model.eval()
        per_image = {}
        with torch.no_grad():
            for im in coco["images"]:
                bgr = cv2.imread(str(folder / "images" / im["file_name"]), cv2.IMREAD_COLOR)
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                lb, r, left, top = ref.letterbox(rgb)
                x = torch.from_numpy(np.ascontiguousarray(lb)).permute(2, 0, 1).float()[None] / 255
                if name == "end-to-end":
                    rows = model(x)[0].tolist()
                    rows = keep_rows([row[:5] + [int(round(row[5]))] for row in rows])
                else:
                    logits, boxes = model(x)
                    prob = logits[0].softmax(-1)[:, :C]
                    score, cls = prob.max(-1)
                    cx, cy, w, h = (boxes[0] * S).unbind(-1)
                    corners = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)
                    rows = keep_rows([b + [s, c] for b, s, c in zip(corners.tolist(), score.tolist(), cls.tolist())])
                t = torch.tensor([row[:4] for row in rows], dtype=torch.float32).reshape(-1, 4)
                back = ref.scale_back(torch.cat([t, torch.zeros(len(rows), 2)], 1), r, left, top, rgb.shape[1], rgb.shape[0])
                per_image[str(im["id"])] = [b + [row[4], row[5]] for b, row in zip(back.tolist(), rows)]
        expected["models"][name] = per_image
        print(name, {k: len(v) for k, v in per_image.items()}, flush=True)
    (folder / "expected.json").write_text(json.dumps(expected) + "\n")


if __name__ == "__main__":
    FIXTURES.mkdir(parents=True, exist_ok=True)
    tiny_models()
    example_reference()
