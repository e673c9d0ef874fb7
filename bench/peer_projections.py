"""Row 4 peer: scikit-learn PCA / NearestNeighbors and umap-learn on the same latents acc gets.

Reads raw float32 [rows, dims], times (median of --repeats, after a small untimed UMAP fit so
numba's JIT compilation is not counted) PCA to 2-D, exact kNN (k = 15, self excluded) and UMAP
to 2-D, writes the last UMAP embedding (raw float32) and kNN indices (raw int64), and prints
one JSON object. umap-learn's n_neighbors = 16 counts the point itself, so its graph is the
same as acc's k = 15 (see core/analysis/umap.h); min_dist 0.1, random_state 0 (which also
makes umap-learn single-threaded, like every other side of the bench).
"""
import argparse
import json
import statistics
import time
import warnings

import numpy as np
import sklearn
import umap
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--dims", type=int, required=True)
    p.add_argument("--k", type=int, default=15)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--embedding-out", required=True)
    p.add_argument("--knn-out", required=True)
    a = p.parse_args()
    warnings.filterwarnings("ignore")
    x = np.fromfile(a.input, dtype=np.float32).reshape(a.rows, a.dims)

    # Untimed warm-up on 5,000 points: above 4,096 umap-learn switches to pynndescent, whose
    # numba kernels would otherwise be compiled inside the first timed fit.
    umap.UMAP(n_neighbors=a.k + 1, min_dist=0.1, random_state=0).fit_transform(x[:5000])
    times = {"pca": [], "knn": [], "umap": []}
    for _ in range(a.repeats):
        _, s = timed(lambda: PCA(n_components=2).fit_transform(x))
        times["pca"].append(s)
        def knn():
            nn = NearestNeighbors(n_neighbors=a.k + 1).fit(x)
            return nn.kneighbors(x, return_distance=False)
        idx, s = timed(knn)
        times["knn"].append(s)
        emb, s = timed(lambda: umap.UMAP(n_neighbors=a.k + 1, min_dist=0.1,
                                         random_state=0).fit_transform(x))
        times["umap"].append(s)

    # Drop each row's self match (first unless an exact duplicate precedes it).
    rows = np.arange(a.rows)[:, None]
    keep = idx != rows
    knn_idx = np.stack([r[m][:a.k] for r, m in zip(idx, keep)]).astype(np.int64)
    knn_idx.tofile(a.knn_out)
    emb.astype(np.float32).tofile(a.embedding_out)
    out = {f"{name}_seconds": statistics.median(v) for name, v in times.items()}
    out["all_seconds"] = times
    out["versions"] = {"sklearn": sklearn.__version__, "umap": umap.__version__}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
