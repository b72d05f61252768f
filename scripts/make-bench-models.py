#!/usr/bin/python3
"""Write the benchmark models to bench/models/ (gitignored, regenerate at will).

    /usr/bin/python3 scripts/make-bench-models.py

  bench/models/resnet18.onnx   torchvision ResNet-18, random init (seeded), 1000 classes,
                               input `input` [N,3,224,224] float32, output `logits` [N,1000]
  bench/models/resnet18.pt     the same model's state_dict, for the PyTorch comparison
                               (scripts/bench-pytorch.py loads it into torchvision's resnet18)
  bench/models/yolov8n-shaped.onnx
                               a YOLOv8n-sized detector, random init (seeded): input `images`
                               [1,3,640,640], raw head `output0` [1,84,8400] (80 classes,
                               strides 8/16/32), 2.1 M parameters and 3.2 G multiply-adds
                               (YOLOv8n: 3.2 M and 4.4 G)
  bench/models/small-cnn.onnx  the example's 28×28 CNN: a copy of
                               examples/fashion/models/baseline.onnx when it exists, else the
                               same architecture with seeded random weights

The weights are random: these models measure speed, not accuracy. Runs in well under 2 min.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from pathlib import Path

import torch
import torchvision

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "models"
SEED = 20240611


def export(model: torch.nn.Module, shape: list[int], path: Path) -> None:
    model.eval()
    torch.onnx.export(
        model, torch.zeros(*shape), str(path), opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )


def conv(cin: int, cout: int, k: int = 3, s: int = 1) -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Conv2d(cin, cout, k, s, k // 2), torch.nn.SiLU())


class YoloShaped(torch.nn.Module):
    """YOLOv8n's layout in outline: a strided backbone to P3/P4/P5 (80/40/20 cells at 640) and
    a decoupled box / class head per level, concatenated to [1, 4 + 80, 8400] (cx, cy, w, h in
    input pixels, sigmoid class scores), as Ultralytics exports it. For timing only."""

    def __init__(self, nc: int = 80):
        super().__init__()
        self.p3 = torch.nn.Sequential(conv(3, 16, 3, 2), conv(16, 32, 3, 2), conv(32, 32), conv(32, 64, 3, 2), conv(64, 64))
        self.p4 = torch.nn.Sequential(conv(64, 128, 3, 2), conv(128, 128))
        self.p5 = torch.nn.Sequential(conv(128, 256, 3, 2), conv(256, 256))
        self.box = torch.nn.ModuleList(torch.nn.Sequential(conv(c, 64), conv(64, 64), torch.nn.Conv2d(64, 4, 1)) for c in (64, 128, 256))
        self.cls = torch.nn.ModuleList(torch.nn.Sequential(conv(c, 80), conv(80, 80), torch.nn.Conv2d(80, nc, 1)) for c in (64, 128, 256))

    def forward(self, x):
        p3 = self.p3(x)
        p4 = self.p4(p3)
        p5 = self.p5(p4)
        outs = []
        for i, (f, stride) in enumerate(((p3, 8), (p4, 16), (p5, 32))):
            b = self.box[i](f).flatten(2)
            box = torch.cat([b[:, :2].sigmoid() * 640, b[:, 2:].sigmoid() * 320], 1)
            outs.append(torch.cat([box, self.cls[i](f).flatten(2).sigmoid()], 1))
        return torch.cat(outs, 2)


def main() -> None:
    torch.set_num_threads(1)
    t0 = time.time()
    OUT.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(SEED)
    resnet = torchvision.models.resnet18(weights=None, num_classes=1000)
    # Both files from one model instance: the ONNX and PyTorch benches run the same weights.
    torch.save(resnet.state_dict(), OUT / "resnet18.pt")
    export(resnet, [1, 3, 224, 224], OUT / "resnet18.onnx")

    torch.manual_seed(SEED)
    yolo = YoloShaped().eval()
    torch.onnx.export(yolo, torch.zeros(1, 3, 640, 640), str(OUT / "yolov8n-shaped.onnx"), opset_version=13,
                      input_names=["images"], output_names=["output0"], do_constant_folding=True)

    small = OUT / "small-cnn.onnx"
    trained = ROOT / "examples" / "fashion" / "models" / "baseline.onnx"
    if trained.exists():
        shutil.copyfile(trained, small)
        how = f"copy of {trained.relative_to(ROOT)}"
    else:
        spec = importlib.util.spec_from_file_location("make_example",
                                                      ROOT / "scripts" / "make-example.py")
        make_example = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(make_example)
        torch.manual_seed(SEED)
        export(make_example.SmallCnn(), [1, 1, 28, 28], small)
        how = "random init, example architecture"

    print(f"{(OUT / 'resnet18.onnx').relative_to(ROOT)}  "
          f"{(OUT / 'resnet18.onnx').stat().st_size / 1e6:.1f} MB  input [N,3,224,224] -> [N,1000]")
    print(f"{(OUT / 'yolov8n-shaped.onnx').relative_to(ROOT)}  "
          f"{(OUT / 'yolov8n-shaped.onnx').stat().st_size / 1e6:.1f} MB  input [1,3,640,640] -> [1,84,8400]")
    print(f"{small.relative_to(ROOT)}  {small.stat().st_size / 1e3:.0f} kB  "
          f"input [N,1,28,28] -> [N,10]  ({how})")
    print(f"done in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
