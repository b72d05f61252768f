"""Golden values for src/metrics/permutation.ts (paired swap and slice-membership tests).

Every case is small enough that scipy.stats.permutation_test enumerates every rearrangement
(n_resamples=np.inf), which is what the TypeScript tests do when there are at most maxDraws of
them, so the p-values must be equal:
- paired: permutation_type="samples" (each pair's two values swapped or not), two-sided, with a
  mean difference and a non-linear statistic (difference of maxima);
- membership: permutation_type="independent" (which values form the slice), alternative "less",
  with the slice's mean and a non-linear statistic (difference of medians).

Run once: /usr/bin/python3 scripts/make-permutation-goldens.py > test/fixtures/metrics/permutation.json
"""
import json

import numpy as np
import scipy
from scipy import stats

STATS_PAIRED = {
    "meanDifference": lambda x, y: np.mean(x) - np.mean(y),
    "maxDifference": lambda x, y: np.max(x) - np.max(y),
}
STATS_MEMBERSHIP = {
    "sliceMean": lambda x, y: np.mean(x),
    "medianDifference": lambda x, y: np.median(x) - np.median(y),
}


def paired_case(rng, n, name):
    x = np.round(rng.normal(0.0, 1.0, n) - 0.4, 3)
    y = np.round(rng.normal(0.0, 1.0, n), 3)
    f = STATS_PAIRED[name]
    res = stats.permutation_test(
        (x, y),
        lambda a, b: f(a, b),
        permutation_type="samples",
        alternative="two-sided",
        n_resamples=np.inf,
        vectorized=False,
    )
    return {"statistic": name, "x": x.tolist(), "y": y.tolist(), "pValue": float(res.pvalue)}


def membership_case(rng, n, m, name):
    values = np.round(rng.normal(0.0, 1.0, n), 3)
    values[:m] -= 0.8  # the slice is worse
    f = STATS_MEMBERSHIP[name]
    res = stats.permutation_test(
        (values[:m], values[m:]),
        lambda a, b: f(a, b),
        permutation_type="independent",
        alternative="less",
        n_resamples=np.inf,
        vectorized=False,
    )
    return {"statistic": name, "values": values.tolist(), "m": m, "pValue": float(res.pvalue)}


def main():
    rng = np.random.default_rng(14)
    paired = [paired_case(rng, n, s) for n in (5, 8, 11) for s in STATS_PAIRED]
    membership = [
        membership_case(rng, n, m, s) for (n, m) in ((7, 3), (10, 4), (12, 6)) for s in STATS_MEMBERSHIP
    ]
    print(
        json.dumps(
            {
                "generator": f"scipy {scipy.__version__} permutation_test, exact enumeration",
                "paired": paired,
                "membership": membership,
            },
            indent=1,
        )
    )


main()
