#!/usr/bin/python3
"""Write the tiny detection models in test/fixtures/models/detection-*.onnx.

    /usr/bin/python3 scripts/make-detection-fixtures.py

Each model takes `images` float32 [1, 3, 32, 32] and returns constant tensors in one output
convention (plus 0 · mean(images), so the output depends on the input as a real graph's does).
The constants are written out below; test/unit/detection-decode.test.ts decodes them by hand.
Deterministic: re-running rewrites identical bytes. Tests never run Python.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "test" / "fixtures" / "models"
OPSET = 13
IR_VERSION = 8

# [1, 4+2, 5]: anchors as columns: cx, cy, w, h, score class 0, score class 1.
YOLO_V8 = np.array(
    [
        # a0              a1             a2              a3            a4
        [50, 52, 100, 20, 50],
        [50, 50, 100, 80, 50],
        [20, 20, 10, 30, 20],
        [20, 20, 10, 10, 20],
        [0.9, 0.8, 0.0005, 0.3, 0.9],
        [0.05, 0.6, 0.0, 0.3, 0.0],
    ],
    dtype=np.float32,
)[None]
# [1, 3, 5+2]: cx, cy, w, h, objectness, class 0, class 1.
YOLO_V5 = np.array(
    [
        [50, 50, 20, 20, 0.9, 0.8, 0.1],
        [60, 60, 20, 20, 0.0005, 0.9, 0.9],
        [10, 10, 8, 8, 0.5, 0.5, 0.5],
    ],
    dtype=np.float32,
)[None]
# torchvision-style, padded with score 0 / label -1.
BSL_BOXES = np.array([[[1, 2, 3, 4], [5, 5, 9, 9], [0, 0, 0, 0], [0, 0, 0, 0]]], dtype=np.float32)
BSL_SCORES = np.array([[0.8, 0.9, 0.0, 0.0]], dtype=np.float32)
BSL_LABELS = np.array([[1, 0, -1, 0]], dtype=np.int64)
# [1, K, 6]: x1, y1, x2, y2, score, class; zero padding.
E2E = np.array([[[1, 2, 3, 4, 0.7, 1], [5, 6, 7, 8, 0.95, 0], [0, 0, 0, 0, 0, 0]]], dtype=np.float32)
# DETR: 2 real classes + no-object; boxes normalised cx, cy, w, h.
DETR_LOGITS = np.array([[[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]]], dtype=np.float32)
DETR_BOXES = np.array([[[0.5, 0.5, 0.25, 0.5], [0.25, 0.25, 0.125, 0.125]]], dtype=np.float32)
# RT-DETR: 2 classes, sigmoid; query 0 scores both classes above query 1's best.
RTDETR_LOGITS = np.array([[[2.0, 1.0], [-3.0, 0.5]]], dtype=np.float32)


def const_model(name: str, outputs: dict[str, np.ndarray]) -> None:
    nodes = [helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0), helper.make_node("Mul", ["m", "zero"], ["z"])]
    inits = [numpy_helper.from_array(np.array(0, dtype=np.float32), "zero")]
    outs = []
    for out, value in outputs.items():
        inits.append(numpy_helper.from_array(value, out + "_value"))
        if value.dtype == np.float32:
            nodes.append(helper.make_node("Add", [out + "_value", "z"], [out]))
            elem = TensorProto.FLOAT
        else:
            nodes.append(helper.make_node("Cast", ["z"], [out + "_z"], to=TensorProto.INT64))
            nodes.append(helper.make_node("Add", [out + "_value", out + "_z"], [out]))
            elem = TensorProto.INT64
        outs.append(helper.make_tensor_value_info(out, elem, list(value.shape)))
    graph = helper.make_graph(
        nodes, name.replace("-", "_"), [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 32, 32])], outs, initializer=inits
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="visiongate-fixtures")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    path = MODELS / f"detection-{name}.onnx"
    path.write_bytes(model.SerializeToString())
    print("wrote", path.relative_to(ROOT))


def main() -> None:
    MODELS.mkdir(parents=True, exist_ok=True)
    const_model("yolo-v8", {"output0": YOLO_V8})
    const_model("yolo-v5", {"output0": YOLO_V5})
    const_model("boxes-scores-labels", {"boxes": BSL_BOXES, "scores": BSL_SCORES, "labels": BSL_LABELS})
    const_model("end-to-end", {"output0": E2E})
    const_model("detr", {"logits": DETR_LOGITS, "pred_boxes": DETR_BOXES})
    const_model("rt-detr", {"logits": RTDETR_LOGITS, "pred_boxes": DETR_BOXES})


if __name__ == "__main__":
    main()
