#!/bin/sh
# Regenerates the README's "Speed on the host" tables (see the header of
# benches/summary.rs):
#   1. builds and runs the summary with -C target-cpu=native, in its own
#      target directory so the normal build is not invalidated, saving its
#      medians to target/host-speed-native.tsv;
#   2. runs the normal build, which adds those as a second table and writes
#      the block between the host-speed markers in README.md.
# Arguments go to both runs: `benches/host-speed.sh --quick --readme /tmp/R.md`
# tries it on a copy of README.md (make the copy first); --quick needs it.
# Wall-clock figures: run by hand on a quiet machine, never in CI.
set -eu
cd "$(dirname "$0")/.."
quick=no readme=no
for a in "$@"; do
    case "$a" in
        --quick) quick=yes ;;
        --readme) readme=yes ;;
    esac
done
if [ "$quick" = yes ] && [ "$readme" = no ]; then
    echo "host-speed.sh: a --quick run needs --readme PATH (README.md gets full runs only)" >&2
    exit 2
fi
native=target/host-speed-native.tsv
mkdir -p target
RUSTFLAGS="${RUSTFLAGS:-} -C target-cpu=native" \
CARGO_TARGET_DIR="${NATIVE_TARGET_DIR:-target/native}" \
    cargo bench --bench summary -- --save "$native" "$@"
cargo bench --bench summary -- --native "$native" --write-readme "$@"
