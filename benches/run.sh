#!/usr/bin/env bash
# The one benchmark table: every hot path of clanscope side by side with its peers, in one run,
# written to benches/RESULTS.md (medians, ratios, peak RSS, the machine it ran on).
#
#   bash benches/run.sh [WORKDIR] [--runs N] [--before BIN | --before-ref REF] [--quick] [--keep]
#
# WORKDIR holds the generated inputs (about 6 GiB at the default sizes; default: a new temporary
# folder); they are removed at the end unless --keep. --before BIN measures an earlier build
# beside this one; --before-ref REF builds that git revision first (into target/bench-before).
# Installs the peers when missing: xxd, hexdump (bsdextrautils), hexyl, ripgrep, openssl, GNU
# time, tmux, strace with apt-get; heh with cargo install. Takes several minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v xxd >/dev/null || need+=(xxd)
command -v hexdump >/dev/null || need+=(bsdextrautils)
command -v hexyl >/dev/null || need+=(hexyl)
command -v rg >/dev/null || need+=(ripgrep)
command -v openssl >/dev/null || need+=(openssl)
command -v tmux >/dev/null || need+=(tmux)
command -v strace >/dev/null || need+=(strace)
command -v python3 >/dev/null || need+=(python3)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}" >&2
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v heh >/dev/null || [ -x "$HOME/.cargo/bin/heh" ] || cargo install -q heh
export PATH="$PATH:$HOME/.cargo/bin"

args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --before-ref)
        rev=$(git rev-parse --short "$2")
        dir="target/bench-before/$rev"
        if [ ! -x "$dir/target/release/clanscope" ]; then
            echo "building $2 ($rev) into $dir" >&2
            rm -rf "$dir/src" && mkdir -p "$dir/src"
            git archive "$rev" | tar -x -C "$dir/src"
            cargo build -q --release --manifest-path "$dir/src/Cargo.toml" \
                --target-dir "$dir/target"
        fi
        args+=(--before "$dir/target/release/clanscope")
        shift 2
        ;;
    *)
        args+=("$1")
        shift
        ;;
    esac
done

cargo build -q --release
exec python3 benches/bench.py "${args[@]}"
