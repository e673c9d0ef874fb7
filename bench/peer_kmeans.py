"""Row 9's peer: scikit-learn KMeans on the same raw float32 points acc_bench kmeans reads.

Same settings as acc's analysis/kmeans.h: k-means++ (sklearn's greedy variant is its default),
n_init restarts, Lloyd, tol 1e-4, max_iter 300, one seed. Prints {"inertia", "iterations",
"seconds"} and writes the assignments as raw int64.
"""
import argparse
import json
import time

import numpy as np
from sklearn.cluster import KMeans


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--dims", type=int, required=True)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--restarts", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--assignments-out", required=True)
    a = p.parse_args()
    x = np.fromfile(a.input, dtype=np.float32).reshape(a.rows, a.dims).astype(np.float64)
    t = time.perf_counter()
    km = KMeans(n_clusters=a.k, init="k-means++", n_init=a.restarts, max_iter=300, tol=1e-4,
                algorithm="lloyd", random_state=a.seed).fit(x)
    seconds = time.perf_counter() - t
    km.labels_.astype(np.int64).tofile(a.assignments_out)
    print(json.dumps({"inertia": float(km.inertia_), "iterations": int(km.n_iter_), "seconds": seconds}))


if __name__ == "__main__":
    main()
