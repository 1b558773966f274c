"""Scaling out: the Ray engine and the batch functions of engines give the local run's records, record for record.

The Ray tests (marker ``ray``: ``pytest -m ray``) start one local Ray cluster of 2 CPUs for the module and skip,
with the reason, where the ``[ray]`` extra is not installed. The ``datasets.map`` path and the typed Parquet layout
need no Ray. The Spark recipe of the README is run only where pyspark and Java are present.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from attribution.arrow import records_from_table
from attribution.batch import BatchScorer
from attribution.cli import main

HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="ray is not installed (pip install 'attribution[ray]')")

ARTICLE = (
    "Council weighs budget item {n}\n\n"
    "The council met on Monday to discuss budget item {n}. "
    "A senior aide, speaking on condition of anonymity, said the plan would be delayed. "
    "Mayor Ana Ruiz said the city would publish the figures next week. "
    "The vote is scheduled for June.\n"
)


def _rows(n: int = 50) -> list[dict]:
    """``n`` articles with metadata of several types, an empty one and one without text among them."""
    rows = [{"id": f"a{i:02d}", "text": ARTICLE.format(n=i) * (1 + i % 3), "outlet": ["Gazette", "Courier"][i % 2],
             "year": 2020 + i % 4, "paywall": i % 5 == 0, "score": i / 10} for i in range(n - 2)]
    rows.insert(7, {"id": "empty", "text": "   ", "outlet": "Gazette", "year": 2021, "paywall": False, "score": 0.5})
    rows.insert(20, {"id": "none", "text": None, "outlet": "Courier", "year": 2022, "paywall": True, "score": 1.5})
    return rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    path = folder / "articles.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in _rows()), encoding="utf-8")
    return path


def _score(corpus, out, *extra: str, fmt: str = "jsonl") -> tuple:
    sentences, articles = out / f"s.{fmt}", out / f"a.{fmt}"
    assert main(["score", str(corpus), "--model", "rules", "-o", str(sentences), "--articles", str(articles),
                 "--batch-size", "8", "-q", *extra]) == 0
    return sentences, articles


@pytest.fixture(scope="module")
def local_run(corpus, tmp_path_factory):
    return _score(corpus, tmp_path_factory.mktemp("local"))


def _jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def ray_cluster():
    if not HAS_RAY:
        pytest.skip("ray is not installed (pip install 'attribution[ray]')")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


# --- the command line on Ray -------------------------------------------------------------------------------


@pytest.mark.ray
@needs_ray
def test_score_engine_ray_writes_the_local_runs_files_byte_for_byte(ray_cluster, corpus, local_run, tmp_path):
    sentences, articles = _score(corpus, tmp_path, "--engine", "ray", "--actors", "2")
    assert sentences.read_bytes() == local_run[0].read_bytes()
    assert articles.read_bytes() == local_run[1].read_bytes()
    records = _jsonl(articles)
    assert len(records) == 50 and [r["status"] for r in records].count("error") == 2
    assert records[0]["metadata"]["year"] == 2020  # a number stays a number


@pytest.mark.ray
@needs_ray
def test_score_engine_ray_resumes_a_cut_run_to_the_same_bytes(ray_cluster, corpus, local_run, tmp_path):
    sentences, articles = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    shutil.copy(local_run[0], sentences)
    shutil.copy(local_run[1], articles)
    lines = articles.read_bytes().splitlines(keepends=True)
    articles.write_bytes(b"".join(lines[:23]) + lines[23][:10])  # killed mid-record after 23 articles
    _score(corpus, tmp_path, "--engine", "ray", "--actors", "2", "--resume")
    assert sentences.read_bytes() == local_run[0].read_bytes()
    assert articles.read_bytes() == local_run[1].read_bytes()


@pytest.mark.ray
@needs_ray
def test_score_engine_ray_parquet_equals_the_local_parquet(ray_cluster, corpus, tmp_path):
    local = _score(corpus, tmp_path / "local", fmt="parquet")
    on_ray = _score(corpus, tmp_path / "ray", "--engine", "ray", fmt="parquet")
    for a, b in zip(local, on_ray, strict=True):
        assert pq.read_table(b).equals(pq.read_table(a))


@pytest.mark.ray
@needs_ray
def test_score_engine_ray_with_a_random_weight_model_writes_the_local_records(ray_cluster, corpus, tiny_base,
                                                                               tmp_path):
    """A trained-model directory (a tiny random-weight pair model): each actor loads it once, the records (label
    probabilities included) are the local run's."""
    from tests.tiny_model import synthetic_records, write_jsonl

    model = tmp_path / "model"
    labels = write_jsonl(tmp_path / "train.jsonl", synthetic_records(12, seed=1))
    assert main(["train", "--train", str(labels), "--out", str(model), "--base-model", str(tiny_base), "--epochs",
                 "1", "--batch-size", "4", "--max-length", "48"]) == 0
    outputs = []
    for name, extra in (("local", ()), ("ray", ("--engine", "ray", "--actors", "2"))):
        sentences, articles = tmp_path / name / "s.jsonl", tmp_path / name / "a.jsonl"
        assert main(["score", str(corpus), "--model", str(model), "-o", str(sentences), "--articles", str(articles),
                     "-q", *extra]) == 0
        outputs.append((sentences.read_bytes(), articles.read_bytes()))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0].splitlines()) > 100


@pytest.mark.ray
@needs_ray
def test_an_actor_that_dies_ends_the_run_with_worker_died(ray_cluster):
    from attribution.pipeline import WorkerDied
    from attribution.ray_engine import RayAnalyzer

    analyzer = RayAnalyzer("rules", actors=1)
    try:
        assert [r.doc_id for r in analyzer.analyze_many(_rows(3))] == [row["id"] for row in _rows(3)]
        ray_cluster.kill(analyzer._workers[0])  # as the out-of-memory killer would
        with pytest.raises(WorkerDied, match="Ray actor ended abruptly"):
            list(analyzer.analyze_many(_rows(20)))
    finally:
        analyzer.close()


def test_engine_ray_without_ray_is_one_line_and_exit_2(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError, as without the extra
    assert main(["score", str(corpus), "--model", "rules", "-o", str(tmp_path / "s.jsonl"), "--engine", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("attribution score: error: the Ray engine needs Ray (ray not installed): "
                   "pip install 'attribution[ray]'")
    assert not (tmp_path / "s.jsonl").exists()


def test_ray_options_need_the_ray_engine(corpus, tmp_path, capsys):
    assert main(["score", str(corpus), "--model", "rules", "-o", str(tmp_path / "s.jsonl"), "--actors", "2"]) == 2
    assert "--address and --actors need --engine ray" in capsys.readouterr().err


# --- the Python API: a Ray Dataset scored once -------------------------------------------------------------


def _dataset_rows(local_run) -> list[dict]:
    """The corpus as (id, text, metadata) rows, with the metadata the command line gave each article."""
    metadata = {r["doc_id"]: r["metadata"] for r in _jsonl(local_run[1])}
    return [{"id": row["id"], "text": row["text"], "metadata": json.dumps(metadata[row["id"]])} for row in _rows()]


def _as_local(records: list[dict]) -> list[dict]:
    """Engine records (metadata as a JSON string, which records_from_table already parses) as the command line
    writes them."""
    return [{**r, "metadata": json.loads(r["metadata"])} if isinstance(r.get("metadata"), str) else r
            for r in records]


@pytest.mark.ray
@needs_ray
def test_score_dataset_gives_both_record_kinds_from_one_pass(ray_cluster, local_run):
    from attribution.ray_engine import score_dataset

    dataset = ray_cluster.data.from_items(_dataset_rows(local_run), override_num_blocks=5)
    sentences, articles = score_dataset(dataset, "rules", concurrency=2, batch_size=8)
    got_articles = _as_local(records_from_table(pa.concat_tables(
        [ray_cluster.get(ref) for ref in articles.to_arrow_refs()])))
    got_sentences = records_from_table(pa.concat_tables([ray_cluster.get(ref) for ref in sentences.to_arrow_refs()]))
    assert got_articles == _jsonl(local_run[1])
    assert got_sentences == _jsonl(local_run[0])
    assert sentences.schema().base_schema.field("probs").type == pa.struct(
        [(label, pa.float64()) for label in ("direct_fact", "reported_claim", "anonymous_source_quote")])
    assert articles.schema().base_schema.field("counts").type.field("direct_fact").type == pa.int64()


@pytest.mark.ray
@needs_ray
@pytest.mark.parametrize("kind", ["sentences", "articles"])
def test_batch_scorer_in_ray_map_batches_gives_one_record_kind(ray_cluster, local_run, kind):
    ctx = ray_cluster.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    dataset = ray_cluster.data.from_items(_dataset_rows(local_run), override_num_blocks=4)
    scored = dataset.map_batches(BatchScorer("rules", output=kind), batch_size=8, batch_format="pyarrow")
    records = _as_local(records_from_table(pa.concat_tables([ray_cluster.get(r) for r in scored.to_arrow_refs()])))
    assert records == _jsonl(local_run[0 if kind == "sentences" else 1])


# --- datasets.Dataset.map(batched=True) ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sentences", "articles"])
def test_datasets_map_batched_gives_the_local_runs_records(local_run, kind):
    datasets = pytest.importorskip("datasets")
    dataset = datasets.Dataset.from_list(_dataset_rows(local_run))
    scored = dataset.map(BatchScorer("rules", output=kind), batched=True, batch_size=8,
                         remove_columns=dataset.column_names)
    assert _as_local(records_from_table(scored.data.table)) == _jsonl(local_run[0 if kind == "sentences" else 1])


def test_batch_scorer_output_shapes_follow_the_input(local_run):
    rows = _dataset_rows(local_run)[:5]
    scorer = BatchScorer("rules", output="articles")
    as_rows = scorer(rows)
    assert [r["doc_id"] for r in as_rows] == ["a00", "a01", "a02", "a03", "a04"]
    assert as_rows[0]["metadata"]["year"] == 2020  # the metadata column spread into the article's metadata
    frame = scorer(pa.Table.from_pylist(rows).to_pandas())
    assert list(frame["doc_id"]) == ["a00", "a01", "a02", "a03", "a04"]
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    table = scorer(columns)
    assert table.schema.field("metadata").type == pa.string()  # one schema for every batch, whatever the keys
    assert json.loads(table.column("metadata")[0].as_py()) == as_rows[0]["metadata"]
    with pytest.raises(ValueError, match="output must be one of"):
        BatchScorer("rules", output="both")


# --- typed Parquet, read back in both layouts -------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_run(corpus, tmp_path_factory):
    return _score(corpus, tmp_path_factory.mktemp("parquet"), fmt="parquet")


def test_parquet_columns_are_typed_and_read_back_as_the_jsonl_records(parquet_run, local_run):
    sentences, articles = (pq.read_table(path) for path in parquet_run)
    assert pa.types.is_struct(sentences.schema.field("probs").type)
    assert "prob_direct_fact" not in sentences.column_names
    meta = articles.schema.field("metadata").type
    assert meta.field("year").type == pa.int64() and meta.field("paywall").type == pa.bool_()
    assert meta.field("score").type == pa.float64() and meta.field("outlet").type == pa.string()
    assert pa.types.is_map(articles.schema.field("cleaning").type.field("by_rule").type)
    assert pa.types.is_list(articles.schema.field("profile").type.field("named_sources").type)
    assert records_from_table(sentences) == _jsonl(local_run[0])
    assert records_from_table(articles) == _jsonl(local_run[1])


def _old_layout(records: list[dict]) -> pa.Table:
    """Records as the Parquet writer stored them before typed columns: nested fields and every metadata value as
    JSON strings, one ``prob_<label>`` column per label."""
    rows = []
    for record in records:
        row = {}
        for key, value in record.items():
            if key == "probs":
                row.update({f"prob_{label}": p for label, p in value.items()})
            if key == "metadata":
                value = {k: str(v) for k, v in value.items()}
            row[key] = json.dumps(value) if isinstance(value, (dict, list)) else value
        rows.append(row)
    return pa.Table.from_pylist(rows)


def test_summarize_and_evaluate_read_the_typed_and_the_old_layout(parquet_run, local_run, tmp_path, capsys):
    old_sentences, old_articles = tmp_path / "old_s.parquet", tmp_path / "old_a.parquet"
    pq.write_table(_old_layout(_jsonl(local_run[0])), old_sentences)
    pq.write_table(_old_layout(_jsonl(local_run[1])), old_articles)
    assert pq.read_table(old_articles).schema.field("metadata").type == pa.string()
    tables = {}
    for name, articles in (("typed", parquet_run[1]), ("old", old_articles), ("jsonl", local_run[1])):
        assert main(["summarize", str(articles), "--by", "outlet", "--out", str(tmp_path / name)]) == 0
        tables[name] = (tmp_path / name / "groups.csv").read_text()
    capsys.readouterr()
    assert tables["typed"] == tables["old"] == tables["jsonl"]
    assert "Courier" in tables["typed"] and "Gazette" in tables["typed"]
    gold = tmp_path / "gold.jsonl"
    flip = {"direct_fact": "reported_claim", "reported_claim": "direct_fact",
            "anonymous_source_quote": "anonymous_source_quote"}
    gold.write_text("".join(json.dumps({"doc_id": r["doc_id"], "start": r["start"], "end": r["end"],
                                        "label": flip[r["label"]] if n % 7 == 0 else r["label"]}) + "\n"
                            for n, r in enumerate(_jsonl(local_run[0]))))  # some disagreement to measure
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"doc_id": r["id"], "text": r["text"]}) + "\n" for r in _rows() if r["text"]
                            and r["text"].strip()))
    reports = {}
    for name, predictions in (("typed", parquet_run[0]), ("old", old_sentences), ("jsonl", local_run[0])):
        assert main(["evaluate", "--pred", str(predictions), "--gold", str(gold), "--docs", str(docs),
                     "--bootstrap", "10", "-q", "--json", str(tmp_path / f"{name}.json")]) == 0, \
            capsys.readouterr().err
        reports[name] = json.loads((tmp_path / f"{name}.json").read_text())["systems"][0]["metrics"]
    capsys.readouterr()
    assert 0.5 < reports["typed"]["accuracy"] < 1
    assert reports["typed"] == reports["old"] == reports["jsonl"]


# --- Spark: the README recipe, where pyspark and Java are present ------------------------------------------


def test_the_readme_spark_recipe_gives_the_local_sentences(local_run):
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (the Spark recipe is tested only where it is)")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: Spark cannot start")
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[2]").appName("attribution-test").getOrCreate()
    try:
        rows = spark.createDataFrame([{"id": r["id"], "text": r["text"], "metadata": r["metadata"]}
                                      for r in _dataset_rows(local_run)])
        scorer = BatchScorer("rules", output="sentences")
        records = rows.rdd.mapPartitions(lambda part: scorer([r.asDict() for r in part])).collect()
    finally:
        spark.stop()
    assert records == _jsonl(local_run[0])


# --- an existing cluster, and Ctrl-C, from a separate driver process ------------------------------------------

def _driver(*args: str) -> list[str]:
    return [sys.executable, "-m", "attribution.cli", *args]


@pytest.mark.ray
@needs_ray
def test_score_address_joins_an_existing_cluster_and_writes_the_local_files(ray_cluster, corpus, local_run,
                                                                            tmp_path):
    """``--address`` from another process (a driver of its own, as a user's shell is) joins the module's running
    cluster instead of starting one, and writes the local run's bytes."""
    import subprocess

    address = ray_cluster.get_runtime_context().gcs_address
    sentences, articles = tmp_path / "s.jsonl", tmp_path / "a.jsonl"
    done = subprocess.run(_driver("score", str(corpus), "--model", "rules", "-o", str(sentences), "--articles",
                                  str(articles), "--batch-size", "8", "--engine", "ray", "--address", address,
                                  "--actors", "1"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"starting Ray (cluster at {address})" in done.stderr
    assert sentences.read_bytes() == local_run[0].read_bytes()
    assert articles.read_bytes() == local_run[1].read_bytes()


@pytest.mark.ray
@needs_ray
def test_score_address_to_no_cluster_is_one_error_line_in_seconds(tmp_path):
    """``ray.init`` retries an address with no cluster for minutes; the run says so at once instead."""
    import socket
    import subprocess

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": "Officials said so."}) + "\n")
    done = subprocess.run(_driver("score", str(tmp_path / "in.jsonl"), "--model", "rules", "-o",
                                  str(tmp_path / "s.jsonl"), "-q", "--engine", "ray", "--address",
                                  f"127.0.0.1:{port}"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"attribution score: error: no Ray cluster answers at 127.0.0.1:{port} (Connection refused); start one with "
        "`ray start --head`, or leave out --address for a local one"]


@pytest.mark.ray
@pytest.mark.slow
@needs_ray
def test_ctrl_c_under_ray_leaves_whole_articles_and_resumes_to_the_local_bytes(tmp_path):
    """SIGINT to the driver's process group mid-run (as a terminal's Ctrl-C): exit 130, one line, only whole
    articles written; ``--resume`` on Ray then finishes to the bytes of an uninterrupted local run."""
    import os
    import signal
    import subprocess
    import time

    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"r{i}", "text": ARTICLE.format(n=i) * 3}) + "\n"
                              for i in range(600)), encoding="utf-8")
    local = tmp_path / "local"
    assert main(["score", str(inputs), "--model", "rules", "-o", str(local / "s.jsonl"), "--articles",
                 str(local / "a.jsonl"), "-q"]) == 0
    out = tmp_path / "ray"
    args = ("score", str(inputs), "--model", "rules", "-o", str(out / "s.jsonl"), "--articles", str(out / "a.jsonl"),
            "--batch-size", "2", "--engine", "ray", "--actors", "1")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(_driver(*args), env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while proc.poll() is None and time.monotonic() < deadline:
            if (out / "a.jsonl").exists() and (out / "a.jsonl").read_bytes().count(b"\n") >= 5:
                break
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert [line for line in err.splitlines() if line.startswith("attribution score: interrupted (SIGINT)")]
    written = (out / "a.jsonl").read_bytes()
    assert written.endswith(b"\n") and 0 < written.count(b"\n") < 600
    assert (local / "a.jsonl").read_bytes().startswith(written)  # whole articles, in order
    done = subprocess.run(_driver(*args, "--resume", "-q"), env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (out / "s.jsonl").read_bytes() == (local / "s.jsonl").read_bytes()
    assert (out / "a.jsonl").read_bytes() == (local / "a.jsonl").read_bytes()
