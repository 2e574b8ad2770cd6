"""Load test for the web page, run by hand (not part of the test suite):

    .venv/bin/python benchmarks/load_test.py                      # starts app.py on a free 127.0.0.1 port
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:7860/ --auth user:pw   # attaches

N clients (threads, one gradio_client each) ask a fixed list of questions through the named `search`
API for --duration seconds. At --upload-at seconds one client uploads a new small report through the
named `upload` API (the page's own upload path), so the index is rebuilt while queries continue.

Checks, printed with the figures as a markdown table:
* no request fails;
* every answer comes from either the old or the new index: its result list equals the one the same
  question gets before the upload (old) or after the load (new), and its reports are ⊆ old ∪ new reports;
* the question about the new report's distinctive sentence switches from "absent" to "present" once:
  no client sees it present and then absent, and no request that started after some answer showed it
  present came back without it.

Only ever targets this computer (127.0.0.1 / localhost); attaching elsewhere is refused. When it starts
the app itself, the app gets its own temporary index and data folders, so nothing of yours is touched.
"""
from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import cpu_model, ram_gib  # noqa: E402  (benchmarks/ is on the path when run as a script)
from page.auth import AUTH_ENV, is_local_host, load_logins  # noqa: E402  (the project is on the path)

QUESTIONS = [
    "2023年化解了多少起矛盾纠纷",
    "张店乡有几个人通过了执法证考试",
    "别的乡镇怎么写'第一责任人职责'这部分？",
    "普法宣传开展了哪些活动",
    "法治政府建设存在哪些问题和不足",
    "下一步工作打算是什么",
    "领导干部学法制度怎么落实的",
    "行政执法人员培训了多少人次",
    "法律顾问参与了哪些重大决策",
    "如何推进依法行政和政务公开",
]
TOWN, LAMPS = "青萝湾镇", "417"
PROBE = f"{TOWN}建成了多少盏智慧路灯"
K = 5


def new_report(folder: Path) -> Path:
    """A small report with a sentence found nowhere else; a nonce keeps its hash new on every run."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{TOWN}2024年工作报告-{stamp}.txt"
    path.write_text(
        f"{TOWN}人民政府关于2024年法治政府建设情况的报告\n\n"
        "一、主要工作\n"
        f"2024年，{TOWN}共建成智慧路灯{LAMPS}盏，设立萤火虫夜观科普站3处，"
        "全年化解邻里矛盾纠纷58起，组织普法讲座12场。\n"
        "二、存在的问题\n"
        "基层执法力量仍显薄弱，法治宣传的针对性有待加强。\n"
        "三、下一步打算\n"
        f"继续完善镇村两级法律顾问制度，推进执法规范化建设。（编号 {stamp}-{os.getpid()}）\n",
        encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------- the app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(workdir: Path, corpus: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = workdir / "app.log"
    cmd = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
           "--index", str(workdir / "index"), "--data", str(workdir / "data"), "--corpus", str(corpus)]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   env={**env, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"app.py exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return process, url, log
        except OSError:
            time.sleep(0.5)
    process.kill()
    sys.exit(f"app.py did not start serving:\n{log.read_text(errors='replace')}")


# ---------------------------------------------------------------------------------------- load


@dataclass
class Answer:
    client: int
    question: str
    started: float
    ended: float
    error: str | None = None
    signature: tuple = ()            # (doc, start, end) of each hit, in rank order
    docs: frozenset[str] = frozenset()

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Run:
    answers: list[Answer] = field(default_factory=list)
    upload: dict | None = None
    upload_error: str | None = None
    upload_window: tuple[float, float] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def signature(result: dict) -> tuple[tuple, frozenset[str]]:
    hits = result["results"]
    return tuple((h["doc"], h["start"], h["end"]) for h in hits), frozenset(Path(h["doc"]).name for h in hits)


def ask(client, question: str) -> dict:
    return client.predict(question, K, "", api_name="/search")


def client_loop(n: int, url: str, auth: tuple[str, str] | None, start: threading.Barrier, clock: dict[str, float],
                upload_at: float | None, upload_file: Path, run: Run) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, auth=auth, verbose=False)
    questions = QUESTIONS + [PROBE]
    i = n  # clients start at different questions
    start.wait()  # the clock is set before the barrier opens
    while time.monotonic() < clock["stop"]:
        if upload_at is not None and time.monotonic() >= clock["t0"] + upload_at:
            began = time.monotonic()
            try:
                run.upload = client.predict([handle_file(str(upload_file))], api_name="/upload")
            except Exception as problem:  # noqa: BLE001 - recorded and reported
                run.upload_error = f"{type(problem).__name__}: {problem}"
            run.upload_window = (began, time.monotonic())
            upload_at = None
            continue
        question = questions[i % len(questions)]
        i += 1
        began = time.monotonic()
        answer = Answer(n, question, began, began)
        try:
            answer.signature, answer.docs = signature(ask(client, question))
        except Exception as problem:  # noqa: BLE001
            answer.error = f"{type(problem).__name__}: {problem}"[:300]
        answer.ended = time.monotonic()
        with run.lock:
            run.answers.append(answer)


def reference(url: str, auth: tuple[str, str] | None) -> dict[str, tuple[tuple, frozenset[str]]]:
    from gradio_client import Client

    client = Client(url, auth=auth, verbose=False)
    return {q: signature(ask(client, q)) for q in QUESTIONS + [PROBE]}


# ---------------------------------------------------------------------------------------- checks


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def check(run: Run, old: dict, new: dict, new_doc: str) -> dict[str, object]:
    ok = [a for a in run.answers if a.error is None]
    old_docs = frozenset().union(*(d for _, d in old.values()))
    allowed_docs = old_docs | {new_doc}
    foreign = [a for a in ok if not a.docs <= allowed_docs]
    neither = [a for a in ok if a.signature not in (old[a.question][0], new[a.question][0])]
    probes = sorted((a for a in ok if a.question == PROBE), key=lambda a: a.ended)
    present = [a for a in probes if new_doc in a.docs]
    absent = [a for a in probes if new_doc not in a.docs]
    # A client that saw the new report must not lose it again; nor may any request that began after
    # some answer showed it (whatever the client) come back without it.
    per_client = 0
    for c in {a.client for a in probes}:
        seen = [new_doc in a.docs for a in sorted(probes, key=lambda a: a.started) if a.client == c]
        per_client += sum(1 for x, y in zip(seen, seen[1:]) if x and not y)
    first_present = min((a.ended for a in present), default=float("inf"))
    late_absent = [a for a in absent if a.started > first_present]
    flips = sum(1 for x, y in zip(probes, probes[1:]) if (new_doc in x.docs) != (new_doc in y.docs))
    return {"foreign": foreign, "neither": neither, "probes": len(probes), "present": len(present),
            "absent": len(absent), "per_client_flaps": per_client, "late_absent": late_absent,
            "flips_by_completion": flips, "new_has_probe": new_doc in new[PROBE][1],
            "old_has_probe": new_doc in old[PROBE][1]}


# ---------------------------------------------------------------------------------------- report


def machine() -> dict[str, str]:
    model = cpu_model() or platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    gib = ram_gib()
    memory = "" if gib is None else f"{gib:.1f} GB"
    import gradio
    import gradio_client
    return {"cpu": model, "cores": f"{usable} usable / {os.cpu_count()} logical", "memory": memory,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg()), "python": platform.python_version(),
            "gradio": f"{gradio.__version__} (client {gradio_client.__version__})"}


def table(info: dict[str, str], args: argparse.Namespace, run: Run, verdict: dict, window: float) -> str:
    ok = [a for a in run.answers if a.error is None]
    errors = [a for a in run.answers if a.error]
    lat = [a.seconds * 1000 for a in ok] or [0.0]
    during = [a.seconds * 1000 for a in ok
              if run.upload_window and a.ended >= run.upload_window[0] and a.started <= run.upload_window[1]]
    up = run.upload_window[1] - run.upload_window[0] if run.upload_window else 0.0
    kept = (run.upload or {}).get("kept", [])
    consistent = not verdict["foreign"] and not verdict["neither"]
    no_flap = not verdict["per_client_flaps"] and not verdict["late_absent"]
    rows = [
        ("machine", f"{info['cpu']}, {info['cores']} cores, {info['memory']} RAM"),
        ("load average at start (1/5/15 min)", info["load"]),
        ("software", f"Python {info['python']}, Gradio {info['gradio']}"),
        ("clients × duration", f"{args.clients} threads × {window:.0f} s, gradio_client → `/search` (k={K})"),
        ("requests", f"{len(run.answers)} ({len(ok)} ok)"),
        ("**errors**", f"**{len(errors)}**"),
        ("latency p50 / p95 / max", f"{statistics.median(lat):.0f} / {percentile(lat, 95):.0f} / {max(lat):.0f} ms"),
        ("latency p50 while re-indexing", f"{statistics.median(during):.0f} ms ({len(during)} requests)"
         if during else "—"),
        ("throughput", f"{len(ok) / window:.1f} searches/s"),
        ("upload at", f"{args.upload_at:.0f} s: {', '.join(kept) or run.upload_error or run.upload} "
                      f"(upload + re-index {up:.1f} s)"),
        ("answers from old or new index", f"{'yes' if consistent else 'NO'}: "
         f"{len(verdict['neither'])} answers matched neither, {len(verdict['foreign'])} named unknown reports"),
        ("new report in probe answers", f"{'switched once, no flapping' if no_flap else 'FLAPPED'}: "
         f"{verdict['absent']} absent → {verdict['present']} present of {verdict['probes']} probes; "
         f"{verdict['per_client_flaps']} per-client reversals, {len(verdict['late_absent'])} absent after first "
         f"present"),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    if errors:
        lines += ["", "First errors:", *(f"- {a.error}" for a in errors[:5])]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="attach to a running app (127.0.0.1/localhost only) instead of starting one")
    parser.add_argument("--auth", help=f"user:password for an app with a login (default: first of ${AUTH_ENV})")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--upload-at", type=float, default=20.0)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus for the app this script starts")
    parser.add_argument("--write", type=Path, help="also write the markdown table to this file")
    args = parser.parse_args(argv)

    logins = load_logins(args.auth or os.environ.get(AUTH_ENV), None)
    auth = logins[0] if logins else None
    workdir = Path(tempfile.mkdtemp(prefix="policy-load-"))
    process = None
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if not is_local_host(host):
            sys.exit(f"只对本机做压力测试 / Refusing to load-test a non-local address: {host}")
        url = args.url if args.url.endswith("/") else args.url + "/"
    else:
        print("starting app.py …", file=sys.stderr)
        env = {k: v for k, v in os.environ.items() if k != AUTH_ENV}
        if auth:
            env[AUTH_ENV] = f"{auth[0]}:{auth[1]}"
        process, url, log = start_app(workdir, args.corpus, env)
        print(f"app at {url} (log {log})", file=sys.stderr)
    try:
        upload_file = new_report(workdir)
        print("reference answers from the old index …", file=sys.stderr)
        old = reference(url, auth)
        info = machine()
        run = Run()
        start = threading.Barrier(args.clients + 1, timeout=300)
        clock: dict[str, float] = {}
        threads = [threading.Thread(target=client_loop, daemon=True,
                                    args=(n, url, auth, start, clock, args.upload_at if n == 0 else None,
                                          upload_file, run))
                   for n in range(args.clients)]
        for t in threads:
            t.start()  # each connects its own client, then waits at the barrier
        time.sleep(0.1)
        while start.n_waiting < args.clients:
            time.sleep(0.1)
        clock["t0"] = time.monotonic()
        clock["stop"] = clock["t0"] + args.duration
        print(f"{args.clients} clients for {args.duration:.0f} s, upload at {args.upload_at:.0f} s …", file=sys.stderr)
        start.wait()
        for t in threads:
            t.join(args.duration + 600)
        window = max(a.ended for a in run.answers) - clock["t0"] if run.answers else args.duration
        print("reference answers from the new index …", file=sys.stderr)
        new = reference(url, auth)
        new_doc = Path(run.upload["kept"][0]).name if run.upload and run.upload.get("kept") else "—"
        verdict = check(run, old, new, new_doc)
        markdown = table(info, args, run, verdict, window)
        print(markdown)
        if args.write:
            args.write.write_text(markdown + "\n", encoding="utf-8")
        errors = sum(1 for a in run.answers if a.error) + (run.upload_error is not None)
        bad = verdict["foreign"] or verdict["neither"] or verdict["per_client_flaps"] or verdict["late_absent"]
        return 1 if errors or bad or not verdict["new_has_probe"] or verdict["old_has_probe"] else 0
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
