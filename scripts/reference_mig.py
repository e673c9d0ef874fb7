#!/usr/bin/env python3
"""Reference MIG in numpy/sklearn, written the way disentanglement_lib's mig.py computes it,
to cross-check acc's core/analysis/mig.cpp. Not used by acc at run time.

  scripts/reference_mig.py CODES.csv FACTORS.csv [--bins 20]

CODES.csv is [N, D] latent means, FACTORS.csv [N, F] ground-truth factors, comma-separated
without a header. Prints JSON with the score, per-factor gaps, MI matrix [D, F] and factor
entropies, all in nats, unrounded.

Discretisation as in disentanglement_lib utils._histogram_discretize: each code dimension is
np.digitize(x, np.histogram(x, bins)[1][:-1]). disentanglement_lib's factors are already
integer classes; acc's factors are values in [0, 1], so (as in acc) a factor with at most
`bins` distinct values uses them as classes and any other factor is discretised like a code.
"""
import argparse
import json

import numpy as np
import sklearn.metrics


def histogram_discretize(x, bins):
    return np.digitize(x, np.histogram(x, bins)[1][:-1])


def factor_classes(y, bins):
    values, inverse = np.unique(y, return_inverse=True)
    return inverse if len(values) <= bins else histogram_discretize(y, bins)


def mig(codes, factors, bins):
    codes = np.asarray(codes, dtype=np.float64)
    factors = np.asarray(factors, dtype=np.float64)
    z = [histogram_discretize(codes[:, i], bins) for i in range(codes.shape[1])]
    v = [factor_classes(factors[:, j], bins) for j in range(factors.shape[1])]
    mi = np.array([[sklearn.metrics.mutual_info_score(vj, zi) for vj in v] for zi in z])
    entropy = np.array([sklearn.metrics.mutual_info_score(vj, vj) for vj in v])
    top = np.sort(mi, axis=0)[::-1]
    second = top[1] if mi.shape[0] > 1 else np.zeros(mi.shape[1])
    varies = entropy > 0
    gaps = (top[0, varies] - second[varies]) / entropy[varies]
    return {
        "score": float(np.mean(gaps)) if gaps.size else None,
        "per_factor": [float(g) for g in gaps],
        "mi": mi.tolist(),
        "entropies": entropy.tolist(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("codes")
    parser.add_argument("factors")
    parser.add_argument("--bins", type=int, default=20)
    args = parser.parse_args()
    codes = np.loadtxt(args.codes, delimiter=",", ndmin=2, dtype=np.float32)
    factors = np.loadtxt(args.factors, delimiter=",", ndmin=2, dtype=np.float32)
    print(json.dumps(mig(codes, factors, args.bins)))


if __name__ == "__main__":
    main()
