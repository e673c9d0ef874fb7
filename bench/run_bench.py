"""`make bench`: every row compares acc with a peer on this machine, in this invocation, on the
same data and settings, and reports a ratio. Each measurement is repeated (--repeats, default
3) and the median reported. Prints one table and writes bench/results/bench-<UTC time>.json
(plus latest.json). What each row measures and how to read it: bench/README.md.

Threads: every process gets OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, MKL_NUM_THREADS=1 and
NUMBA_NUM_THREADS=1; acc and acc_bench also get --threads 1 (LibTorch intra-op and OpenBLAS's
own pool), the PyTorch peer torch.set_num_threads(1). Goals are reported, never asserted.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = sys.executable

THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1"}


def env():
    e = dict(os.environ)
    e.update(THREAD_ENV)
    e.setdefault("ACC_DATA", os.path.join(ROOT, "data"))
    return e


def run(cmd, cwd=None):
    """Runs cmd; returns (stdout, wall seconds, peak RSS in MB of that process alone)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), cwd=cwd)
    out, err = p.stdout.read(), p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{err.decode()[-2000:]}")
    return out.decode(), wall, usage.ru_maxrss / 1024.0


def busy_cores(seconds=1.0):
    """Cores' worth of CPU time used by anything over `seconds` (0 on an idle machine)."""
    def read():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t0, i0 = read()
    time.sleep(seconds)
    t1, i1 = read()
    return (os.cpu_count() or 1) * (1 - (i1 - i0) / max(1, t1 - t0))


def events(run_dir):
    with open(os.path.join(run_dir, "events.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def event_time(e):
    return datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()


def med(xs):
    return statistics.median(xs)


# ---------------------------------------------------------------- row 1: training throughput
# (model, image size, steps, recipe ops after load/create, peer tasks live in peer_train.py)
TRAIN_MODELS = [
    ("linear_ae", 28, 3000, "hidden: 64", [("reconstruction", 1.0)]),
    ("conv_ae", 28, 300, "latent: 16", [("reconstruction", 1.0)]),
    ("conv_vae", 28, 300, "latent: 16", [("reconstruction", 1.0), ("kl", 1.0)]),
    ("factor_slot_vae", 32, 150, "image_size: 32", [("reconstruction", 1.0), ("kl", 0.01)]),
]


def train_recipe(model, size, steps, model_opt, tasks, seed):
    ops = [f"  - op: load_dataset\n    name: mnist\n    image_size: {size}",
           f"  - op: create_model\n    model: {model}\n    {model_opt}"]
    for task, weight in tasks:
        ops.append(f"  - op: attach_task\n    task: {task}\n    dataset: mnist\n    weight: {weight}")
    ops.append(f"  - op: train\n    steps: {steps}\n    lr: 0.001\n    batch_size: 128")
    return f"name: bench_{model}\nseed: {seed}\nops:\n" + "\n".join(ops) + "\n"


def acc_train(acc, work, model, size, steps, model_opt, tasks, rep):
    recipe = os.path.join(work, f"train_{model}.yaml")
    with open(recipe, "w") as f:
        f.write(train_recipe(model, size, steps, model_opt, tasks, seed=rep))
    run_id = f"train_{model}_{rep}"
    _, _, rss = run([acc, "run", recipe, "--runs", os.path.join(work, "runs"), "--run-id", run_id,
                     "--threads", "1", "-q"])
    ev = events(os.path.join(work, "runs", run_id))
    progress = [e["payload"] for e in ev if e["type"] == "train.progress"][-1]
    metrics = [e["payload"] for e in ev if e["type"] == "train.metrics"][-1]
    assert progress["phase_step"] == steps
    shutil.rmtree(os.path.join(work, "runs", run_id))
    return {"steps_per_second": progress["steps_per_second"], "final_loss": metrics["loss"],
            "max_rss_mb": rss}


def peer_train(model, size, steps, rep):
    out, _, rss = run([PY, os.path.join(HERE, "peer_train.py"), "--model", model, "--steps",
                       str(steps), "--image-size", str(size), "--seed", str(rep), "--threads", "1"])
    r = json.loads(out)
    return {"steps_per_second": r["steps_per_second"], "final_loss": r["final_loss"],
            "max_rss_mb": rss}


def row_train(acc, work, repeats, models):
    rows = []
    for model, size, steps, model_opt, tasks in TRAIN_MODELS:
        if models and model not in models:
            continue
        a, p = [], []
        for rep in range(repeats):  # interleaved, so drift in machine load hits both sides
            a.append(acc_train(acc, work, model, size, steps, model_opt, tasks, rep))
            p.append(peer_train(model, size, steps, rep))
        row = {"model": model, "image_size": size, "steps": steps, "batch": 128,
               "acc": a, "peer": p}
        for side, rs in (("acc", a), ("peer", p)):
            for key in ("steps_per_second", "final_loss", "max_rss_mb"):
                row[f"{side}_{key}"] = med([r[key] for r in rs])
        row["ratio"] = row["acc_steps_per_second"] / row["peer_steps_per_second"]
        row["goal"] = 1.25 if model == "linear_ae" else 1.0
        row["goal_met"] = row["ratio"] >= row["goal"]
        print(f"  row 1 {model}: acc {row['acc_steps_per_second']:.1f} steps/s, "
              f"pytorch {row['peer_steps_per_second']:.1f} steps/s", file=sys.stderr)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- row 2: instrumentation overhead
def overhead_recipe(steps):
    return f"""name: bench_overhead
seed: 0
ops:
  - op: load_dataset
    name: mnist
  - op: create_model
    model: linear_ae
    hidden: 64
  - op: attach_task
    task: reconstruction
    dataset: mnist
  - op: phase
    name: train
  - op: save_checkpoint
    tag: init
  - op: train
    steps: {steps}
    lr: 0.001
    batch_size: 128
  - op: save_checkpoint
    tag: trained
"""


def row_overhead(acc, bench, work, repeats, steps):
    recipe = os.path.join(work, "overhead.yaml")
    with open(recipe, "w") as f:
        f.write(overhead_recipe(steps))
    a, b = [], []
    for rep in range(repeats):
        run_id = f"overhead_{rep}"
        # No -q: the progress line is drawn (into a pipe), as a user would see it.
        run([acc, "run", recipe, "--runs", os.path.join(work, "runs"), "--run-id", run_id,
             "--threads", "1"])
        ev = events(os.path.join(work, "runs", run_id))
        start = next(e for e in ev if e["type"] == "phase.started"
                     and e["payload"].get("phase") == "train")
        end = next(e for e in ev if e["type"] == "run.completed")
        a.append(event_time(end) - event_time(start))
        shutil.rmtree(os.path.join(work, "runs", run_id))
        out, _, _ = run([bench, "--threads", "1", "loop", "--data",
                         os.path.join(env()["ACC_DATA"], "mnist"), "--steps", str(steps),
                         "--seed", str(rep)])
        b.append(json.loads(out)["seconds"])
    row = {"steps": steps, "acc_seconds": a, "bare_seconds": b,
           "acc_median_seconds": med(a), "bare_median_seconds": med(b)}
    row["overhead"] = row["acc_median_seconds"] / row["bare_median_seconds"] - 1
    row["goal_met"] = row["overhead"] <= 0.03
    print(f"  row 2: acc {med(a):.3f} s, bare {med(b):.3f} s", file=sys.stderr)
    return row


# ---------------------------------------------------------------- row 6: debugger cost
def row_debugger(bench, repeats, steps):
    """The step-wise debugger attached to the trainer but not engaged (acc run's default)
    against no debugger: acc_bench trains linear_ae in alternating 500-step blocks with and
    without it in one process (ABBA order), so machine-load drift hits both sides."""
    blocks = max(1, steps // 500)
    a, b = [], []
    for rep in range(repeats):
        out, _, _ = run([bench, "--threads", "1", "debugger", "--data",
                         os.path.join(env()["ACC_DATA"], "mnist"), "--blocks", str(blocks)])
        r = json.loads(out)
        a.append(r["attached_seconds"])
        b.append(r["detached_seconds"])
    row = {"steps": blocks * 500, "attached_seconds": a, "detached_seconds": b,
           "attached_median_seconds": med(a), "detached_median_seconds": med(b)}
    row["overhead"] = med([x / y - 1 for x, y in zip(a, b)])
    row["goal_met"] = row["overhead"] <= 0.01
    print(f"  row 6: attached {med(a):.3f} s, detached {med(b):.3f} s", file=sys.stderr)
    return row


# ---------------------------------------------------------------- row 3: fork cost
def disk_bytes(root):
    """Bytes allocated under root, each inode counted once (hard links are free)."""
    seen, total = set(), 0
    for d, _, files in os.walk(root):
        for name in files + [""]:
            st = os.lstat(os.path.join(d, name)) if name else os.lstat(d)
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def apparent_new_bytes(root):
    """Sum of file sizes under root whose inode has a single link (i.e. not shared)."""
    total = 0
    for d, _, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(d, name))
            if st.st_nlink == 1:
                total += st.st_size
    return total


def row_fork(acc, work, repeats):
    rows = []
    runs = os.path.join(work, "runs")
    baseline = [run([acc, "--version", "--full"])[1] for _ in range(repeats)]
    for label, hidden in (("small", 16), ("large", 8192)):
        recipe = os.path.join(work, f"fork_{label}.yaml")
        with open(recipe, "w") as f:
            f.write(f"""name: bench_fork_{label}
seed: 0
ops:
  - op: load_dataset
    name: mnist
    train_limit: 512
  - op: create_model
    model: linear_ae
    hidden: {hidden}
  - op: attach_task
    task: reconstruction
    dataset: mnist
  - op: train
    steps: 1
    batch_size: 16
  - op: save_checkpoint
    tag: base
""")
        run_id = f"fork_{label}"
        run([acc, "run", recipe, "--runs", runs, "--run-id", run_id, "--threads", "1", "-q"])
        run_dir = os.path.join(runs, run_id)
        ckpts = os.path.join(run_dir, "checkpoints")
        base_dir = next(os.path.join(ckpts, d) for d in os.listdir(ckpts)
                        if os.path.isfile(os.path.join(ckpts, d, "state.pt")))
        state_bytes = os.path.getsize(os.path.join(base_dir, "state.pt"))
        times, written, new_files = [], [], []
        for rep in range(repeats):
            before_dirs = set(os.listdir(ckpts))
            before = disk_bytes(run_dir)
            _, wall, _ = run([acc, "fork", f"{run_id}/base", "--tag", f"f{rep}", "--runs", runs])
            times.append(wall)
            written.append(disk_bytes(run_dir) - before)
            new = [os.path.join(ckpts, d) for d in set(os.listdir(ckpts)) - before_dirs]
            new_files.append(sum(apparent_new_bytes(d) for d in new))
        rows.append({"model": f"linear_ae hidden {hidden}", "size": label,
                     "state_pt_bytes": state_bytes, "fork_seconds": times,
                     "fork_median_seconds": med(times),
                     "disk_bytes_added": written, "disk_bytes_added_median": med(written),
                     "unshared_file_bytes_median": med(new_files)})
        shutil.rmtree(run_dir)
        print(f"  row 3 {label}: fork {med(times):.3f} s, +{med(written)} B on disk", file=sys.stderr)
    small, large = rows
    for r in rows:
        r["fork_net_seconds"] = r["fork_median_seconds"] - med(baseline)
    summary = {"rows": rows, "acc_version_seconds_median": med(baseline),
               "size_ratio_state_pt": large["state_pt_bytes"] / small["state_pt_bytes"],
               "time_ratio_large_small": large["fork_median_seconds"] / small["fork_median_seconds"],
               "unshared_bytes_ratio_large_small":
                   large["unshared_file_bytes_median"] / max(1, small["unshared_file_bytes_median"])}
    # "Independent of size": within 25% (time) and 10% (bytes) across a ~500x larger state.
    summary["goal_met"] = (summary["time_ratio_large_small"] <= 1.25
                           and summary["unshared_bytes_ratio_large_small"] <= 1.10)
    return summary


# ---------------------------------------------------------------- row 4: projections
def latents(rows, dims=16, clusters=10, seed=0):
    """A fixed Gaussian mixture standing in for 16-D latent means (10 classes, anisotropic)."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3.0, (clusters, dims))
    scales = rng.uniform(0.3, 1.5, (clusters, dims))
    label = rng.integers(0, clusters, rows)
    return (centers[label] + rng.normal(0, 1, (rows, dims)) * scales[label]).astype(np.float32)


def recall(found, exact):
    hits = sum(len(set(f) & set(e)) for f, e in zip(found.tolist(), exact.tolist()))
    return hits / exact.size


def row_projections(bench, work, repeats, sizes):
    rows = []
    for n in sizes:
        x = latents(n)
        data = os.path.join(work, f"latents_{n}.f32")
        x.tofile(data)
        peer_emb, peer_knn = os.path.join(work, f"peer_umap_{n}.f32"), os.path.join(work, f"peer_knn_{n}.i64")
        acc_knn = os.path.join(work, f"acc_knn_{n}.i64")
        out, _, _ = run([PY, os.path.join(HERE, "peer_projections.py"), "--input", data, "--rows",
                         str(n), "--dims", "16", "--repeats", str(repeats),
                         "--embedding-out", peer_emb, "--knn-out", peer_knn])
        peer = json.loads(out)
        accs = []
        for rep in range(repeats):
            cmd = [bench, "--threads", "1", "project", "--input", data, "--rows", str(n),
                   "--dims", "16", "--knn-out", acc_knn]
            if rep == repeats - 1:
                cmd += ["--peer-embedding", peer_emb]
            accs.append(json.loads(run(cmd)[0]))
        exact = np.fromfile(acc_knn, dtype=np.int64).reshape(n, 15)
        found = np.fromfile(peer_knn, dtype=np.int64).reshape(n, 15)
        row = {"rows": n, "dims": 16, "peer": peer, "acc": accs}
        for name in ("pca", "knn", "umap"):
            row[f"acc_{name}_seconds"] = med([a[f"{name}_seconds"] for a in accs])
            row[f"peer_{name}_seconds"] = peer[f"{name}_seconds"]
            row[f"{name}_speedup"] = row[f"peer_{name}_seconds"] / row[f"acc_{name}_seconds"]
        row["acc_knn_recall"] = 1.0  # it is the exact answer the recall is measured against
        row["peer_knn_recall"] = recall(found, exact)
        row["acc_umap_trustworthiness"] = accs[-1]["umap_trustworthiness"]
        row["peer_umap_trustworthiness"] = accs[-1]["peer_umap_trustworthiness"]
        row["goal_met"] = (row["umap_speedup"] >= 1.0 and row["acc_umap_trustworthiness"]
                           >= row["peer_umap_trustworthiness"] - 0.01)
        print(f"  row 4 {n}: umap acc {row['acc_umap_seconds']:.2f} s, "
              f"umap-learn {row['peer_umap_seconds']:.2f} s", file=sys.stderr)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- row 5: viewer
# Each logged step writes one train.metrics and one train.progress event, so 49,990 steps with
# log_every 1 plus the run's own events come to ~100,000 lines. linear_ae at batch 32 trains at
# ~3,000 steps/s; the 70,000-point UMAP (split: all) is most of the fixture's ~1.5 minutes.
VIEWER_STEPS = 49990
VIEWER_FIXTURE = os.path.join(tempfile.gettempdir(), "acc_bench_viewer_fixture")


def viewer_recipe(steps):
    return f"""name: bench_viewer
seed: 0
ops:
  - op: load_dataset
    name: fashion
    source: fashion_mnist
  - op: create_model
    model: linear_ae
    hidden: 16
  - op: attach_task
    task: reconstruction
    dataset: fashion
  - op: train
    steps: {steps}
    batch_size: 32
    log_every: 1
  - op: save_checkpoint
    tag: trained
  - op: evaluate
    artifacts: [umap]
    split: all
"""


def viewer_fixture(acc, cache, steps):
    """A real acc run with ~100k events and a 70k-point UMAP, made once and reused while the
    recipe and the acc binary are unchanged (the key names both), so repeats never retrain."""
    recipe = viewer_recipe(steps)
    with open(acc, "rb") as f:
        key = hashlib.sha256(recipe.encode() + f.read()).hexdigest()[:12]
    runs = os.path.join(cache, "runs")
    run_id = f"viewer_{key}"
    run_dir = os.path.join(runs, run_id)
    made = False
    if not os.path.isfile(os.path.join(run_dir, "web", "manifest.json")):
        shutil.rmtree(runs, ignore_errors=True)  # an older key or a half-made fixture
        os.makedirs(runs)
        path = os.path.join(cache, "viewer.yaml")
        with open(path, "w") as f:
            f.write(recipe)
        print(f"  row 5: making the fixture run ({steps} steps + 70k UMAP)...", file=sys.stderr)
        run([acc, "run", path, "--runs", runs, "--run-id", run_id, "--threads", "1", "-q"])
        made = True
    ev = events(run_dir)
    proj = [e["payload"] for e in ev if e["type"] == "artifact.created"
            and e["payload"].get("name") == "latent_2d_umap" and e["payload"].get("format") == "json"][-1]
    with open(os.path.join(run_dir, proj["path"])) as f:
        points = json.load(f)["n"]
    with open(os.path.join(run_dir, "web", "manifest.json")) as f:
        mirrored = json.load(f)["events"]["lines"]
    return {"runs_root": runs, "run_id": run_id, "node": proj["tag"], "projection": proj["path"],
            "events": len(ev), "events_mirrored": mirrored, "points": points, "made_now": made,
            "train_metrics_events": sum(e["type"] == "train.metrics" for e in ev)}


def row_viewer(acc, repeats, cache, steps):
    fx = viewer_fixture(acc, cache, steps)
    # The script interleaves viewer and floor itself, in one Chromium, a fresh context each.
    out, _, _ = run(["node", os.path.join(HERE, "viewer_bench.mjs"), "--root", fx["runs_root"],
                     "--run-id", fx["run_id"], "--node", fx["node"], "--projection", fx["projection"],
                     "--metrics", str(fx["train_metrics_events"]), "--events", str(fx["events_mirrored"]),
                     "--points", str(fx["points"]), "--repeats", str(repeats)])
    r = json.loads(out)
    reps = r["repeats"]
    pick = lambda side, view, key: med([x[side][view][key] / 1000.0 for x in reps])
    row = {"fixture": fx, "chromium": r["chromium"], "poll_ms": r["poll_ms"], "repeats": reps,
           "page_errors": sorted({e for x in reps for e in x["errors"]}),
           "viewer_overview_seconds": pick("viewer", "overview", "ms"),
           "viewer_explorer_drawn_seconds": pick("viewer", "explorer", "drawn_ms"),
           "viewer_explorer_interactive_seconds": pick("viewer", "explorer", "interactive_ms"),
           "viewer_events_seconds": pick("viewer", "events", "ms"),
           "floor_overview_seconds": pick("floor", "overview", "ms"),
           "floor_explorer_seconds": pick("floor", "explorer", "ms"),
           "floor_overview_loaded_seconds": pick("floor", "overview", "loaded_ms"),
           "floor_overview_parsed_seconds": pick("floor", "overview", "parsed_ms")}
    # viewer/dist is a build product that other work may rebuild; say which bundle was measured.
    with open(os.path.join(ROOT, "viewer", "dist", "viewer.js"), "rb") as f:
        row["viewer_bundle_sha256"] = hashlib.sha256(f.read()).hexdigest()[:16]
    # The busy check before the row covers one second; the row takes minutes on a shared machine.
    row["loadavg_1min_after"] = os.getloadavg()[0]
    row["overview_ratio"] = row["viewer_overview_seconds"] / row["floor_overview_seconds"]
    row["explorer_ratio"] = row["viewer_explorer_interactive_seconds"] / row["floor_explorer_seconds"]
    row["events_ratio"] = row["viewer_events_seconds"] / row["floor_overview_seconds"]
    row["goal_seconds"] = 2.0
    row["goal_met"] = max(row["viewer_overview_seconds"], row["viewer_explorer_interactive_seconds"],
                          row["viewer_events_seconds"]) <= row["goal_seconds"]
    print(f"  row 5: overview {row['viewer_overview_seconds']:.2f} s (floor "
          f"{row['floor_overview_seconds']:.2f} s), explorer {row['viewer_explorer_interactive_seconds']:.2f} s "
          f"(floor {row['floor_explorer_seconds']:.2f} s)", file=sys.stderr)
    return row


# ---------------------------------------------------------------- row 7: start-up of short commands
# The torch-free front-end against what every command cost before it (a LibTorch-linked
# binary: acc-torch --help, ~290 shared libraries) and against the Python start-up of the
# trackers users know (python3 -c 'import torch'). Median wall and peak RSS of >= 10 runs.
STARTUP_GOAL_MS, STARTUP_GOAL_MB = 50.0, 20.0


def row_startup(acc, work, repeats):
    runs = os.path.join(work, "startup_runs")
    run([acc, "run", "quickstart", "--set", "steps=20", "--runs", runs, "--run-id", "s", "--threads", "1"])
    n = max(10, repeats)
    torch_half = os.path.join(os.path.dirname(acc), "acc-torch")
    commands = {
        "acc --help": [acc, "--help"],
        "acc --version": [acc, "--version"],
        "acc ls": [acc, "ls", "--runs", runs],
        "acc tree": [acc, "tree", "s", "--runs", runs],
        "acc events": [acc, "events", "s", "--runs", runs],
        "acc recipes": [acc, "recipes"],
        "acc viewer": [acc, "viewer", "--runs", runs],
    }
    peers = {"acc-torch --help (LibTorch-linked)": [torch_half, "--help"],
             "python3 -c 'import torch'": ["/usr/bin/python3", "-c", "import torch"]}

    def measure(cmd):
        # Wall from run(); peak RSS from GNU time in a separate run, because the ru_maxrss
        # that run() reads for a child forked from this Python process includes the pages the
        # child had before exec (~35 MB of Python) and would hide a small command's own size.
        walls, rss = [], []
        for _ in range(n):
            walls.append(run(cmd)[1] * 1000)
            out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env(), capture_output=True, text=True)
            rss.append(int(out.stderr.strip().splitlines()[-1]) / 1024.0)
        return {"median_ms": med(walls), "median_rss_mb": med(rss), "runs": n}

    out = {"commands": {k: measure(v) for k, v in commands.items()},
           "peers": {k: measure(v) for k, v in peers.items()},
           "goal_ms": STARTUP_GOAL_MS, "goal_mb": STARTUP_GOAL_MB}
    base = out["peers"]["acc-torch --help (LibTorch-linked)"]
    for r in out["commands"].values():
        r["speedup_vs_torch_linked"] = base["median_ms"] / r["median_ms"]
        r["goal_met"] = r["median_ms"] <= STARTUP_GOAL_MS and r["median_rss_mb"] <= STARTUP_GOAL_MB
    return out


# ---------------------------------------------------------------- row 8: clean build
# A cold build of every target in a fresh build directory (ccache off), 2 jobs: CPU-seconds
# summed over the ninja log's edges, as the issue measured the old build (4,115 CPU-s,
# ~34 min wall for all targets on this kind of machine).
OLD_BUILD_CPU_SECONDS = 4115.0


def row_build(work):
    build = os.path.join(work, "cold_build")
    e = env()
    e["CCACHE_DISABLE"] = "1"
    subprocess.run(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"],
                   check=True, env=e, stdout=subprocess.DEVNULL)
    t = time.perf_counter()
    subprocess.run(["cmake", "--build", build, "-j2"], check=True, env=e, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    cpu, edges, slowest = 0.0, 0, []
    with open(os.path.join(build, ".ninja_log")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            start, end, _, target, _ = line.rstrip("\n").split("\t")
            seconds = (int(end) - int(start)) / 1000
            cpu += seconds
            edges += 1
            slowest.append((seconds, target))
    slowest.sort(reverse=True)
    shutil.rmtree(build, ignore_errors=True)
    return {"cpu_seconds": cpu, "wall_seconds": wall, "edges": edges,
            "slowest": [{"seconds": s, "target": t} for s, t in slowest[:5]],
            "old_cpu_seconds": OLD_BUILD_CPU_SECONDS, "ratio_vs_old": OLD_BUILD_CPU_SECONDS / cpu,
            "goal_met": cpu <= 1200 and wall <= 600}


# ---------------------------------------------------------------- table
# ---------------------------------------------------------------- row 9: k-means
def mnist_train_pixels(limit=None):
    """The bundled MNIST train split from data/mnist (IDX, gzip) as float32 [N, 784] in [0, 1]."""
    import gzip
    d = os.path.join(os.environ.get("ACC_DATA", os.path.join(ROOT, "data")), "mnist")
    with gzip.open(os.path.join(d, "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    with gzip.open(os.path.join(d, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    x = (images.reshape(-1, 784).astype(np.float32) / 255.0)
    return (x[:limit], labels[:limit]) if limit else (x, labels)


def cluster_scores(assign, labels, k, c):
    """Hungarian accuracy (scipy's linear_sum_assignment) and NMI (sklearn): one scorer for both sides."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import normalized_mutual_info_score
    conf = np.zeros((k, c), dtype=np.int64)
    np.add.at(conf, (assign, labels), 1)
    r, col = linear_sum_assignment(-conf)
    return {"accuracy": float(conf[r, col].sum() / len(labels)),
            "nmi": float(normalized_mutual_info_score(labels, assign))}


def row_kmeans(bench, work, repeats, k=10, restarts=10):
    """acc's k-means against scikit-learn's on the same pixels: inertia and accuracy within 1%."""
    x, labels = mnist_train_pixels()
    data = os.path.join(work, "kmeans_pixels.f32")
    x.tofile(data)
    n, dims = x.shape
    sides = {}
    for side in ("acc", "peer"):
        out = os.path.join(work, f"kmeans_{side}.i64")
        cmd = ([bench, "--threads", "1", "kmeans"] if side == "acc"
               else [PY, os.path.join(HERE, "peer_kmeans.py")])
        cmd += ["--input", data, "--rows", str(n), "--dims", str(dims), "--k", str(k),
                "--restarts", str(restarts), "--seed", "0", "--assignments-out", out]
        reps = [json.loads(run(cmd)[0]) for _ in range(repeats)]
        res = {"repeats": reps, "inertia": reps[-1]["inertia"],
               "seconds": med([r["seconds"] for r in reps])}
        res.update(cluster_scores(np.fromfile(out, dtype=np.int64), labels, k, 10))
        sides[side] = res
    a, p = sides["acc"], sides["peer"]
    row = {"points": n, "dims": dims, "k": k, "restarts": restarts, "acc": a, "peer": p,
           "inertia_ratio": a["inertia"] / p["inertia"],
           "accuracy_difference": a["accuracy"] - p["accuracy"],
           "seconds_ratio": p["seconds"] / a["seconds"]}
    row["goal_met"] = (abs(row["inertia_ratio"] - 1) <= 0.01
                       and abs(row["accuracy_difference"]) <= 0.01 * p["accuracy"])
    print(f"  row 9: inertia acc {a['inertia']:.1f} sklearn {p['inertia']:.1f}, "
          f"accuracy {a['accuracy']:.4f} vs {p['accuracy']:.4f}", file=sys.stderr)
    return row


def table(res):
    lines = [f"acc bench  {res['time']}  {res['machine']}  threads 1 everywhere  "
             f"median of {res['repeats']}"]
    busy = res.get("busy_cores", {})
    lines.append("CPU busy before each row (cores): " + ", ".join(
        f"row {k} {v:.2f}" for k, v in busy.items()) + (
        "  WARNING: other work was running; ratios may be skewed"
        if any(v > 0.3 for v in busy.values()) else ""))
    lines.append("")
    w = lines.append
    w(f"{'row':<4} {'what':<34} {'acc':>14} {'peer':>14} {'ratio':>8}  goal")
    ok = lambda g: "met" if g else "MISSED"
    for r in res.get("train", []):
        w(f"{'1':<4} {r['model'] + ' steps/s':<34} {r['acc_steps_per_second']:>14.1f} "
          f"{r['peer_steps_per_second']:>14.1f} {r['ratio']:>7.2f}x  >= {r['goal']:.2f}x {ok(r['goal_met'])}")
        w(f"{'':<4} {'  final loss (' + str(r['steps']) + ' steps)':<34} {r['acc_final_loss']:>14.4f} "
          f"{r['peer_final_loss']:>14.4f}")
    if "overhead" in res:
        o = res["overhead"]
        w(f"{'2':<4} {'linear_ae ' + str(o['steps']) + ' steps, s (vs bare)':<34} "
          f"{o['acc_median_seconds']:>14.3f} {o['bare_median_seconds']:>14.3f} "
          f"{1 + o['overhead']:>7.3f}x  overhead {100 * o['overhead']:+.1f}% <= 3% {ok(o['goal_met'])}")
    if "debugger" in res:
        o = res["debugger"]
        w(f"{'6':<4} {'debugger attached, s (vs none)':<34} "
          f"{o['attached_median_seconds']:>14.3f} {o['detached_median_seconds']:>14.3f} "
          f"{1 + o['overhead']:>7.3f}x  overhead {100 * o['overhead']:+.1f}% <= 1% {ok(o['goal_met'])}")
    if "fork" in res:
        f = res["fork"]
        for r in f["rows"]:
            w(f"{'3':<4} {'fork ' + r['size'] + ' (state ' + format(r['state_pt_bytes'] / 1e6, '.2f') + ' MB), s':<34} "
              f"{r['fork_median_seconds']:>14.3f} {'':>14}  (minus start-up: {r['fork_net_seconds']:.3f} s)")
            w(f"{'':<4} {'  bytes on disk / unshared bytes':<34} {r['disk_bytes_added_median']:>14.0f} "
              f"{r['unshared_file_bytes_median']:>14.0f}")
        w(f"{'':<4} {'  large/small: time, bytes':<34} {f['time_ratio_large_small']:>14.2f} "
          f"{f['unshared_bytes_ratio_large_small']:>14.2f} {'':>8}  size-independent {ok(f['goal_met'])}")
        w(f"{'':<4} {'  (acc --version start-up, s)':<34} {f['acc_version_seconds_median']:>14.3f}")
    for r in res.get("projections", []):
        n = r["rows"]
        for name in ("pca", "knn", "umap"):
            extra = "  >= 1.00x " + ok(r["umap_speedup"] >= 1.0) if name == "umap" else ""
            w(f"{'4':<4} {name + ' ' + str(n) + 'x16, s (peer/acc)':<34} {r['acc_' + name + '_seconds']:>14.3f} "
              f"{r['peer_' + name + '_seconds']:>14.3f} {r[name + '_speedup']:>7.2f}x{extra}")
        w(f"{'':<4} {'  kNN recall vs exact':<34} {r['acc_knn_recall']:>14.4f} {r['peer_knn_recall']:>14.4f}")
        d = r["acc_umap_trustworthiness"] - r["peer_umap_trustworthiness"]
        w(f"{'':<4} {'  UMAP trustworthiness k=15':<34} {r['acc_umap_trustworthiness']:>14.4f} "
          f"{r['peer_umap_trustworthiness']:>14.4f} {d:>+8.4f}  >= -0.01 {ok(d >= -0.01)}")
    if "viewer" in res:
        v = res["viewer"]
        goal = f"<= {v['goal_seconds']:.0f} s "
        for what, mine, floor, ratio in (
                ("overview: every event plotted, s", "overview", "overview", "overview_ratio"),
                ("explorer: points + hover, s", "explorer_interactive", "explorer", "explorer_ratio"),
                ("events log: every event listed, s", "events", "overview", "events_ratio")):
            t = v[f"viewer_{mine}_seconds"]
            w(f"{'5':<4} {what:<34} {t:>14.3f} {v['floor_' + floor + '_seconds']:>14.3f} "
              f"{v[ratio]:>7.2f}x  {goal}{ok(t <= v['goal_seconds'])}")
        w(f"{'':<4} {'  explorer: points drawn, s':<34} {v['viewer_explorer_drawn_seconds']:>14.3f}")
        w(f"{'':<4} {'  floor: script tags all run, s':<34} {'':>14} {v['floor_overview_loaded_seconds']:>14.3f}")
        w(f"{'':<4} {'  floor: + every line parsed, s':<34} {'':>14} {v['floor_overview_parsed_seconds']:>14.3f}")
        w(f"{'':<4} {'  1-min load average after the row':<34} {v['loadavg_1min_after']:>14.2f}")
        fx = v["fixture"]
        w(f"{'':<4} {'  fixture: events / points':<34} {fx['events']:>14} {fx['points']:>14}"
          + (f"  page errors: {len(v['page_errors'])}" if v["page_errors"] else ""))
    if "startup" in res:
        st = res["startup"]
        for name, r in list(st["commands"].items()) + list(st["peers"].items()):
            is_acc = name in st["commands"]
            extra = (f"{r['speedup_vs_torch_linked']:>7.1f}x  <= {st['goal_ms']:.0f} ms, "
                     f"<= {st['goal_mb']:.0f} MB {ok(r['goal_met'])}") if is_acc else "  (peer)"
            w(f"{'7':<4} {(name + ', ms (MB)')[:34]:<34} {r['median_ms']:>14.1f} "
              f"{'(' + format(r['median_rss_mb'], '.1f') + ' MB)':>14}{extra}")
    if "build" in res:
        b = res["build"]
        w(f"{'8':<4} {'clean build, CPU-s (vs old build)':<34} {b['cpu_seconds']:>14.0f} "
          f"{b['old_cpu_seconds']:>14.0f} {b['ratio_vs_old']:>7.2f}x  <= 1200 CPU-s, <= 600 s wall {ok(b['goal_met'])}")
        w(f"{'':<4} {'  wall, s (2 jobs)':<34} {b['wall_seconds']:>14.0f}")
    if "kmeans" in res:
        r = res["kmeans"]
        w(f"{'9':<4} {'k-means MNIST pixels, inertia':<34} {r['acc']['inertia']:>14.1f} "
          f"{r['peer']['inertia']:>14.1f} {r['inertia_ratio']:>7.4f}x  within 1% {ok(abs(r['inertia_ratio'] - 1) <= 0.01)}")
        w(f"{'':<4} {'  accuracy (Hungarian) / NMI':<34} {r['acc']['accuracy']:>14.4f} "
          f"{r['peer']['accuracy']:>14.4f} {r['accuracy_difference']:>+8.4f}  within 1% {ok(r['goal_met'])}")
        w(f"{'':<4} {'  seconds (peer/acc)':<34} {r['acc']['seconds']:>14.2f} {r['peer']['seconds']:>14.2f} "
          f"{r['seconds_ratio']:>7.2f}x")
    for r in res.get("train", []):
        w(f"{'6':<4} {r['model'] + ' peak RSS, MB':<34} {r['acc_max_rss_mb']:>14.1f} "
          f"{r['peer_max_rss_mb']:>14.1f} {r['acc_max_rss_mb'] / r['peer_max_rss_mb']:>7.2f}x")
    w("")
    w("peers: 1 = PyTorch (python3-torch) same model/loop; 2 = bare C++ loop (acc_bench loop); "
      "4 = scikit-learn / umap-learn; 9 = scikit-learn KMeans; 5 = the floor page (bench/viewer_floor.html);\n"
      "7 = a LibTorch-linked binary (what every acc command cost before the front-end) and Python's import torch; "
      "8 = the old build's CPU-seconds (4,115).\n"
      "ratio = acc/peer for speeds, peer/acc for seconds; row 5: viewer/floor (lower is better).")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--rows", default="1,2,3,4,5,6,7,8,9", help="comma-separated rows to run")
    p.add_argument("--models", default="", help="row 1 models (comma-separated; default all)")
    p.add_argument("--overhead-steps", type=int, default=10000)
    p.add_argument("--sizes", default="10000,70000", help="row 4 point counts")
    p.add_argument("--viewer-steps", type=int, default=VIEWER_STEPS,
                   help="row 5 fixture: training steps, two events each")
    p.add_argument("--viewer-fixture", default=VIEWER_FIXTURE,
                   help="row 5: where the fixture run is kept between invocations")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    a = p.parse_args()
    acc, bench = os.path.join(a.build, "acc"), os.path.join(a.build, "acc_bench")
    want = set(a.rows.split(","))
    res = {"time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "machine": f"{platform.machine()} {os.cpu_count()} cores", "repeats": a.repeats,
           "thread_env": THREAD_ENV, "acc_version": run([acc, "--version", "--full"])[0],
           "busy_cores": {}}
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"bench-{res['time'].replace(':', '')}.json")

    def save():  # after every row, so an interrupted bench keeps what it measured
        res["table"] = table(res)
        for target in (path, os.path.join(a.out, "latest.json")):
            with open(target, "w") as f:
                json.dump(res, f, indent=1)

    with tempfile.TemporaryDirectory(prefix="acc_bench_") as work:
        if "1" in want:
            res["busy_cores"]["1"] = busy_cores()
            res["train"] = row_train(acc, work, a.repeats, [m for m in a.models.split(",") if m])
            save()
        if "2" in want:
            res["busy_cores"]["2"] = busy_cores()
            res["overhead"] = row_overhead(acc, bench, work, a.repeats, a.overhead_steps)
            save()
        if "3" in want:
            res["busy_cores"]["3"] = busy_cores()
            res["fork"] = row_fork(acc, work, a.repeats)
            save()
        if "4" in want:
            res["busy_cores"]["4"] = busy_cores()
            res["projections"] = row_projections(bench, work, a.repeats,
                                                 [int(s) for s in a.sizes.split(",")])
            save()
        if "5" in want:
            res["busy_cores"]["5"] = busy_cores()
            res["viewer"] = row_viewer(acc, a.repeats, a.viewer_fixture, a.viewer_steps)
            save()
        if "6" in want:
            res["busy_cores"]["6"] = busy_cores()
            res["debugger"] = row_debugger(bench, a.repeats, a.overhead_steps)
            save()
        if "7" in want:
            res["busy_cores"]["7"] = busy_cores()
            res["startup"] = row_startup(acc, work, a.repeats)
            save()
        if "9" in want:
            res["busy_cores"]["9"] = busy_cores()
            res["kmeans"] = row_kmeans(bench, work, a.repeats)
            save()
        if "8" in want:
            res["busy_cores"]["8"] = busy_cores()
            res["build"] = row_build(work)
            save()
    print(res["table"])
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
