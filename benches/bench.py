#!/usr/bin/env python3
"""The one benchmark table: every hot path of clanscope side by side with its peers, in one
run, written to benches/RESULTS.md (medians, ratios, peak RSS, the machine).

Run it through benches/run.sh, which installs the peers and builds clanscope first:

    bash benches/run.sh [WORKDIR] [--runs N] [--before BIN | --before-ref REF] [--quick] [--keep]

Every command runs once to warm up, then N times round-robin within its group (so that a
change in the machine's load falls on all of a group's commands alike); the table gives the
median wall time of the N runs and the largest peak RSS seen. Inputs are generated in WORKDIR
(default: a new temporary folder) by benches/gen.py and removed at the end unless --keep.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(HERE, "gen.py")
MiB = 1 << 20
# Commands slower than this many seconds a run are run SLOW_RUNS times (warm-up included).
SLOW = 3.0
SLOW_RUNS = 3
GiB = 1 << 30


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Cmd:
    """One command of a group: a label, its argv, what it is compared with."""

    def __init__(self, tool, argv, base=None, stdin=None, note=""):
        self.tool = tool
        self.argv = argv
        self.base = base  # label of the row this one is compared with
        self.stdin = stdin
        self.note = note
        self.times = []
        self.rss = 0
        self.codes = set()
        self.limit = 1 << 30


def run_once(cmd):
    """Runs `cmd` with its output thrown away: wall seconds, peak RSS (KiB) and exit code.
    GNU time starts it and reports its peak RSS: a child of this (large) Python process would
    inherit Python's own peak in its figure."""
    stdin = open(cmd.stdin, "rb") if cmd.stdin else subprocess.DEVNULL
    rss_file = os.path.join(WORK, "bench-rss")
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M %x", "-o", rss_file, *cmd.argv],
                       stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    secs = time.perf_counter() - t
    if cmd.stdin:
        stdin.close()
    rss, code = open(rss_file).read().split()[-2:]
    return secs, int(rss), int(code)


def warm(paths):
    """Reads files into the page cache (the table measures warm-cache runs)."""
    for p in paths:
        if os.path.isdir(p):
            for d, _, fs in os.walk(p):
                for f in fs:
                    with open(os.path.join(d, f), "rb") as fh:
                        while fh.read(1 << 20):
                            pass
        else:
            with open(p, "rb") as fh:
                while fh.read(16 << 20):
                    pass


class Group:
    def __init__(self, title, size, cmds, inputs, runs):
        self.title = title
        self.size = size
        self.cmds = cmds
        self.inputs = inputs
        self.runs = runs

    def run(self):
        log(f"== {self.title}")
        warm(self.inputs)
        for c in self.cmds:
            secs, rss, code = run_once(c)
            if secs > SLOW:
                # A slow peer (many seconds a run): its warm-up run counts, and it runs fewer
                # times, so that the whole table stays a matter of minutes.
                c.limit = min(self.runs, SLOW_RUNS)
                c.times.append(secs)
                c.rss, c.codes = rss, {code}
        for r in range(self.runs):
            for c in self.cmds:
                if len(c.times) >= c.limit:
                    continue
                secs, rss, code = run_once(c)
                c.times.append(secs)
                c.rss = max(c.rss, rss)
                c.codes.add(code)
        for c in self.cmds:
            log(f"   {c.tool:<28} {statistics.median(c.times):8.3f} s  {c.rss / 1024:8.1f} MiB")
        return self

    def median(self, tool):
        for c in self.cmds:
            if c.tool == tool:
                return statistics.median(c.times)
        return None

    def markdown(self):
        out = [f"### {self.title}", "",
               "| tool | command | median | runs | throughput | × clanscope | peak RSS |",
               "|---|---|---:|---:|---:|---:|---:|"]
        for c in self.cmds:
            med = statistics.median(c.times)
            base = self.median(c.base) if c.base else None
            ratio = f"{med / base:.2f}" if base else "1.00"
            rate = f"{self.size / med / 1e6:,.0f} MB/s" if self.size else ""
            cmdline = " ".join(shorten(a) for a in c.argv)
            if c.stdin:
                cmdline += f" < {shorten(c.stdin)}"
            bad = sorted(x for x in c.codes if x not in (0, 1))
            note = f" (exit {bad})" if bad else ""
            out.append(f"| {c.tool} | `{cmdline}`{note} | {med:.3f} s | {len(c.times)} | {rate} | "
                       f"{ratio} | {c.rss / 1024:,.1f} MiB |")
        out.append("")
        return "\n".join(out)


WORK = None


def shorten(a):
    """Paths inside the work folder are shown relative to it."""
    if WORK and isinstance(a, str) and a.startswith(WORK + "/"):
        return a[len(WORK) + 1:]
    if isinstance(a, str) and a.startswith(ROOT + "/"):
        return a[len(ROOT) + 1:]
    return a


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if text else "?"
    except Exception:
        return "not installed"


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def gen(kind, path, *args):
    if not os.path.exists(path):
        log(f"   generating {shorten(path)}")
        subprocess.run([sys.executable, GEN, kind, path, *map(str, args)], check=True)
    return path


# ---------------------------------------------------------------------------------------------
# The inspector, driven in tmux (clanscope and heh alike).


class Tmux:
    count = 0

    def __init__(self, w, h):
        Tmux.count += 1
        self.sock = f"clanscope-bench-{os.getpid()}-{Tmux.count}"
        self.w, self.h = w, h
        self.tmux("new-session", "-d", "-s", "b", "-x", str(w), "-y", str(h), "sleep 100000")

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True,
                              text=True).stdout

    def screen(self, escapes=False):
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "b")

    def start(self, argv):
        self.tmux("respawn-pane", "-k", "-t", "b", " ".join(argv))

    def pid(self):
        return int(self.tmux("display", "-p", "-t", "b", "#{pane_pid}").strip())

    def kill(self):
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True)


def wait_for(pred, timeout=60):
    t = time.perf_counter()
    while time.perf_counter() - t < timeout:
        if pred():
            return time.perf_counter() - t
    return None


def cpu_ticks(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except OSError:
        return None


def peak_rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def inspect_in_tmux(tool, argv, marker, keys, tries):
    """First frame (start to the marker on screen) and key-to-frame (a key to a changed
    screen, colours included), medians over `tries` starts and `keys` keys; and peak RSS."""
    firsts, per_key, rss = [], [], 0
    for _ in range(tries):
        t = Tmux(160, 50)
        try:
            t0 = time.perf_counter()
            t.start(argv)
            ok = wait_for(lambda: re.search(marker, t.screen()) is not None)
            if ok is None:
                log(f"   {tool}: no first frame; screen:\n{t.screen()}")
                return None
            firsts.append(time.perf_counter() - t0)
            pid = t.pid()
            # Let background work (the inspector's scan) settle: CPU idle for 0.5 s.
            last, quiet, settle = cpu_ticks(pid), 0, time.perf_counter()
            while quiet < 5 and last is not None and time.perf_counter() - settle < 120:
                time.sleep(0.1)
                now = cpu_ticks(pid)
                quiet = quiet + 1 if now == last else 0
                last = now
            for k in range(keys):
                before = t.screen(True)
                t0 = time.perf_counter()
                t.tmux("send-keys", "-t", "b", "Down" if k % 2 == 0 else "Up")
                if wait_for(lambda: t.screen(True) != before, 5) is not None:
                    per_key.append(time.perf_counter() - t0)
            rss = max(rss, peak_rss_kib(pid))
        finally:
            t.kill()
    return statistics.median(firsts), statistics.median(per_key) if per_key else None, rss


# ---------------------------------------------------------------------------------------------


def main():
    global WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("work", nargs="?")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--before", help="an earlier clanscope binary, measured beside this one")
    ap.add_argument("--quick", action="store_true", help="small inputs, one run (smoke test)")
    ap.add_argument("--keep", action="store_true", help="keep the generated inputs")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--no-inspector", action="store_true")
    a = ap.parse_args()
    runs = 1 if a.quick else a.runs
    made = a.work is None
    WORK = os.path.abspath(a.work or tempfile.mkdtemp(prefix="clanscope-bench-"))
    os.makedirs(WORK, exist_ok=True)
    cs = os.path.join(ROOT, "target/release/clanscope")
    before = os.path.abspath(a.before) if a.before else None
    load0 = os.getloadavg()
    try:
        groups, extra = measure(cs, before, runs, a)
    finally:
        if not a.keep:
            for name in os.listdir(WORK):
                if name.startswith("bench-"):
                    p = os.path.join(WORK, name)
                    shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
            if made:
                shutil.rmtree(WORK, ignore_errors=True)
    write(a.out, groups, extra, runs, before, load0)
    log(f"written {a.out}")


def dump_group(title, f, size, cs, before, runs):
    cmds = [Cmd("clanscope", [cs, "dump", f]),
            Cmd("clanscope --color", [cs, "dump", "--color", "always", f], "clanscope")]
    if before:
        cmds += [Cmd("clanscope before", [before, "dump", f], "clanscope"),
                 Cmd("clanscope before --color", [before, "dump", "--color", "always", f],
                     "clanscope --color")]
    cmds += [Cmd("xxd", ["xxd", f], "clanscope"),
             Cmd("hexdump -C", ["hexdump", "-C", f], "clanscope"),
             Cmd("hexyl", ["hexyl", "--color=never", f], "clanscope"),
             Cmd("hexyl --color", ["hexyl", "--color=always", f], "clanscope --color")]
    return Group(title, size, cmds, [f], runs).run()


def scan_group(title, f, size, cs, before, runs):
    cmds = [Cmd("clanscope", [cs, "scan", f])]
    if before:
        cmds.append(Cmd("clanscope before", [before, "scan", f], "clanscope"))
    cmds += [Cmd("rg literal", ["rg", "-c", "--text", "Exporting messages", f], "clanscope"),
             Cmd("rg printable runs",
                 ["rg", "-c", "--text", "-U", r"[\x20-\x7e\r\n\t]{16,}", f], "clanscope")]
    return Group(title, size, cmds, [f], runs).run()


def measure(cs, before, runs, a):
    w = lambda name: os.path.join(WORK, name)
    dump_size = 16 * MiB if a.quick else 256 * MiB
    scan_size = 64 * MiB if a.quick else 1 * GiB
    files = 2000 if a.quick else 20000
    groups, extra = [], {}

    rnd = gen("random", w("bench-random-dump"), dump_size)
    txt = gen("text", w("bench-text-dump"), dump_size)
    groups.append(dump_group(f"dump, {dump_size >> 20} MiB of random bytes", rnd, dump_size,
                             cs, before, runs))
    groups.append(dump_group(f"dump, {dump_size >> 20} MiB of text", txt, dump_size, cs,
                             before, runs))
    os.remove(rnd)
    os.remove(txt)

    srnd = gen("random", w("bench-random"), scan_size)
    for title, kind, args in [("random bytes", "random", ()), ("30% text", "mixed", (30,)),
                              ("text", "text", ())]:
        f = srnd if kind == "random" else gen(kind, w(f"bench-{kind}"), scan_size, *args)
        groups.append(scan_group(f"scan, {scan_size >> 20} MiB of {title}", f, scan_size, cs,
                                 before, runs))
        if f != srnd:
            os.remove(f)
    folder = gen("folder", w("bench-folder"), files)
    fsize = sum(os.path.getsize(os.path.join(d, x)) for d, _, fs in os.walk(folder) for x in fs)
    groups.append(scan_group(f"scan, a folder of {files:,} files of 1-64 KiB "
                             f"({fsize / 1e6:.0f} MB)", folder, fsize, cs, before, runs))
    extra["syscalls"] = syscalls(cs, folder)
    shutil.rmtree(folder)

    cmds = [Cmd("clanscope export", [cs, "export", srnd])]
    if before:
        cmds.append(Cmd("clanscope before", [before, "export", srnd], "clanscope export"))
    cmds += [Cmd("sha256sum", ["sha256sum", srnd], "clanscope export"),
             Cmd("openssl", ["openssl", "dgst", "-sha256", srnd], "clanscope export")]
    groups.append(Group(f"export (findings, and the SHA-256 of the whole file), "
                        f"{scan_size >> 20} MiB of random bytes", scan_size, cmds, [srnd],
                        runs).run())

    groups.append(undump_group(srnd, cs, before, runs, a.quick))
    extra["memory"] = memory_rows(cs, srnd, scan_size, a.quick)
    big = w("bench-random-4x")
    if not a.no_inspector:
        extra["inspector"] = (4 * scan_size, inspector_rows(cs, big))
        extra["inspector-bench"] = inspector_bench()
    return groups, extra


def undump_group(srnd, cs, before, runs, quick):
    n = 16 * MiB if quick else 64 * MiB
    data = os.path.join(WORK, "bench-undump-bytes")
    with open(srnd, "rb") as f, open(data, "wb") as o:
        for _ in range(n // (128 << 10)):
            o.write(f.read(128 << 10))
    # The dump texts go to a folder of their own: clanscope writes nothing (standard output
    # included) into a folder that holds a file it examines.
    texts = os.path.join(WORK, "undump-text")
    os.makedirs(texts, exist_ok=True)
    ours = os.path.join(texts, "bench-undump-clanscope.txt")
    xxd = os.path.join(texts, "bench-undump-xxd.txt")
    with open(ours, "wb") as o:
        subprocess.run([cs, "dump", "--no-squeeze", data], stdout=o, check=True)
    with open(xxd, "wb") as o:
        subprocess.run(["xxd", data], stdout=o, check=True)
    cmds = [Cmd("clanscope undump", [cs, "undump", ours])]
    if before:
        cmds.append(Cmd("clanscope before", [before, "undump", ours], "clanscope undump"))
    cmds += [Cmd("clanscope undump (xxd text)", [cs, "undump", xxd], "clanscope undump"),
             Cmd("xxd -r", ["xxd", "-r", xxd], "clanscope undump")]
    g = Group(f"undump, the dump of {n >> 20} MiB of random bytes "
              f"(throughput in bytes recovered)", n, cmds, [ours, xxd], runs).run()
    for p in (data, ours, xxd):
        os.remove(p)
    os.rmdir(texts)
    return g


def memory_rows(cs, srnd, size, quick):
    """Peak RSS at two file sizes (the second four times the first), one run each."""
    log("== memory at two sizes")
    big = os.path.join(WORK, "bench-random-4x")
    with open(big, "wb") as o:
        for _ in range(4):
            with open(srnd, "rb") as f:
                shutil.copyfileobj(f, o, 128 << 10)
    rows = []
    for what, argv in [("dump", ["dump"]), ("dump --color", ["dump", "--color", "always"]),
                       ("scan", ["scan"]), ("export", ["export"])]:
        got = []
        for f in (srnd, big):
            warm([f])
            secs, rss, _ = run_once(Cmd(what, [cs, *argv, f]))
            got.append((secs, rss))
        rows.append((what, got))
        log(f"   {what:<14} {got[0][1] / 1024:8.1f} MiB -> {got[1][1] / 1024:8.1f} MiB")
    return {"sizes": (size, 4 * size), "rows": rows}


def inspector_rows(cs, big):
    log("== inspector (tmux)")
    rows = []
    for tool, argv, marker in [
        ("clanscope view", [cs, "view", big], r"\b[0-9A-F]+:0010\b"),
        ("heh", ["heh", big], r"00000000"),
    ]:
        if shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
            continue
        r = inspect_in_tmux(tool, argv, marker, keys=20, tries=3)
        if r:
            rows.append((tool, " ".join(shorten(x) for x in argv), *r))
            log(f"   {tool:<16} first frame {r[0] * 1e3:.0f} ms, key {r[1] * 1e3:.1f} ms, "
                f"{r[2] / 1024:.0f} MiB")
    os.remove(big)
    return rows


def inspector_bench():
    """The inspector engineer's in-process bench (benches/inspector.rs), when it exists."""
    if not os.path.exists(os.path.join(HERE, "inspector.rs")):
        return None
    log("== cargo bench --bench inspector")
    out = subprocess.run(["cargo", "bench", "-q", "--bench", "inspector"], cwd=ROOT,
                         capture_output=True, text=True)
    return [l for l in out.stdout.splitlines() if l.strip()]


def syscalls(cs, folder):
    """System calls of a folder scan, per file (strace -c), when strace is installed."""
    if shutil.which("strace") is None:
        return None
    log("== system calls of the folder scan (strace -f -c)")
    out = subprocess.run(["strace", "-f", "-c", "-o", "/dev/stderr", cs, "scan", folder],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    counts = {}
    for line in out.stderr.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[-1].isidentifier() and parts[3].isdigit():
            counts[parts[-1]] = int(parts[3])
    return counts


def write(path, groups, extra, runs, before, load0):
    m = machine()
    load1 = os.getloadavg()
    lines = ["# Benchmarks: clanscope beside its peers", "",
             "Generated by `bash benches/run.sh` (benches/bench.py); do not edit by hand.", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in m.items()]
    lines += [f"| load average (1 min) at start, end | {load0[0]:.2f}, {load1[0]:.2f} |",
              f"| runs per median | {runs} after one warm-up run, round-robin within each group, "
              f"files in the page cache; commands slower than {SLOW:.0f} s a run: {SLOW_RUNS}, "
              f"the warm-up included (the *runs* column) |",
              f"| clanscope | {version([os.path.join(ROOT, 'target/release/clanscope'), '--version'])}"
              f" ({git_rev()}) |"]
    if before:
        lines.append(f"| clanscope before | {shorten(before)} |")
    for tool, argv in [("xxd", ["xxd", "-v"]), ("hexdump", ["hexdump", "-V"]),
                       ("hexyl", ["hexyl", "--version"]), ("ripgrep", ["rg", "--version"]),
                       ("sha256sum", ["sha256sum", "--version"]),
                       ("openssl", ["openssl", "version"]), ("heh", ["sh", "-c", "cargo install --list | grep '^heh ' || heh --version"])]:
        lines.append(f"| {tool} | {version(argv)} |")
    lines += ["", "Times are medians of wall-clock seconds; *× clanscope* is the time divided by "
              "clanscope's time in the same mode (below 1: the peer is faster). Output goes to "
              "/dev/null.", ""]
    lines += targets(groups, extra)
    for x in groups:
        lines.append(x.markdown())
    lines += memory_md(extra.get("memory"))
    lines += inspector_md(extra.get("inspector"), extra.get("inspector-bench"))
    sc = extra.get("syscalls")
    if sc:
        lines += ["### System calls of the folder scan (`strace -f -c`)", "",
                  "| call | count |", "|---|---:|"]
        for k, v in sorted(sc.items(), key=lambda kv: -kv[1])[:12]:
            lines.append(f"| {k} | {v:,} |")
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def targets(groups, extra):
    """The targets of issue 13, each met or not, with its figure."""
    out = ["## Targets", "", "| target | figure | met |", "|---|---|---|"]
    for x in groups:
        if x.title.startswith("scan, a folder"):
            r = x.median("clanscope") / x.median("rg literal")
            out.append(f"| folder scan within 1.5× of `rg -c --text 'Exporting messages'` | "
                       f"{r:.2f}× | {'yes' if r <= 1.5 else 'no'} |")
        if x.title.startswith("scan,") and x.title.endswith("of random bytes"):
            r = x.median("clanscope") / x.median("rg literal")
            out.append(f"| scan of random bytes within 1.5× of `rg -c --text 'Exporting "
                       f"messages'` (issue 9) | {r:.2f}× | {'yes' if r <= 1.5 else 'no'} |")
        if x.title.startswith("scan,") and x.title.endswith("of 30% text"):
            gbs = x.size / x.median("clanscope") / 1e9
            out.append(f"| scan of 30% text at ≥ 1.5 GB/s (issue 9) | {gbs:.2f} GB/s | "
                       f"{'yes' if gbs >= 1.5 else 'no'} |")
        if x.title.startswith("scan,") and x.title.endswith("MiB of text"):
            r = x.median("clanscope") / x.median("rg printable runs")
            out.append(f"| scan of pure text within 1× of `rg -c --text -U "
                       f"'[\\x20-\\x7e\\r\\n\\t]{{16,}}'` (issue 9) | {r:.2f}× | "
                       f"{'yes' if r <= 1.0 else 'no'} |")
        if x.title.startswith("dump,"):
            r = x.median("clanscope") / x.median("clanscope --color")
            what = x.title.split(" of ", 1)[1]
            out.append(f"| colour dump at ≥ 50% of plain throughput ({what}) | {r * 100:.0f}% | "
                       f"{'yes' if r >= 0.5 else 'no'} |")
    mem = extra.get("memory")
    if mem:
        for what, got in mem["rows"]:
            r = got[1][1] / max(got[0][1], 1)
            out.append(f"| {what}: memory flat in file size (4× the file) | "
                       f"{got[0][1] / 1024:.0f} → {got[1][1] / 1024:.0f} MiB ({r:.2f}×) | "
                       f"{'yes' if r < 1.25 else 'no'} |")
    out.append("")
    return out


def memory_md(mem):
    if not mem:
        return []
    a, b = mem["sizes"]
    out = [f"### Peak RSS at two file sizes ({a >> 20} MiB and {b >> 20} MiB of random bytes, "
           "one run each)", "",
           f"| command | time, {a >> 20} MiB | peak RSS | time, {b >> 20} MiB | peak RSS |",
           "|---|---:|---:|---:|---:|"]
    for what, got in mem["rows"]:
        out.append(f"| clanscope {what} | {got[0][0]:.2f} s | {got[0][1] / 1024:,.1f} MiB | "
                   f"{got[1][0]:.2f} s | {got[1][1] / 1024:,.1f} MiB |")
    out.append("")
    return out


def inspector_md(inspector, bench):
    out = []
    size, rows = inspector or (0, None)
    if rows:
        out += [f"### The inspector on a {size >> 20} MiB file of random bytes "
                "(160×50 tmux window)", "",
                "First frame: from starting the program to its first dump lines on the screen. "
                "Key to frame: from sending Down or Up to a changed screen (colours included), "
                "after the program went idle; measured through tmux, so both figures include "
                "tmux's own latency (a few ms). Medians of 3 starts and 20 keys each.", "",
                "| tool | command | first frame | key to frame | peak RSS |",
                "|---|---|---:|---:|---:|"]
        for tool, cmd, first, key, rss in rows:
            k = f"{key * 1e3:.1f} ms" if key is not None else "?"
            out.append(f"| {tool} | `{cmd}` | {first * 1e3:.0f} ms | {k} | "
                       f"{rss / 1024:,.1f} MiB |")
        out.append("")
    if bench:
        out += ["In process (`cargo bench --bench inspector`, no terminal in between):", "",
                "```"] + bench + ["```", ""]
    return out


def git_rev():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
