#!/usr/bin/env bash
# Trains in real firmware under QEMU, checks it against the host and
# regenerates the microcontroller figures of the README:
#   1. the host run of firmware/shared/reference.rs matches firmware/expected.txt;
#   2. at opt-level 2, "s" and 3: Boston housing and the TinyMind workload
#      (Trainer::fit, the fused loop and a baseline that does not train) on
#      a Cortex-M4F (mps2-an386), XOR on a Cortex-M0 (microbit, 16 KB RAM,
#      no FPU) in soft-float f32 and in Q16.16 fixed point; every image
#      exits 0 and prints the host's bits;
#   3. the panic-never images link at opt-level "s" and 3 on both targets;
#   4. the memory bars hold (training state, stack, flash, RAM);
#   5. the tables between the `<!-- firmware-figures:NAME:begin -->` and
#      `<!-- firmware-figures:NAME:end -->` markers of README.md are the ones
#      this run measured: QEMU's counts and the sizes are deterministic, so
#      a difference means stale figures and the script fails with a diff.
#
# Usage: firmware/run.sh [--bless]
#   --bless (or STACKNET_BLESS=1): rewrite the README's figures instead of
#   failing on a difference. (firmware/expected.txt is the host's, rewritten
#   by `STACKNET_BLESS=1 cargo test --test firmware_reference`.)
#
# Needs qemu-system-arm and the thumbv7em-none-eabihf and thumbv6m-none-eabi
# targets. Runs from any directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
readme="$root/README.md"
export CARGO_TERM_COLOR=never

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

bless="${STACKNET_BLESS:-}"
for arg in "$@"; do
    case "$arg" in
        --bless) bless=1 ;;
        *) fail "unknown argument $arg (usage: firmware/run.sh [--bless])" ;;
    esac
done

command -v qemu-system-arm >/dev/null \
    || fail "qemu-system-arm not found (apt-get install --no-install-recommends qemu-system-arm)"

M4=thumbv7em-none-eabihf
M0=thumbv6m-none-eabi
PROFILES=(release release-s release-3)
declare -A OPT=([release]='opt 2 (default)' [release-s]='opt `"s"`' [release-3]='opt 3')
M4_BINS=(housing tinymind_base tinymind_fit tinymind_fused drift)
M0_BINS=(xor xor_q16 housing_m0 housing_q16)
# -icount shift=0: one instruction per virtual ns, so SysTick counts instructions.
QEMU_OPTS=(-nographic -icount shift=0 -semihosting-config enable=on,target=native)
declare -A MACHINE=([$M4]="-machine mps2-an386 -cpu cortex-m4" [$M0]="-machine microbit")

# TinyMind's figures on the same workload (given, not measured here):
# instructions per sample and flash added by training at opt 2, "s", 3;
# training state in bytes.
declare -A TINYMIND_INSTRUCTIONS=([release]=1005 [release-s]=1038 [release-3]=874)
declare -A TINYMIND_FLASH=([release]=2488 [release-s]=2080 [release-3]=5976)
TINYMIND_STATE=704

# The images are built from a copy of the sources at one fixed path, so
# that they (and so the figures) do not depend on where the repository was
# cloned: the compiler's symbol hashes include a path dependency's location,
# and they steer its inlining, and panic-location strings carry the path.
build_root="${STACKNET_FIRMWARE_BUILD:-/tmp/stacknet-firmware-build}"
if [ "$build_root" != "$root" ]; then
    mkdir -p "$build_root"
    find "$build_root" -mindepth 1 -maxdepth 1 ! -name firmware -exec rm -rf {} +
    find "$build_root/firmware" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} + 2>/dev/null || true
    tar -C "$root" --exclude=./target --exclude=./firmware/target --exclude=./.git -cf - . \
        | tar -C "$build_root" -xf -
fi
build="$build_root/firmware"
remap="--remap-path-prefix=$build_root=/stacknet --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
fw_cargo() { (cd "$build" && CARGO_TARGET_DIR="$build/target" RUSTFLAGS="$remap" cargo "$@"); }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out() { echo "$tmp/$1-$2.txt"; }  # output of image $1 built with profile $2

# Runs image $2 built for target $1 with profile $3, output into $4.
run_image() {
    local target=$1 bin=$2 profile=$3 file=$4 status=0
    # shellcheck disable=SC2086
    timeout 120 qemu-system-arm ${MACHINE[$target]} "${QEMU_OPTS[@]}" \
        -kernel "$build/target/$target/$profile/$bin" >"$file" </dev/null || status=$?
    [ "$status" -eq 0 ] || { cat "$file"; fail "$bin ($profile) on $target exited with status $status"; }
}

# The firmware must print every line of expected.txt whose key matches the
# extended regex $1, verbatim.
check_expected() {
    local keys=$1 file=$2 line n=0
    while IFS= read -r line; do
        grep -qxF "$line" "$file" \
            || fail "$file: firmware printed $(grep "^${line%%=*}=" "$file" || echo nothing) but the host has $line"
        n=$((n + 1))
    done < <(grep -E "^($keys)=" "$here/expected.txt")
    [ "$n" -gt 0 ] || fail "no line of expected.txt matches $keys"
}

get() {  # key file
    local v
    v=$(grep "^$1=" "$2" | head -1 | cut -d= -f2)
    [ -n "$v" ] || fail "$2 has no $1"
    echo "$v"
}
# 12345 -> 12,345
n() {
    local s=$1 r=""
    while [ ${#s} -gt 3 ]; do r=",${s: -3}$r"; s=${s:0:${#s}-3}; done
    echo "$s$r"
}
milli() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
bar() {  # name value limit
    if [ "$2" -le "$3" ]; then echo "  ok   $1: $2 <= $3"; else fail "$1: $2 > $3"; fi
}

step "host reference (tests/firmware_reference.rs vs firmware/expected.txt)"
(cd "$root" && env -u STACKNET_BLESS cargo test --quiet --test firmware_reference)

step "build: ${M4_BINS[*]} for $M4, ${M0_BINS[*]} for $M0, at opt 2, \"s\" and 3"
for profile in "${PROFILES[@]}"; do
    fw_cargo build --quiet --profile "$profile" --target $M4 "${M4_BINS[@]/#/--bin=}"
    fw_cargo build --quiet --profile "$profile" --target $M0 "${M0_BINS[@]/#/--bin=}"
    echo "  ok   $profile"
done

step "run under QEMU, bit-exact with the host"
for profile in "${PROFILES[@]}"; do
    run_image $M4 housing "$profile" "$(out housing "$profile")"
    check_expected 'housing\.[a-z_]+' "$(out housing "$profile")"
    for mode in base fit fused; do
        run_image $M4 "tinymind_$mode" "$profile" "$(out "tinymind_$mode" "$profile")"
        keys='tinymind\.(rows|start_mse)'
        [ $mode = base ] || keys="$keys|tinymind\\.$mode\\.[a-z_]+"
        check_expected "$keys" "$(out "tinymind_$mode" "$profile")"
    done
    # drift: two boots in one QEMU run; the second must load the first's
    # checkpoint (the same record CRC) and compute the host's bits
    run_image $M4 drift "$profile" "$(out drift "$profile")"
    check_expected 'drift\.[a-z_]+' "$(out drift "$profile")"
    grep -qx "boot=2" "$(out drift "$profile")" || fail "drift ($profile): no second boot"
    saved=$(grep -o 'checkpoint\.crc=0x[0-9a-f]*' "$(out drift "$profile")" | cut -d= -f2)
    loaded=$(grep -o 'resumed\.crc=0x[0-9a-f]*' "$(out drift "$profile")" | cut -d= -f2)
    [ -n "$saved" ] && [ "$saved" = "$loaded" ] \
        || fail "drift ($profile): checkpoint CRC $saved but resumed from $loaded"
    run_image $M0 xor "$profile" "$(out xor "$profile")"
    check_expected 'xor\.[a-z_]+' "$(out xor "$profile")"
    run_image $M0 xor_q16 "$profile" "$(out xor_q16 "$profile")"
    check_expected 'xor_q16\.[a-z_]+' "$(out xor_q16 "$profile")"
    for bin in housing_m0 housing_q16; do
        run_image $M0 $bin "$profile" "$(out $bin "$profile")"
        check_expected "$bin\\.[a-z_]+" "$(out $bin "$profile")"
    done
    echo "  ok   $profile: housing, tinymind_{base,fit,fused}, drift on the M4F; xor, xor_q16, housing_m0, housing_q16 on the M0"
done
cat "$(out housing release)" "$(out tinymind_fit release)" "$(out tinymind_fused release)" \
    "$(out xor release)" "$(out xor_q16 release)" "$(out housing_m0 release)" "$(out housing_q16 release)" \
    "$(out drift release)"

step "panic-never: training and prediction link with no panic path"
for target in $M4 $M0; do
    for profile in release-s release-3; do
        fw_cargo build --quiet --profile $profile --target $target --bin panic_never
        echo "  ok   $target, profile $profile (opt-level ${profile#release-})"
    done
done
# the panic-free image computes the same bits too (housing and XOR, on both cores)
for target in $M4 $M0; do
    run_image $target panic_never release-s "$tmp/pn.txt"
    echo "  ok   panic_never on $target matches the host"
done

step "links only what it uses: no double-precision routine or powf in any image"
# From each image's symbol table (firmware/symbols.py, no binutils). The
# images initialise in f32 (StandardScaler::fit_f32; the Q16.16 ones convert
# that f32 start straight to fixed point) and train at a constant rate, so
# neither soft double nor libm's powf may be linked.
for target in $M4 $M0; do
    if [ $target = $M4 ]; then bins=("${M4_BINS[@]}"); else bins=("${M0_BINS[@]}"); fi
    for profile in "${PROFILES[@]}"; do
        for bin in "${bins[@]}"; do
            image="$build/target/$target/$profile/$bin"
            if python3 "$here/symbols.py" "$image" | grep -qE '^__aeabi_d|(add|sub|mul|div)df3$|libm4math4powf'; then
                fail "$bin ($profile) on $target links a double-precision routine or powf"
            fi
        done
    done
    echo "  ok   $target: ${bins[*]} at opt 2, \"s\" and 3"
done

h="$(out housing release)" x="$(out xor release)"
# flash without the baked data set; static RAM + stack of the M0
flash_m4() { echo $(( $(get flash_bytes "$(out housing "$1")") - $(get baked_data_bytes "$(out housing "$1")") )); }
ram_m0() {  # profile [bin]
    local f
    f="$(out "${2:-xor}" "$1")"
    echo $(( $(get static_ram_bytes "$f") + $(get stack_peak_program_bytes "$f") ))
}
# flash added by training: the image minus the baseline, same profile
added() { echo $(( $(get flash_bytes "$(out "tinymind_$1" "$2")") - $(get flash_bytes "$(out tinymind_base "$2")") )); }

step "bars (opt 2, the default profile)"
bar "M4F housing: training state (net + grads + optimizer + cache), bytes" "$(get training_state_bytes "$h")" 1024
bar "M4F housing: stack peak of the training call, bytes" "$(get stack_peak_fit_bytes "$h")" 2048
bar "M4F housing: flash without the baked data, bytes" "$(flash_m4 release)" 32768
bar "M4F housing: test MSE (milli)" "$(get test_mse_milli "$h")" 20000
bar "M0 XOR: static RAM + whole-program stack peak, bytes" "$(ram_m0 release)" 4096
bar "M0 XOR Q16.16: static RAM + whole-program stack peak, bytes" "$(ram_m0 release xor_q16)" 4096
for bin in housing_m0 housing_q16; do
    bar "M0 $bin: static RAM + whole-program stack peak, bytes" "$(ram_m0 release $bin)" 16384
done
# Q16.16's test MSE within 3 % of f32's (the host test asserts it too)
mv_q=$(get test_mse_milli "$(out housing_q16 release)") mv_f=$(get test_mse_milli "$(out housing_m0 release)")
bar "M0 housing: |Q16.16 − f32| test MSE, in 0.1 % of f32's" $(( (mv_q > mv_f ? mv_q - mv_f : mv_f - mv_q) * 1000 / mv_f )) 30

step "figures"
fig="$tmp/figures"
mkdir -p "$fig"
header() {  # the table's first column title
    printf '| %s |' "$1"
    for p in "${PROFILES[@]}"; do printf ' %s |' "${OPT[$p]}"; done
    printf '\n| --- |'
    for _ in "${PROFILES[@]}"; do printf ' ---: |'; done
    printf '\n'
}
# A row: the label, then the shell expression $2 evaluated once per profile
# (in $p) for the cells.
row() {
    local label=$1 expr=$2 p
    printf '| %s |' "$label"
    for p in "${PROFILES[@]}"; do printf ' %s |' "$(eval "$expr")"; done
    printf '\n'
}
# "same bits" where the results equal opt 2's, else the formatted result.
same_or() {  # bin keys-regex formatter profile
    local bin=$1 keys=$2 formatter=$3 p=$4
    if [ "$p" != release ] && diff -q <(grep -E "^($keys)=" "$(out "$bin" "$p")") \
        <(grep -E "^($keys)=" "$(out "$bin" release)") >/dev/null; then
        echo "same bits"
    else
        "$formatter" "$p"
    fi
}
bytes() { echo "$(n "$1") B"; }

hv() { get "$1" "$(out housing "$2")"; }
h_mse() { echo "$(milli "$(hv train_mse_milli "$1")") / $(milli "$(hv test_mse_milli "$1")")"; }
{
    header ""
    row "flash: code + rodata (of which baked data set)" \
        'echo "$(bytes "$(hv flash_bytes $p)") ($(bytes "$(hv baked_data_bytes $p)"))"'
    row "flash without the data set" 'bytes "$(flash_m4 $p)"'
    row "static RAM: data + bss" 'bytes "$(hv static_ram_bytes $p)"'
    row "&nbsp;&nbsp; of which standardised inputs / shuffle order" \
        'echo "$(bytes "$(hv scaled_inputs_bytes $p)") / $(bytes "$(hv order_buffer_bytes $p)")"'
    row "stack peak of the training call (\`Trainer::fit\`)" 'bytes "$(hv stack_peak_fit_bytes $p)"'
    row "stack peak of the whole program" 'bytes "$(hv stack_peak_program_bytes $p)"'
    row "training state: network $(bytes "$(get net_bytes "$h")") + trainer $(bytes "$(get trainer_bytes "$h")") (gradient, velocity, cache)" \
        'bytes "$(hv training_state_bytes $p)"'
    row "instructions per epoch ($(get train_rows "$h") samples)" 'n "$(hv instructions_per_epoch $p)"'
    row "instructions per training sample" 'n "$(hv instructions_per_sample $p)"'
    row "final train / test MSE" 'same_or housing "housing\.[a-z_]+" h_mse $p'
} >"$fig/housing.md"

xv() { get "$1" "$(out xor "$2")"; }
qv() { get "$1" "$(out xor_q16 "$2")"; }
q="$(out xor_q16 release)"
q_result() {
    local micro
    micro=$(qv loss_micro "$1")
    printf '%s of 4, BCE %d.%06d' "$(qv xor_q16.correct "$1")" $((micro / 1000000)) $((micro % 1000000))
}
# Ten times f32 ÷ Q16.16, truncated: what the bar compares with 40.
ratio_10() { echo $(( $(xv instructions_per_sample "$1") * 10 / $(qv instructions_per_sample "$1") )); }
# f32 ÷ Q16.16 instructions per sample of images $1 and $2 with profile $3,
# rounded to one decimal (the bars' checks truncate).
ratio_of() {
    local f q r
    f=$(get instructions_per_sample "$(out "$1" "$3")")
    q=$(get instructions_per_sample "$(out "$2" "$3")")
    r=$(((f * 10 + q / 2) / q))
    echo "$((r / 10)).$((r % 10))×"
}
ratio() { ratio_of xor xor_q16 "$1"; }
x_result() {
    local micro
    micro=$(xv loss_micro "$1")
    printf '%s of 4, BCE %d.%06d' "$(xv xor.correct "$1")" $((micro / 1000000)) $((micro % 1000000))
}
{
    header ""
    row "flash: code + rodata" 'bytes "$(xv flash_bytes $p)"'
    row "static RAM: data + bss" 'bytes "$(xv static_ram_bytes $p)"'
    row "stack peak of the training call (\`Trainer::fit\`)" 'bytes "$(xv stack_peak_fit_bytes $p)"'
    row "stack peak of the whole program" 'bytes "$(xv stack_peak_program_bytes $p)"'
    row "total RAM: static + whole-program stack" 'bytes "$(ram_m0 $p)"'
    row "training state: network $(bytes "$(get net_bytes "$x")") + trainer $(bytes "$(get trainer_bytes "$x")")" \
        'bytes "$(xv training_state_bytes $p)"'
    row "instructions per epoch (4 samples)" 'n "$(xv instructions_per_epoch $p)"'
    row "instructions per training sample" 'n "$(xv instructions_per_sample $p)"'
    row "result" 'same_or xor "xor\.[a-z_]+" x_result $p'
    row "Q16.16: flash: code + rodata" 'bytes "$(qv flash_bytes $p)"'
    row "Q16.16: stack peak of the training call (\`Trainer::fit\`)" 'bytes "$(qv stack_peak_fit_bytes $p)"'
    row "Q16.16: total RAM: static + whole-program stack" 'bytes "$(ram_m0 $p xor_q16)"'
    row "Q16.16: training state: network $(bytes "$(get net_bytes "$q")") + trainer $(bytes "$(get trainer_bytes "$q")")" \
        'bytes "$(qv training_state_bytes $p)"'
    row "Q16.16: instructions per training sample" 'n "$(qv instructions_per_sample $p)"'
    row "instructions per sample, f32 ÷ Q16.16" 'ratio $p'
    row "Q16.16: result" 'same_or xor_q16 "xor_q16\.[a-z_]+" q_result $p'
} >"$fig/xor.md"

mf() { get "$1" "$(out housing_m0 "$2")"; }
mq() { get "$1" "$(out housing_q16 "$2")"; }
m_mse() {  # bin profile
    echo "$(milli "$(get train_mse_milli "$(out "$1" "$2")")") / $(milli "$(get test_mse_milli "$(out "$1" "$2")")")"
}
mf_mse() { m_mse housing_m0 "$1"; }
mq_mse() { m_mse housing_q16 "$1"; }
m_ratio() { ratio_of housing_m0 housing_q16 "$1"; }
mh="$(out housing_m0 release)"
{
    header "Cortex-M0: 2-4-3-1 ReLU MLP, SGD, batch 1, 404 rows × $(get housing_m0.epochs "$mh") epochs"
    row "soft-float f32: flash: code + rodata (of which baked data set)" \
        'echo "$(bytes "$(mf flash_bytes $p)") ($(bytes "$(mf baked_data_bytes $p)"))"'
    row "&nbsp;&nbsp; static RAM + whole-program stack peak" 'bytes "$(ram_m0 $p housing_m0)"'
    row "&nbsp;&nbsp; stack peak of the training call (\`Trainer::fit\`)" 'bytes "$(mf stack_peak_fit_bytes $p)"'
    row "&nbsp;&nbsp; instructions per training sample" 'n "$(mf instructions_per_sample $p)"'
    row "&nbsp;&nbsp; final train / test MSE" 'same_or housing_m0 "housing_m0\.[a-z_]+" mf_mse $p'
    row "Q16.16: flash: code + rodata (of which baked data set)" \
        'echo "$(bytes "$(mq flash_bytes $p)") ($(bytes "$(mq baked_data_bytes $p)"))"'
    row "&nbsp;&nbsp; static RAM + whole-program stack peak" 'bytes "$(ram_m0 $p housing_q16)"'
    row "&nbsp;&nbsp; stack peak of the training call (\`Trainer::fit\`)" 'bytes "$(mq stack_peak_fit_bytes $p)"'
    row "&nbsp;&nbsp; instructions per training sample" 'n "$(mq instructions_per_sample $p)"'
    row "&nbsp;&nbsp; final train / test MSE" 'same_or housing_q16 "housing_q16\.[a-z_]+" mq_mse $p'
    row "training state (network $(bytes "$(get net_bytes "$mh")") + trainer $(bytes "$(get trainer_bytes "$mh")")), both" \
        'bytes "$(mf training_state_bytes $p)"'
    row "instructions per sample, f32 ÷ Q16.16" 'm_ratio $p'
} >"$fig/housing_m0.md"

dv() { get "$1" "$(out drift "$2")"; }
micro() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
{
    header "Cortex-M4F: 1-8-1 tanh MLP learning a drifting sensor online, Nesterov momentum"
    row "error (MSE) of the host's weights before the drift" 'micro "$(dv before_micro $p)"'
    row "&nbsp;&nbsp; right after the drift" 'micro "$(dv after_drift_micro $p)"'
    row "&nbsp;&nbsp; after learning 4,000 readings one by one (\`Trainer::stream\`)" 'micro "$(dv adapted_micro $p)"'
    row "&nbsp;&nbsp; after the reset, from the checkpoint" 'micro "$(dv resumed_micro $p)"'
    row "instructions per sample: \`Stream::learn\`" 'n "$(dv stream_instructions_per_sample $p)"'
    row "&nbsp;&nbsp; \`Trainer::fit\`, batch 1, one epoch of the same 256 readings (same bits)" 'n "$(dv fit_instructions_per_sample $p)"'
    row "checkpoint: record / stack of the save beyond it" \
        'echo "$(bytes "$(dv checkpoint_record_bytes $p)") / $(bytes "$(dv checkpoint_stack_bytes $p)")"'
    row "flash: code + rodata" 'bytes "$(dv flash_bytes $p)"'
    row "static RAM (emulated flash 1 KB, 256 readings for the comparison)" 'bytes "$(dv static_ram_bytes $p)"'
} >"$fig/drift.md"

tv() { get "$2" "$(out "tinymind_$1" "$3")"; }
t_mse() { echo "$(milli "$(tv fit start_mse_milli "$1")") → $(milli "$(tv fit final_mse_milli "$1")")"; }
{
    header "Cortex-M4F: 2-4-3-1 ReLU MLP, SGD, batch 1, 404 rows × 20 epochs"
    row "instructions per training sample: TinyMind" 'n "${TINYMIND_INSTRUCTIONS[$p]}"'
    row "&nbsp;&nbsp; stacknet \`Trainer::fit\`" 'n "$(tv fit instructions_per_sample $p)"'
    row "&nbsp;&nbsp; stacknet fused loop" 'n "$(tv fused instructions_per_sample $p)"'
    row "flash added by training: TinyMind" 'bytes "${TINYMIND_FLASH[$p]}"'
    row "&nbsp;&nbsp; stacknet \`Trainer::fit\`" 'bytes "$(added fit $p)"'
    row "&nbsp;&nbsp; stacknet fused loop" 'bytes "$(added fused $p)"'
    row "&nbsp;&nbsp; (flash of the baseline image, which does not train)" 'bytes "$(tv base flash_bytes $p)"'
    row "training state: TinyMind" 'bytes "$TINYMIND_STATE"'
    row "&nbsp;&nbsp; stacknet \`Trainer::fit\` (network + trainer)" 'bytes "$(tv fit training_state_bytes $p)"'
    row "&nbsp;&nbsp; stacknet fused loop (network + cache)" 'bytes "$(tv fused training_state_bytes $p)"'
    row "stack peak of the training call: stacknet \`Trainer::fit\`" 'bytes "$(tv fit stack_peak_train_bytes $p)"'
    row "&nbsp;&nbsp; stacknet fused loop" 'bytes "$(tv fused stack_peak_train_bytes $p)"'
    row "&nbsp;&nbsp; (the baseline's empty call: the probe's floor)" 'bytes "$(tv base stack_peak_train_bytes $p)"'
    row "stacknet MSE before → after (\`fit\` and the fused loop: same bits)" \
        'same_or tinymind_fit "tinymind\.[a-z_.]+" t_mse $p'
} >"$fig/tinymind.md"

# The bars: what the firmware must fit in, with the measured figures.
met() { if [ "$1" -le "$2" ]; then echo yes; else echo no; fi; }
per_opt() {  # expression (in $p) -> "a (opt 2), b (opt `"s"`), c (opt 3)"
    local p cells=""
    for p in "${PROFILES[@]}"; do cells+="${cells:+, }$(eval "$1") (${OPT[$p]% (default)})"; done
    echo "$cells"
}
met_per_opt() {  # expression (number, in $p) limit -> "yes", "no" or "yes at ...; no at ..."
    local p yes="" no=""
    for p in "${PROFILES[@]}"; do
        if [ "$(eval "$1")" -le "$2" ]; then yes+="${yes:+, }${OPT[$p]% (default)}"
        else no+="${no:+, }${OPT[$p]% (default)}"; fi
    done
    if [ -z "$no" ]; then echo "yes"
    elif [ -z "$yes" ]; then echo "no"
    else echo "yes at $yes; no at $no"
    fi
}
fit_vs_fused() { echo $(( $(tv fit instructions_per_sample "$1") * 100 / $(tv fused instructions_per_sample "$1") )); }
{
    echo "| bar | measured | met |"
    echo "| --- | --- | --- |"
    echo "| M4F housing: training state ≤ 1 KB (aim 512 B) | $(bytes "$(get training_state_bytes "$h")") | $(met "$(get training_state_bytes "$h")" 1024) |"
    echo "| M4F housing: stack peak of the training call ≤ 2 KB | $(per_opt 'bytes "$(hv stack_peak_fit_bytes $p)"') | $(met_per_opt 'hv stack_peak_fit_bytes $p' 2048) |"
    echo "| M4F housing: flash ≤ 32 KB without the data set | $(per_opt 'bytes "$(flash_m4 $p)"') | $(met_per_opt 'flash_m4 $p' 32768) |"
    echo "| M4F housing: flash ≤ 16 KB without the data set (aim) | same | $(met_per_opt 'flash_m4 $p' 16384) |"
    echo "| M4F housing: test MSE equal to the host's, bit for bit | $(milli "$(get test_mse_milli "$h")") (\`$(get housing.test_mse "$h")\`) at every opt level | yes |"
    echo "| M0 XOR: static RAM + stack peak ≤ 4 KB | $(per_opt 'bytes "$(ram_m0 $p)"') | $(met_per_opt 'ram_m0 $p' 4096) |"
    echo "| M0 XOR in Q16.16: static RAM + stack peak ≤ 4 KB | $(per_opt 'bytes "$(ram_m0 $p xor_q16)"') | $(met_per_opt 'ram_m0 $p xor_q16' 4096) |"
    echo "| M0 XOR: Q16.16 ≥ 4× fewer instructions per sample than soft-float f32 (aim 10×) | $(per_opt 'ratio $p') | $(met_per_opt 'echo $(( 40 - $(ratio_10 $p) ))' 0) |"
    echo "| M0 housing 2-4-3-1, SGD batch 1: Q16.16 ≥ 4× fewer instructions per sample than soft-float f32 (aim 10×) | $(per_opt 'm_ratio $p') | $(met_per_opt 'echo $(( 40 - $(mf instructions_per_sample $p) * 10 / $(mq instructions_per_sample $p) ))' 0) |"
    echo "| M0 housing: Q16.16 test MSE within 3 % of f32's, both bit for bit the host's | $(milli "$mv_q") against $(milli "$mv_f") | $(met $(( (mv_q > mv_f ? mv_q - mv_f : mv_f - mv_q) * 1000 / mv_f )) 30) |"
    echo "| M4F housing: ≤ 500 instructions per training sample | $(per_opt 'n "$(hv instructions_per_sample $p)"') | $(met_per_opt 'hv instructions_per_sample $p' 500) |"
    echo "| M4F TinyMind workload: fewer instructions per sample than TinyMind, with \`Trainer::fit\` | $(per_opt 'n "$(tv fit instructions_per_sample $p)"') | $(met_per_opt 'echo $(( $(tv fit instructions_per_sample $p) - ${TINYMIND_INSTRUCTIONS[$p]} ))' -1) |"
    echo "| M4F TinyMind workload: \`Trainer::fit\` within 10 % of the fused loop's instructions per sample | $(per_opt 'echo "$(fit_vs_fused $p) %"') | $(met_per_opt 'fit_vs_fused $p' 110) |"
} >"$fig/bars.md"

for name in housing xor housing_m0 tinymind drift bars; do
    echo
    cat "$fig/$name.md"
done

step "README figures (between <!-- firmware-figures:NAME:begin/end --> markers)"
for name in housing xor housing_m0 tinymind drift bars; do
    for edge in begin end; do
        [ "$(grep -cxF "<!-- firmware-figures:$name:$edge -->" "$readme")" -eq 1 ] \
            || fail "README.md needs exactly one line <!-- firmware-figures:$name:$edge -->"
    done
done
awk -v dir="$fig" '
    match($0, /^<!-- firmware-figures:[a-z0-9_]+:begin -->$/) {
        name = $0; sub(/^<!-- firmware-figures:/, "", name); sub(/:begin -->$/, "", name)
        print; print ""
        while ((getline line < (dir "/" name ".md")) > 0) print line
        close(dir "/" name ".md"); print ""
        skipping = 1; next
    }
    /^<!-- firmware-figures:[a-z0-9_]+:end -->$/ { skipping = 0 }
    !skipping { print }
' "$readme" >"$tmp/README.md"
if cmp -s "$readme" "$tmp/README.md"; then
    echo "  ok   README.md has the figures this run measured"
elif [ -n "$bless" ]; then
    diff -u "$readme" "$tmp/README.md" || true
    cp "$tmp/README.md" "$readme"
    echo "  blessed: README.md now has the figures this run measured"
else
    diff -u --label "README.md (committed)" --label "README.md (measured)" "$readme" "$tmp/README.md" || true
    fail "README.md's firmware figures differ from this run's (above); firmware/run.sh --bless rewrites them"
fi

echo
echo "firmware OK"
