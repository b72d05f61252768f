#!/usr/bin/python3
"""Write examples/detection/models/metrics.json: what the official COCO evaluation (pycocotools'
COCOeval, iouType 'bbox') reports for the bundled detection example, computed the way a user's
Python pipeline would compute it from the committed files, so that
test/integration/detection-example.test.ts can require VisionGate's numbers to equal it.

Run from the repository root after scripts/make-detection-example.py:

    PYCOCOTOOLS_PATH=/path/to/cocoapi/PythonAPI /usr/bin/python3 scripts/make-detection-reference.py
    npx prettier --write examples/detection/models/metrics.json

The pipeline, step by step, independent of VisionGate's TypeScript:
  1. each committed JPEG read with cv2.imread (BGR, converted to RGB);
  2. letterboxed as Ultralytics' LetterBox(auto=False, scaleup=True, center=True) does:
     r = min(96/h0, 96/w0), cv2.resize to (round(w0*r), round(h0*r)) with INTER_LINEAR,
     padding split round(d - 0.1) / round(d + 0.1), value 114; scaled to 0..1 float32, NCHW;
  3. the committed *-yolo.onnx graph run node by node with torch float32 ops (onnxruntime has no
     Debian package; the graph uses a dozen standard operators, each mapped to its torch
     equivalent with the ONNX operator semantics);
  4. the raw [1, 4+C, A] head decoded by Ultralytics' validation NMS (conf 0.001, iou 0.7,
     max_det 300, multi-label, class offsets, torchvision.ops.nms), the rules written out in
     scripts/make-detection-example.py;
  5. boxes mapped back with Ultralytics' scale_boxes (the letterbox's own ratio and padding)
     and clipped, written as a COCO results list ([x, y, w, h]);
  6. COCOeval on all images and on each image-metadata slice (params.imgIds restricted).

Needs numpy, torch, torchvision, OpenCV, onnx and pycocotools (the official cocodataset/cocoapi
PythonAPI with its _mask extension built; point PYCOCOTOOLS_PATH at the folder that holds the
`pycocotools` package). Tests only read the JSON; they never run Python.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import os
import sys
from pathlib import Path

import cv2
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

if os.environ.get("PYCOCOTOOLS_PATH"):
    sys.path.insert(0, os.environ["PYCOCOTOOLS_PATH"])
# The cocoapi repository's cocoeval.py still uses np.float, which numpy 1.24 removed.
if not hasattr(np, "float"):
    np.float = float  # noqa: attribute added for pycocotools
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "detection"
S = 96

# The decoding rules live in the script that made the example; load it as a module.
_spec = importlib.util.spec_from_file_location("make_detection_example", ROOT / "scripts" / "make-detection-example.py")
_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_example)
ultralytics_val_nms = _example.ultralytics_val_nms
scale_back = _example.scale_back


def letterbox(img: np.ndarray):
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
    return img, r, left, top


class OnnxGraph:
    """Runs an ONNX graph with torch float32 ops, one node at a time (ONNX operator semantics)."""

    def __init__(self, path: Path):
        self.model = onnx.load(str(path))
        self.init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in self.model.graph.initializer}

    def run(self, feeds: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        v = dict(self.init)
        v.update(feeds)
        for n in self.model.graph.node:
            a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
            i = [v[name] if name else None for name in n.input]
            op = n.op_type
            if op == "Constant":
                out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            elif op == "Conv":
                assert a.get("group", 1) == 1 and a.get("dilations", [1, 1]) == [1, 1]
                p = a.get("pads", [0, 0, 0, 0])
                assert p[0] == p[2] and p[1] == p[3]
                out = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=a.get("strides", [1, 1]), padding=(p[0], p[1]))
            elif op == "Sigmoid":
                out = torch.sigmoid(i[0])
            elif op == "Softplus":
                x = i[0]  # onnxruntime's form: x + log1p(exp(-x)) for x > 0, else log1p(exp(x))
                out = torch.where(x > 0, x + torch.log1p(torch.exp(-x)), torch.log1p(torch.exp(x)))
            elif op in ("Mul", "Add", "Sub", "Div"):
                out = {"Mul": torch.mul, "Add": torch.add, "Sub": torch.sub, "Div": torch.div}[op](i[0], i[1])
            elif op == "Shape":
                out = torch.tensor(list(i[0].shape), dtype=torch.int64)
            elif op == "Slice":
                data, starts, ends = i[0], i[1].tolist(), i[2].tolist()
                axes = i[3].tolist() if len(i) > 3 and i[3] is not None else list(range(len(starts)))
                steps = i[4].tolist() if len(i) > 4 and i[4] is not None else [1] * len(starts)
                idx = [slice(None)] * data.dim()
                for s, e, ax, st in zip(starts, ends, axes, steps):
                    assert st == 1
                    d = data.shape[ax]
                    s = max(0, min(d, s + d if s < 0 else s))
                    e = max(0, min(d, e + d if e < 0 else e))
                    idx[ax] = slice(s, e)
                out = data[tuple(idx)]
            elif op == "Concat":
                out = torch.cat(i, a["axis"])
            elif op == "Reshape":
                shape = [int(s) for s in i[1].tolist()]
                shape = [i[0].shape[k] if s == 0 else s for k, s in enumerate(shape)]
                out = i[0].reshape(shape)
            else:
                raise NotImplementedError(f"{path_name(self)}: operator {op}")
            v[n.output[0]] = out
        return {o.name: v[o.name] for o in self.model.graph.output}


def path_name(g: OnnxGraph) -> str:
    return g.model.graph.name


def evaluate(coco_json: dict, results: list, img_ids=None) -> COCOeval:
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = copy.deepcopy(coco_json)
        gt.createIndex()
        dt = gt.loadRes(copy.deepcopy(results)) if results else COCO()
        E = COCOeval(gt, dt, "bbox")
        if img_ids is not None:
            E.params.imgIds = img_ids
        E.evaluate()
        E.accumulate()
        E.summarize()
    return E


def per_class(E: COCOeval) -> dict:
    """AP and AP50 per category, precision[:, :, k, all areas, maxDets 100] as detectron2 reads it."""
    p = E.eval["precision"]
    out = {}
    for k, cid in enumerate(E.params.catIds):
        ap = p[:, :, k, 0, -1]
        ap50 = p[0, :, k, 0, -1]
        out[str(cid)] = [float(np.mean(ap[ap > -1])) if (ap > -1).any() else -1.0, float(np.mean(ap50[ap50 > -1])) if (ap50 > -1).any() else -1.0]
    return out


def main():
    torch.set_num_threads(1)
    coco_json = json.loads((EXAMPLE / "data" / "annotations.json").read_text())
    cat_ids = sorted(c["id"] for c in coco_json["categories"])
    images = sorted(coco_json["images"], key=lambda im: im["id"])
    inputs = []
    for im in images:
        bgr = cv2.imread(str(EXAMPLE / "data" / "images" / im["file_name"]), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        lb, r, left, top = letterbox(rgb)
        x = torch.from_numpy(np.ascontiguousarray(lb)).permute(2, 0, 1).float()[None] / 255
        inputs.append((x, r, left, top, rgb.shape[1], rgb.shape[0]))

    slices = {}
    for key in ("lighting", "background"):
        for value in sorted({im[key] for im in images}):
            slices[f"{key}={value}"] = [im["id"] for im in images if im[key] == value]

    metrics = {
        "note": "pycocotools COCOeval (bbox) on the committed JPEGs: cv2.imread, Ultralytics letterbox to 96x96 (INTER_LINEAR, pad 114), the -yolo.onnx graph run with torch float32, Ultralytics validation NMS (conf 0.001, iou 0.7, max_det 300), scale_boxes + clip; made by scripts/make-detection-reference.py",
        "stats": ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"],
        "models": {},
    }
    for name in ("baseline", "candidate"):
        graph = OnnxGraph(EXAMPLE / "models" / f"{name}-yolo.onnx")
        results = []
        with torch.no_grad():
            for im, (x, r, left, top, w0, h0) in zip(images, inputs):
                pred = graph.run({"images": x})["output0"][0]
                rows = ultralytics_val_nms(pred)
                b = scale_back(rows, r, left, top, w0, h0)
                for (x1, y1, x2, y2), s, c in zip(b.tolist(), rows[:, 4].tolist(), rows[:, 5].tolist()):
                    results.append({"image_id": im["id"], "category_id": cat_ids[int(c)], "bbox": [x1, y1, x2 - x1, y2 - y1], "score": s})
        E = evaluate(coco_json, results)
        entry = {"detections": len(results), "stats": [float(s) for s in E.stats], "perClass": per_class(E), "slices": {}}
        for key, ids in slices.items():
            Es = evaluate(coco_json, results, ids)
            entry["slices"][key] = [float(Es.stats[0]), float(Es.stats[1])]
        metrics["models"][name] = entry
        print(name, f"mAP {entry['stats'][0]:.4f} AP50 {entry['stats'][1]:.4f}", {k: round(v[0], 4) for k, v in entry["slices"].items()}, flush=True)
    (EXAMPLE / "models" / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
