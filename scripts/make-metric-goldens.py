#!/usr/bin/python3
"""Write test/fixtures/metrics/goldens.json: seeded inputs plus the values scikit-learn and SciPy
compute for them, so the TypeScript metrics are checked against independent implementations.

Run from the repository root:  /usr/bin/python3 scripts/make-metric-goldens.py
Needs numpy, scipy and scikit-learn (Debian: apt-get install -y python3-sklearn python3-scipy).
Tests only read the JSON; they never run Python. Versions used are recorded in the file.
"""

import json
import os
import sys

import numpy as np
import scipy
import scipy.stats as st
import sklearn
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    top_k_accuracy_score,
)

OUT = os.path.join("test", "fixtures", "metrics", "goldens.json")


def prediction_set(seed, num_classes, n, skill, drop_pred=None, drop_label=None):
    """Random probability vectors whose true class gets a boost of `skill` in logit space.

    drop_pred: a class never predicted (its logit is pushed down), drop_label: a class that never
    occurs as a true label (tests the zero-division and label-set rules).
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, size=n)
    if drop_label is not None:
        labels[labels == drop_label] = (drop_label + 1) % num_classes
    logits = rng.normal(0.0, 1.0, size=(n, num_classes))
    logits[np.arange(n), labels] += skill
    if drop_pred is not None:
        logits[:, drop_pred] -= 50.0
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)

    records = []
    for i in range(n):
        p = probs[i]
        y = int(labels[i])
        pred = int(np.argmax(p))
        records.append(
            {
                "label": y,
                "pred": pred,
                "conf": float(p[pred]),
                "pTrue": float(p[y]),
                # 0-based rank of the true class: classes with strictly larger probability.
                "rank": int(np.sum(p > p[y])),
                "sumSq": float(np.sum(p * p)),
            }
        )

    preds = np.argmax(probs, axis=1)
    all_labels = list(range(num_classes))
    per_p, per_r, per_f, per_s = precision_recall_fscore_support(
        labels, preds, labels=all_labels, average=None, zero_division=0
    )
    averaged = {}
    for avg in ("macro", "weighted"):
        # No `labels`: scikit-learn averages over the classes present in y_true or y_pred.
        p, r, f, _ = precision_recall_fscore_support(labels, preds, average=avg, zero_division=0)
        averaged[avg] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    onehot = np.eye(num_classes)[labels]
    top_k = {}
    for k in (1, 2, 3, 5):
        if k < num_classes:
            top_k[str(k)] = float(top_k_accuracy_score(labels, probs, k=k, labels=all_labels))
    return {
        "seed": seed,
        "numClasses": num_classes,
        "records": records,
        "expected": {
            "n": n,
            "accuracy": float(accuracy_score(labels, preds)),
            "topK": top_k,
            "perClass": {
                "precision": [float(v) for v in per_p],
                "recall": [float(v) for v in per_r],
                "f1": [float(v) for v in per_f],
                "support": [int(v) for v in per_s],
            },
            "macro": averaged["macro"],
            "weighted": averaged["weighted"],
            "confusion": confusion_matrix(labels, preds, labels=all_labels).tolist(),
            # Multi-class Brier from the full probability vectors (not from sumSq/pTrue).
            "brier": float(np.mean(np.sum((probs - onehot) ** 2, axis=1))),
        },
    }


def mcnemar_cases():
    cases = []
    for b, c in [(0, 0), (0, 1), (1, 0), (3, 3), (2, 9), (10, 4), (25, 40), (100, 130), (7, 0), (300, 240)]:
        n = b + c
        k = min(b, c)
        if n == 0:
            p, mid = 1.0, 1.0
        else:
            p = float(st.binomtest(b, n, 0.5).pvalue)
            mid = float(min(1.0, 2 * st.binom.cdf(k, n, 0.5) - st.binom.pmf(k, n, 0.5)))
        cases.append({"b": b, "c": c, "pValue": p, "midPValue": mid})
    return cases


def ks_cases():
    rng = np.random.default_rng(20240611)
    cases = []
    for n1, n2, shift, method in [
        (8, 10, 0.5, "exact"),
        (30, 25, 0.3, "exact"),
        (50, 50, 0.0, "exact"),
        (100, 80, 0.4, "exact"),
        (200, 300, 0.2, "exact"),
        (3000, 2000, 0.05, "asymp"),
        (5000, 4000, 0.0, "asymp"),
    ]:
        a = rng.normal(0.0, 1.0, size=n1)
        b = rng.normal(shift, 1.0, size=n2)
        res = st.ks_2samp(a, b, alternative="two-sided", method=method)
        cases.append(
            {
                "a": [float(v) for v in a],
                "b": [float(v) for v in b],
                "method": "exact" if method == "exact" else "asymptotic",
                "statistic": float(res.statistic),
                "pValue": float(res.pvalue),
            }
        )
    return cases


def chisquare_cases():
    cases = []
    for observed, expected, ddof in [
        ([16, 18, 16, 14, 12, 12], None, 0),
        ([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8], 0),
        ([50, 30, 20], [40, 40, 20], 1),
        ([120, 80, 95, 105, 100], None, 0),
        ([5, 95], [50, 50], 0),
    ]:
        res = st.chisquare(observed, expected, ddof=ddof)
        cases.append(
            {
                "observed": observed,
                "expected": expected,
                "ddof": ddof,
                "statistic": float(res.statistic),
                "pValue": float(res.pvalue),
            }
        )
    return cases


def main():
    goldens = {
        "generator": "scripts/make-metric-goldens.py",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "sklearn": sklearn.__version__,
        },
        "predictionSets": [
            prediction_set(1, 3, 60, 1.0),
            prediction_set(2, 5, 300, 1.5, drop_pred=4),
            prediction_set(3, 10, 1000, 2.0, drop_label=7),
            prediction_set(4, 7, 500, 0.3, drop_pred=2, drop_label=2),
        ],
        "mcnemar": mcnemar_cases(),
        "ks2samp": ks_cases(),
        "chisquare": chisquare_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(goldens, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
