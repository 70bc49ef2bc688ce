#!/usr/bin/env bash
# Trains in real firmware under QEMU and checks it against the host:
#   1. the host run of firmware/shared/reference.rs matches firmware/expected.txt;
#   2. Boston housing on a Cortex-M4F (mps2-an386) and XOR on a Cortex-M0
#      (microbit, 16 KB RAM, soft float) exit 0 and print the same bits;
#   3. the memory bars hold (training state, stack, flash, RAM);
#   4. the panic-never images link at opt-level "s" and 3 on both targets.
# Needs qemu-system-arm and the thumbv7em-none-eabihf and thumbv6m-none-eabi
# targets. Runs from any directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export CARGO_TERM_COLOR=never

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v qemu-system-arm >/dev/null \
    || fail "qemu-system-arm not found (apt-get install --no-install-recommends qemu-system-arm)"

M4=thumbv7em-none-eabihf
M0=thumbv6m-none-eabi
# -icount shift=0: one instruction per virtual ns, so SysTick counts instructions.
QEMU_OPTS=(-nographic -icount shift=0 -semihosting-config enable=on,target=native)
declare -A MACHINE=([$M4]="-machine mps2-an386 -cpu cortex-m4" [$M0]="-machine microbit")

fw_cargo() { (cd "$here" && CARGO_TARGET_DIR="$here/target" cargo "$@"); }

# Runs image $2 built for target $1 with profile $3, output into $4.
run_image() {
    local target=$1 bin=$2 profile=$3 out=$4 status=0
    # shellcheck disable=SC2086
    timeout 120 qemu-system-arm ${MACHINE[$target]} "${QEMU_OPTS[@]}" \
        -kernel "$here/target/$target/$profile/$bin" >"$out" </dev/null || status=$?
    cat "$out"
    [ "$status" -eq 0 ] || fail "$bin on $target exited with status $status"
}

# The firmware must print every `prefix.*` line of expected.txt verbatim.
check_expected() {
    local prefix=$1 out=$2 line
    while IFS= read -r line; do
        grep -qxF "$line" "$out" || fail "firmware printed $(grep "^${line%%=*}=" "$out" || echo nothing) but the host has $line"
    done < <(grep "^$prefix\." "$here/expected.txt")
    echo "bit-exact with the host: every $prefix.* line of expected.txt"
}

get() { grep "^$1=" "$2" | head -1 | cut -d= -f2; }
bar() {  # name value limit
    if [ "$2" -le "$3" ]; then echo "  ok   $1: $2 <= $3"; else fail "$1: $2 > $3"; fi
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

step "host reference (tests/firmware_reference.rs vs firmware/expected.txt)"
(cd "$root" && cargo test --quiet --test firmware_reference)

step "Boston housing, Cortex-M4F ($M4, mps2-an386)"
fw_cargo build --release --target $M4 --bin housing
run_image $M4 housing release "$tmp/housing.txt"
check_expected housing "$tmp/housing.txt"

step "XOR, Cortex-M0 ($M0, microbit: 16 KB RAM, no FPU)"
fw_cargo build --release --target $M0 --bin xor
run_image $M0 xor release "$tmp/xor.txt"
check_expected xor "$tmp/xor.txt"

step "panic-never: training and prediction link with no panic path"
for target in $M4 $M0; do
    for profile in release-s release-3; do
        fw_cargo build --quiet --profile $profile --target $target --bin panic_never
        echo "  ok   $target, profile $profile (opt-level ${profile#release-})"
    done
done
# the panic-free image computes the same bits too (housing and XOR, on both cores)
for target in $M4 $M0; do
    run_image $target panic_never release-s "$tmp/pn.txt" >/dev/null
    echo "  ok   panic_never on $target matches the host"
done

step "bars"
h="$tmp/housing.txt" x="$tmp/xor.txt"
flash_m4=$(( $(get flash_bytes "$h") - $(get baked_data_bytes "$h") ))
ram_m0=$(( $(get static_ram_bytes "$x") + $(get stack_peak_program_bytes "$x") ))
bar "M4F housing: training state (net + grads + optimizer + cache), bytes" "$(get training_state_bytes "$h")" 1024
bar "M4F housing: stack peak of the training call, bytes" "$(get stack_peak_fit_bytes "$h")" 2048
bar "M4F housing: flash without the baked data, bytes" "$flash_m4" 32768
bar "M4F housing: test MSE (milli)" "$(get test_mse_milli "$h")" 20000
bar "M0 XOR: static RAM + whole-program stack peak, bytes" "$ram_m0" 4096
echo "  (report) M4F instructions per training sample: $(get instructions_per_sample "$h") (target 500)"

step "figures"
printf '%-44s %12s %12s\n' "" "M4F housing" "M0 XOR"
row() { printf '%-44s %12s %12s\n' "$1" "$(get "$2" "$h")" "$(get "$2" "$x")"; }
row "flash, bytes (code + rodata + data init)" flash_bytes
printf '%-44s %12s %12s\n' "  of which baked data set" "$(get baked_data_bytes "$h")" 0
row "static RAM, bytes (data + bss)" static_ram_bytes
row "stack peak of the training call, bytes" stack_peak_fit_bytes
row "stack peak of the whole program, bytes" stack_peak_program_bytes
row "network parameters, bytes" net_bytes
row "trainer (grads, optimizer state, cache), bytes" trainer_bytes
row "training state total, bytes" training_state_bytes
printf '%-44s %12s %12s\n' "epochs" "$(get housing.epochs "$h")" "$(get xor.epochs "$x")"
row "instructions per epoch" instructions_per_epoch
row "instructions per sample" instructions_per_sample
printf '%-44s %12s %12s\n' "test MSE (milli) / XOR right of 4" "$(get test_mse_milli "$h")" "$(get xor.correct "$x")"
echo
echo "firmware OK"
