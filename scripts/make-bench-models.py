#!/usr/bin/python3
"""Write the benchmark models to bench/models/ (gitignored, regenerate at will).

    /usr/bin/python3 scripts/make-bench-models.py

  bench/models/resnet18.onnx   torchvision ResNet-18, random init (seeded), 1000 classes,
                               input `input` [N,3,224,224] float32, output `logits` [N,1000]
  bench/models/resnet18.pt     the same model's state_dict, for the PyTorch comparison
                               (scripts/bench-pytorch.py loads it into torchvision's resnet18)
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


def main() -> None:
    torch.set_num_threads(1)
    t0 = time.time()
    OUT.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(SEED)
    resnet = torchvision.models.resnet18(weights=None, num_classes=1000)
    # Both files from one model instance: the ONNX and PyTorch benches run the same weights.
    torch.save(resnet.state_dict(), OUT / "resnet18.pt")
    export(resnet, [1, 3, 224, 224], OUT / "resnet18.onnx")

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
    print(f"{small.relative_to(ROOT)}  {small.stat().st_size / 1e3:.0f} kB  "
          f"input [N,1,28,28] -> [N,10]  ({how})")
    print(f"done in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
