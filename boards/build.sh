#!/usr/bin/env bash
# Builds every board example for its target (no hardware needed) and prints
# its flash and static RAM use, read from the ELF's section headers:
#   flash = .vector_table + .boot2 + .text + .rodata + .data (its initial values)
#   static RAM = .data + .bss + .uninit (the stack comes on top)
# the same split as the firmware images' board::flash_bytes and
# board::static_ram_bytes. Runs from any directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CARGO_TERM_COLOR=never

# section NAME's size in ELF FILE, 0 if absent
section() {
    local hex
    hex=$(readelf -S --wide "$2" | awk -v name="$1" '
        { for (i = 1; i <= NF; i++) if ($i == name) { print $(i + 4); exit } }')
    echo $((16#${hex:-0}))
}

for board in rp2040:thumbv6m-none-eabi nrf52840:thumbv7em-none-eabihf; do
    name=${board%%:*} target=${board#*:}
    (cd "$here/$name" && cargo build --release --quiet)
    elf="$here/target/$target/release/stacknet-board-$name"
    flash=0
    for s in .vector_table .boot2 .text .rodata .data; do
        flash=$((flash + $(section "$s" "$elf")))
    done
    ram=0
    for s in .data .bss .uninit; do
        ram=$((ram + $(section "$s" "$elf")))
    done
    printf '%-9s %-22s flash %6d B   static RAM %5d B\n' "$name" "$target" "$flash" "$ram"
done
