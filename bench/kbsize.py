"""Large knowledge bases: start-up, hot reload after a one-file edit, memory, and replies
during the reload, at 1,000 / 5,000 / 20,000 entries.

The knowledge base is generated (`synthetic.distinct_entries`, 500 entries a file) and
loaded the way the bot loads it (`KnowledgeProvider`). Each size runs in its own
process, so one size's memory never shows in another's. The baseline is a full rebuild,
what a reload did before (every file parsed by the pure-Python YAML parser, every text
analysed by a fresh analyzer);
"new" is the running provider's `check()` after the same kind of edit. They alternate,
ROUNDS times each. While each reload runs, a thread asks questions of whatever index is
being served and times every reply. Words only and fixed thresholds by default, so the
figures are the bot's own work (`--meaning` adds the meaning model and its self-test;
its first start embeds every text, which takes minutes at 20,000 entries).
"""
from __future__ import annotations

import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from bot.kb import yamlfile
from bot.kb.filecache import FileCache
from bot.knowledge import KnowledgeProvider
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds

from .synthetic import distinct_entries

SIZES = (1000, 5000, 20000)
PER_FILE = 500
ROUNDS = 2


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_kb(root: Path, n: int) -> list[str]:
    (root / "faq").mkdir(parents=True)
    entries = distinct_entries(n)
    for start in range(0, n, PER_FILE):
        rows = [{"id": e.id, "category": e.category, "question": e.question,
                 "similar": list(e.similar), "keywords": list(e.keywords), "answer": e.answer}
                for e in entries[start:start + PER_FILE]]
        (root / "faq" / f"part{start // PER_FILE:03d}.yaml").write_text(
            yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [e.question for e in entries]


def edit(root: Path, round_no: int) -> None:
    """Change one answer in the middle file, as staff do."""
    files = sorted((root / "faq").glob("*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    text = text.replace("工作日带好身份证件前往办理", f"第 {round_no} 次修改：请预约后办理", 1)
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def builder(meaning: bool, data: Path) -> MatcherBuilder:
    return MatcherBuilder(fixed=None if meaning else Thresholds(), embeddings=meaning,
                          data_dir=data if meaning else None)


_seeds = itertools.count(3)


def during(reload, serving, questions: list[str]) -> tuple[float, list[float]]:
    """(seconds the reload took, reply latencies in ms of questions asked meanwhile)."""
    done, lat = threading.Event(), []
    rng = random.Random(next(_seeds))   # other texts each time: no reply comes from a cache

    def ask() -> None:
        i = 0
        while not done.is_set():
            q = rng.choice(questions)[:-1] + ("吗" if i % 2 else "呢")   # not a cached text
            t = time.perf_counter()
            serving().matcher.match(f"{q}{i}")
            lat.append((time.perf_counter() - t) * 1000)
            i += 1
    asker = threading.Thread(target=ask)
    asker.start()
    t0 = time.perf_counter()
    reload()
    took = time.perf_counter() - t0
    done.set()
    asker.join()
    return took, lat


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def one_size(n: int, meaning: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, data = Path(tmp) / "knowledge", Path(tmp) / "data"
        questions = write_kb(root, n)
        base_rss = rss_mb()
        t = time.perf_counter()
        provider = KnowledgeProvider(root, builder(meaning, data))
        provider.reload()
        cold = time.perf_counter() - t
        after_load = rss_mb()
        new_t, base_t, new_lat, base_lat, new_rss, base_rss_after = [], [], [], [], [], []
        for r in range(ROUNDS):
            edit(root, 2 * r)
            took, lat = during(provider.check, lambda: provider.current, questions)
            new_t.append(took), new_lat.extend(lat), new_rss.append(rss_mb())
            edit(root, 2 * r + 1)

            def full_rebuild() -> None:
                """What a reload did before: every file parsed by the pure-Python YAML
                parser, every text analysed by a fresh analyzer."""
                provider.files = FileCache()
                provider.builder._analyzer = None
                yamlfile.FAST_LOADER, fast = None, yamlfile.FAST_LOADER
                try:
                    provider.check()
                finally:
                    yamlfile.FAST_LOADER = fast
            took, lat = during(full_rebuild, lambda: provider.current, questions)
            base_t.append(took), base_lat.extend(lat), base_rss_after.append(rss_mb())
        edit(root, 99)
        provider.check()
        assert provider.files.parsed and len(provider.files.parsed) == 1
        mean = statistics.mean
        print(f"{n:>6} entries | cold load {cold:6.2f} s | RSS before {base_rss:5.0f} MB, "
              f"after load {after_load:5.0f} MB")
        print(f"       reload after a one-file edit: new {mean(new_t):6.2f} s, full rebuild "
              f"{mean(base_t):6.2f} s  (x{mean(base_t) / mean(new_t):.1f} faster)")
        print(f"       RSS after each reload (MB, in order): "
              + ", ".join(f"new {a:.0f}, full {b:.0f}" for a, b in zip(new_rss, base_rss_after))
              + f"; after load {after_load:.0f}")
        print(f"       replies during reload: new p50 {pct(new_lat, .5):.2f} ms p99 "
              f"{pct(new_lat, .99):.1f} ms max {max(new_lat, default=0):.0f} ms "
              f"({len(new_lat)} asked); full rebuild p50 {pct(base_lat, .5):.2f} ms "
              f"p99 {pct(base_lat, .99):.1f} ms max {max(base_lat, default=0):.0f} ms "
              f"({len(base_lat)} asked)", flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[2:] if argv is None else argv
    meaning = "--meaning" in argv
    sizes = [int(a) for a in argv if a.isdigit()]
    if len(sizes) == 1:
        one_size(sizes[0], meaning)
        return
    print(f"knowledge-base size: cold load, reload after a one-file edit (new vs full rebuild, "
          f"alternated, {ROUNDS} rounds), RSS, replies during the reload; "
          f"{'with the meaning model' if meaning else 'words only, fixed thresholds'}; "
          f"{os.cpu_count()} cores", flush=True)
    for n in sizes or SIZES:
        subprocess.run([sys.executable, "-m", "bench", "kbsize", str(n),
                        *(["--meaning"] if meaning else [])], check=True)
