#!/usr/bin/env bash
# Side-by-side benchmarks against the peers the issues name, in one run:
#   dump:  clanscope dump vs xxd vs hexyl --color=never on a 200 MiB random file
#   scan:  clanscope scan vs rg -c --text 'Exporting messages' on a 1 GiB store (warm cache)
#   memory: peak RSS of dump (200 MiB vs 2 GiB) and scan (1 GiB vs 4 GiB)
# Installs xxd, hexyl, ripgrep and GNU time with apt-get when missing. Prints ratios.
# Usage: bash benches/peers.sh [WORKDIR]   (needs about 8 GiB of free disk in WORKDIR)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v xxd >/dev/null || need+=(xxd)
command -v hexyl >/dev/null || need+=(hexyl)
command -v rg >/dev/null || need+=(ripgrep)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release -q
B="$PWD/target/release/clanscope"

work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cleanup() { rm -f "$work"/bench-*; }
trap cleanup EXIT

# best of 3 wall-clock seconds of a command (output to /dev/null; exit status ignored, since
# scan exits 1 when it finds something)
tf="$work/bench-time"
best() {
    local b=999999 t
    for _ in 1 2 3; do
        /usr/bin/time -f "%e" -o "$tf" "$@" >/dev/null 2>/dev/null || true
        t=$(tail -1 "$tf")
        b=$(python3 -c "print(min($b, $t))")
    done
    echo "$b"
}
rss() { /usr/bin/time -f "%M" -o "$tf" "$@" >/dev/null 2>/dev/null || true; tail -1 "$tf"; }
ratio() { python3 -c "print(f'{$1/$2:.1f}')"; }
mbs() { python3 -c "print(f'{$1/$2/1e6:.0f}')"; }

echo "== dump: 200 MiB of random bytes to /dev/null"
head -c $((200 << 20)) /dev/urandom > "$work/bench-r200"
cat "$work/bench-r200" > /dev/null
size=$((200 << 20))
tc=$(best "$B" dump "$work/bench-r200")
tx=$(best xxd "$work/bench-r200")
th=$(best hexyl --color=never "$work/bench-r200")
printf "%-28s %8s s %8s MB/s\n" "clanscope dump" "$tc" "$(mbs $size $tc)"
printf "%-28s %8s s %8s MB/s   clanscope is %sx faster\n" "xxd" "$tx" "$(mbs $size $tx)" "$(ratio $tx $tc)"
printf "%-28s %8s s %8s MB/s   clanscope is %sx faster\n" "hexyl --color=never" "$th" "$(mbs $size $th)" "$(ratio $th $tc)"

echo "== dump: peak memory, 200 MiB vs 2 GiB"
head -c $((2 << 30)) /dev/urandom > "$work/bench-r2g"
m1=$(rss "$B" dump "$work/bench-r200"); m2=$(rss "$B" dump "$work/bench-r2g")
echo "clanscope dump max RSS: 200 MiB -> ${m1} KB, 2 GiB -> ${m2} KB"
rm -f "$work/bench-r2g"

echo "== scan: 1 GiB store (random, sparse zero regions, planted writes), warm cache"
python3 - "$work/bench-s1g" <<'PY'
import os, sys
path = sys.argv[1]
size = 1 << 30
with open(path, "wb") as f:
    chunk = 64 << 20
    for i in range(size // chunk):
        f.write(os.urandom(chunk))
w = b'\r\n\r\nExporting messages in mailbox "randyyeh_ee" to file EXPORT\\MSG4A27.CCM\r\n'
with open(path, "r+b") as f:
    for at in range(0, size, 128 << 20):           # zero regions
        f.seek(at); f.write(bytes(8 << 20))
    for k, at in enumerate(range(12345, size, 97 << 20)):  # planted writes
        f.seek(at); f.write(w)
PY
cat "$work/bench-s1g" > /dev/null
size=$((1 << 30))
tc=$(best "$B" scan "$work/bench-s1g")
tr=$(best rg -c --text 'Exporting messages' "$work/bench-s1g")
printf "%-36s %8s s %8s MB/s\n" "clanscope scan" "$tc" "$(mbs $size $tc)"
printf "%-36s %8s s %8s MB/s   clanscope takes %sx ripgrep's time\n" "rg -c --text 'Exporting messages'" "$tr" "$(mbs $size $tr)" "$(ratio $tc $tr)"
"$B" scan "$work/bench-s1g" | tail -3 || true

echo "== scan: peak memory, 1 GiB vs 4 GiB"
for _ in 1 2 3 4; do cat "$work/bench-s1g"; done > "$work/bench-s4g"
m1=$(rss "$B" scan "$work/bench-s1g"); m4=$(rss "$B" scan "$work/bench-s4g")
echo "clanscope scan max RSS: 1 GiB -> ${m1} KB, 4 GiB -> ${m4} KB"
