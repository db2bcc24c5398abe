"""Themes on BANKING77: Needle against BERTopic (defaults) on the same MiniLM embeddings.

``python -m benchmarks themes [--data test|train|sizes|subsets] [--scale] [--smoke]``

Quality: NMI and ARI against the gold intents (unthemed / outlier texts count as one label of
their own for both tools), the unthemed share and the theme count. Seconds: embedding (shared by
both, measured once), clustering, labelling. ``--data sizes`` scores four corpus sizes: 1,000 and
2,000 test queries (fixed random subsets), all 3,080 of test and all 13,083 of train + test,
then the spread over random subsets (``--data subsets`` alone): several seeded subsets of 500,
1,000, 2,000 and 5,000 queries drawn from train and from train + test, Needle only, each
reported as the theme count over the true intent count (found / true: min, median, max and how
many fall within 30%) and NMI.
``--scale`` also themes 10,000 pieces end to end in a fresh workspace (store, embedding,
clustering, labels, topics), reports the peak memory of the process, times reading the stored
themes back (``needle themes --json``) and an incremental update of 100.
BERTopic is only imported for the full run (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from needle.evidence.store import EvidenceRecord, add_evidence
from needle.themes.clustering import UNTHEMED, cluster
from needle.themes.embed import embed, load_model
from needle.themes.label import label_themes
from needle.workspace import Workspace

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "banking77" / "banking_data"
SMOKE_TEXTS = 200
# size -> seeds of the random subsets (each holds all or nearly all 77 intents)
SUBSETS = {500: 6, 1000: 8, 2000: 4, 5000: 2}
WITHIN = 0.3  # the theme count's target: within 30% of the true count


@dataclass(frozen=True)
class Row:
    tool: str
    nmi: float
    ari: float
    unthemed: float
    themes: int
    cluster_seconds: float
    label_seconds: float


def _score(tool: str, gold: np.ndarray, labels: np.ndarray, cluster_s: float,
           label_s: float) -> Row:
    outliers = labels == UNTHEMED
    return Row(tool, normalized_mutual_info_score(gold, labels), adjusted_rand_score(gold, labels),
               float(outliers.mean()), len(set(labels[~outliers].tolist())), cluster_s, label_s)


def _timed(work: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def needle_row(texts: list[str], vectors: np.ndarray, gold: np.ndarray) -> Row:
    found, cluster_s = _timed(lambda: cluster(vectors))
    labels = found.labels  # type: ignore[attr-defined]
    groups = [np.flatnonzero(labels == t) for t in range(found.count)]  # type: ignore[attr-defined]
    _, label_s = _timed(lambda: label_themes([[texts[i] for i in g] for g in groups],
                                             [vectors[g] for g in groups],
                                             found.centroids, embed))  # type: ignore[attr-defined]
    return _score("needle", gold, labels, cluster_s, label_s)


def bertopic_rows(texts: list[str], vectors: np.ndarray, gold: np.ndarray) -> list[Row]:
    """BERTopic with its defaults on our vectors, then with its outlier reduction."""
    from bertopic import BERTopic

    model = BERTopic()
    (topics, _), fit_s = _timed(lambda: model.fit_transform(texts, embeddings=vectors))
    plain = _score("bertopic", gold, np.asarray(topics), fit_s, 0.0)
    reduced, reduce_s = _timed(lambda: model.reduce_outliers(
        texts, topics, strategy="embeddings", embeddings=vectors))
    return [plain, _score("bertopic+outliers", gold, np.asarray(reduced), fit_s + reduce_s, 0.0)]


def quality(frame: pd.DataFrame, with_bertopic: bool, vectors: np.ndarray | None = None,
            embed_s: float = 0.0) -> None:
    """One table: Needle (and BERTopic) on ``frame``, embedded here unless ``vectors`` are
    given (with the seconds their embedding took)."""
    texts, gold = list(frame.text), np.asarray(frame.category, dtype=object)
    load_model()
    if vectors is None:
        vectors, embed_s = _timed(lambda: embed(texts))  # type: ignore[assignment]
    rows = [needle_row(texts, vectors, gold)]  # type: ignore[arg-type]
    if with_bertopic:
        rows += bertopic_rows(texts, vectors, gold)  # type: ignore[arg-type]
    print(f"{len(texts)} texts, {frame.category.nunique()} gold intents; "
          f"embedding {embed_s:.1f}s (shared); timings on a shared, busy machine are noisy")
    print(f"{'tool':<18} {'NMI':>6} {'ARI':>6} {'unthemed':>9} {'themes':>7} "
          f"{'cluster s':>10} {'label s':>8} {'total s':>8} {'x needle':>9}")
    base = embed_s + rows[0].cluster_seconds + rows[0].label_seconds
    for row in rows:
        total = embed_s + row.cluster_seconds + row.label_seconds
        print(f"{row.tool:<18} {row.nmi:6.3f} {row.ari:6.3f} {row.unthemed:9.1%} {row.themes:7d} "
              f"{row.cluster_seconds:10.1f} {row.label_seconds:8.1f} {total:8.1f} "
              f"{total / base:9.2f}")


def subsets(frame: pd.DataFrame, vectors: np.ndarray, train_rows: int) -> None:
    """The spread of found / true theme counts and NMI over seeded random subsets."""
    print(f"Random subsets (seeds 0..n-1), Needle only; found/true within {WITHIN:.0%} counts "
          "as on target")
    print(f"{'from':<13} {'size':>5} {'runs':>4} {'found/true min':>15} {'median':>7} "
          f"{'max':>6} {'on target':>10} {'NMI min':>8} {'NMI mean':>9} {'unthemed max':>13}")
    for name, pool in (("train", np.arange(train_rows)), ("train+test", np.arange(len(frame)))):
        for size, seeds in SUBSETS.items():
            ratios, nmis, unthemed = [], [], []
            for seed in range(seeds):
                rows = np.random.default_rng(seed).choice(pool, size, replace=False)
                gold = frame.category.to_numpy()[rows]
                labels = cluster(vectors[rows]).labels
                ratios.append(len(set(labels.tolist()) - {UNTHEMED}) / len(set(gold)))
                nmis.append(normalized_mutual_info_score(gold, labels))
                unthemed.append(float((labels == UNTHEMED).mean()))
            spread = np.array(ratios)
            hits = int((np.abs(spread - 1) <= WITHIN).sum())
            print(f"{name:<13} {size:>5} {seeds:>4} {spread.min():15.2f} "
                  f"{np.median(spread):7.2f} {spread.max():6.2f} {hits:>6}/{seeds:<3} "
                  f"{min(nmis):8.3f} {np.mean(nmis):9.3f} {max(unthemed):13.1%}")


def scale(frame: pd.DataFrame, new: int) -> None:
    """Theme ``len(frame) - new`` pieces in a fresh workspace, then update with ``new`` more."""
    load_model()
    records = [EvidenceRecord("ticket", text, "banking77", customer=f"c{i % 500}",
                              created_at=datetime(2026, 1, 5, tzinfo=UTC) + timedelta(hours=i),
                              source_id=str(i)) for i, text in enumerate(frame.text)]
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace.init(Path(folder) / "ws")
        _, add_s = _timed(lambda: _add(workspace, records[:-new]))
        result, build_s = _timed(lambda: workspace.build_themes())
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
        _, read_s = _timed(lambda: workspace.themes())
        command = [sys.executable, "-m", "needle", "-w", str(workspace.root), "themes", "--json"]
        _, cli_s = _timed(lambda: subprocess.run(command, check=True, capture_output=True))
        _add(workspace, records[-new:])
        _, update_s = _timed(lambda: workspace.update_themes())
        topics = len(workspace.themes().topics)
        workspace.close()
    print(f"{len(records) - new} pieces: store {add_s:.1f}s, themed (embed+cluster+label+"
          f"topics+save) {build_s:.1f}s (target < 60s) into {result.themes} themes and "  # type: ignore[attr-defined]
          f"{topics} topics; peak memory of the process {peak_gb:.2f} GB (target < 2 GB); "
          f"reading them back {read_s:.2f}s in the library, {cli_s:.2f}s for `needle themes "
          f"--json` in a new process (target < 0.5s); incremental update of {new}: "
          f"{update_s:.2f}s (target < 5s); model loaded beforehand")


def _add(workspace: Workspace, records: list[EvidenceRecord]) -> None:
    with workspace.store.session() as session:
        add_evidence(session, records)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks themes")
    parser.add_argument("--data", choices=("test", "train", "sizes", "subsets"), default="test")
    parser.add_argument("--scale", action="store_true", help="Also time 10k themed and +100.")
    parser.add_argument("--smoke", action="store_true", help="300 train texts, no BERTopic.")
    args = parser.parse_args(argv)
    if args.smoke:
        frame = pd.read_csv(DATA / "train.csv").sample(SMOKE_TEXTS, random_state=0)
        quality(frame, with_bertopic=False)
        scale(frame.head(60), new=10)
        return
    if args.scale:  # first, so the peak memory it reports is the build's alone
        scale(pd.read_csv(DATA / "train.csv").head(10_100), new=100)
    if args.data in ("sizes", "subsets"):
        train, test = pd.read_csv(DATA / "train.csv"), pd.read_csv(DATA / "test.csv")
        both = pd.concat([train, test], ignore_index=True)
        load_model()
        start = time.perf_counter()
        vectors = embed(list(both.text))  # embedded once, shared by every table
        embed_s = time.perf_counter() - start
        if args.data == "sizes":
            tested = [test.sample(n, random_state=0).index.to_numpy() + len(train)
                      for n in (1000, 2000)]
            for rows in [*tested, np.arange(len(train), len(both)), np.arange(len(both))]:
                quality(both.iloc[rows], True, vectors[rows], embed_s * len(rows) / len(both))
        subsets(both, vectors, len(train))
    else:
        quality(pd.read_csv(DATA / f"{args.data}.csv"), with_bertopic=True)
