#!/usr/bin/python3
"""Write the Fashion-MNIST test fixture in test/fixtures/fashion-mnist/ from the original IDX files.

    /usr/bin/python3 scripts/make-fashion-mnist-fixture.py [SOURCE_DIR]

SOURCE_DIR holds the four original files (train/t10k images and labels, `*-ubyte.gz`), e.g.
Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist, the default) or a
download from https://github.com/zalandoresearch/fashion-mnist. What it writes, all gzipped IDX
(LeCun's MNIST format, big-endian), ~350 KB in all:

  t10k-images.idx3-ubyte.gz    the first 600 test images, 28x28 uint8 (shape [600, 28, 28])
  t10k-labels.idx1-ubyte.gz    all 10,000 test labels, unchanged (shape [10000])
  t10k-logprobs.idx3-int16.gz  two softmax-regression models' log-probabilities for the first
                               2,000 test images, x1000 rounded (shape [2, 2000, 10], int16)
  LICENSE-fashion-mnist.txt    the dataset's MIT licence

The log-probabilities are what test/integration/data-fashion-mnist.test.ts plants label errors
against: confident learning needs out-of-sample, roughly calibrated probabilities from a real,
imperfect model. Each model is scikit-learn's multinomial logistic regression on its own half of
25,000 training images (a seeded split of the 60,000), temperature-scaled on the 10,000
training images neither saw (Guo et al. 2017, "On Calibration of Modern Neural Networks"), so
the two disagree the way independently trained models do. Test images are never trained on.
Stored as int16 of 1000·ln p (clipped at −32.768): 0.1% relative precision on every
probability at a quarter of float32's compressed size; the test renormalises after exp().

The product and its tests never run Python; this script only produces committed files.
Deterministic up to the solver's floating-point rounding (fixed seed, gzip mtime 0).
"""

from __future__ import annotations

import gzip
import shutil
import struct
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy.special import log_softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "fashion-mnist"
LICENSE = ROOT / "examples" / "fashion" / "data" / "LICENSE-fashion-mnist.txt"

IMAGES = 600  # the data-suite image tests need 400 originals + 200 others (see the test)
SCORED = 2000  # test images the label-issue test evaluates (as the paper-sized experiment)
TRAIN_PER_MODEL = 25_000
SEED = 20240601

# IDX element type codes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT").
IDX_UBYTE = 0x08
IDX_INT16 = 0x0B


def read_idx(path: Path) -> np.ndarray:
    data = gzip.decompress(path.read_bytes())
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != IDX_UBYTE:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(f">{dims}I", data[4 : 4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_idx(path: Path, array: np.ndarray, kind: int) -> None:
    dtype = {IDX_UBYTE: ">u1", IDX_INT16: ">i2"}[kind]
    header = struct.pack(">HBB", 0, kind, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    # mtime=0: the same input gives the same bytes.
    path.write_bytes(gzip.compress(header + array.astype(dtype).tobytes(), 9, mtime=0))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising held-out negative log-likelihood (grid of 0.01 from 0.5 to 5)."""
    grid = np.arange(0.5, 5.0, 0.01)
    nll = [-log_softmax(logits / t, axis=1)[np.arange(len(labels)), labels].mean() for t in grid]
    return float(grid[int(np.argmin(nll))])


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
    train_x = read_idx(src / "train-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0
    train_y = read_idx(src / "train-labels-idx1-ubyte.gz")
    test_images = read_idx(src / "t10k-images-idx3-ubyte.gz")
    test_y = read_idx(src / "t10k-labels-idx1-ubyte.gz")
    assert train_x.shape == (60_000, 784) and test_images.shape == (10_000, 28, 28)

    order = np.random.default_rng(SEED).permutation(len(train_y))
    calibration = order[2 * TRAIN_PER_MODEL :]
    scored_x = test_images[:SCORED].reshape(-1, 784) / 255.0
    logprobs = []
    for k in range(2):
        part = order[k * TRAIN_PER_MODEL : (k + 1) * TRAIN_PER_MODEL]
        with warnings.catch_warnings():
            # Stopping lbfgs at 300 iterations leaves an ordinary, slightly under-fitted model,
            # which is what this fixture wants; full convergence changes accuracy by < 0.5%.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression(max_iter=300).fit(train_x[part], train_y[part])
        t = fit_temperature(model.decision_function(train_x[calibration]), train_y[calibration])
        lp = log_softmax(model.decision_function(scored_x) / t, axis=1)
        accuracy = float((lp.argmax(1) == test_y[:SCORED]).mean())
        print(f"model {k}: temperature {t:.2f}, accuracy on the scored test images {accuracy:.4f}")
        logprobs.append(lp)

    OUT.mkdir(parents=True, exist_ok=True)
    write_idx(OUT / "t10k-images.idx3-ubyte.gz", test_images[:IMAGES], IDX_UBYTE)
    write_idx(OUT / "t10k-labels.idx1-ubyte.gz", test_y, IDX_UBYTE)
    fixed = np.clip(np.round(np.stack(logprobs) * 1000), -32768, 0)
    write_idx(OUT / "t10k-logprobs.idx3-int16.gz", fixed, IDX_INT16)
    shutil.copyfile(LICENSE, OUT / "LICENSE-fashion-mnist.txt")
    total = sum(f.stat().st_size for f in OUT.iterdir())
    print(f"wrote {OUT.relative_to(ROOT)} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
