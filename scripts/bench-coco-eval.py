#!/usr/bin/python3
"""Time the official COCO evaluation (pycocotools COCOeval, bbox) on a ground-truth file and a
results file, for bench/coco-eval.bench.ts, which writes both and times VisionGate's evaluation
on the same data.

    /usr/bin/python3 scripts/bench-coco-eval.py GT.json RESULTS.json

Needs numpy and pycocotools (PYCOCOTOOLS_PATH as in scripts/make-coco-goldens.py). Prints one
JSON line: the seconds of evaluate() + accumulate() + summarize() (loading the files is not
timed, as the TypeScript side does not time building its columns) and the 12 stats.
"""

import contextlib
import io
import json
import os
import sys
import time

import numpy as np

if os.environ.get("PYCOCOTOOLS_PATH"):
    sys.path.insert(0, os.environ["PYCOCOTOOLS_PATH"])
if not hasattr(np, "float"):
    np.float = float  # the cocoapi repository's cocoeval.py still uses it (numpy >= 1.24 removed it)
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402


def main():
    gt_file, dt_file = sys.argv[1], sys.argv[2]
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_file)
        dt = gt.loadRes(dt_file)
        E = COCOeval(gt, dt, "bbox")
        t0 = time.perf_counter()
        E.evaluate()
        E.accumulate()
        E.summarize()
        seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "stats": [float(s) for s in E.stats]}))


if __name__ == "__main__":
    main()
