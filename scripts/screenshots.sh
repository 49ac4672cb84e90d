#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real binary in a real terminal: tmux runs cfgtui,
# keys go in with send-keys, `tmux capture-pane -e` captures the screen with its colours, and
# scripts/render_ansi.py draws it (Pillow, DejaVu Sans Mono). Run with `make screenshots`.
#
# Sources: the built-in demo set (ours, made from QEMU models) and, for the many-capability
# map, a CXL SR-IOV PF from the public corpus, read in place from ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${CFGTUI:-.build/release/cfgtui}
out=screenshots
mkdir -p "$out"
python3 -c 'import PIL' 2>/dev/null || { echo "screenshots.sh: needs Pillow (pip install pillow)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "screenshots.sh: needs tmux" >&2; exit 1; }

socket="cfgtui-shots-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT

# shot NAME WIDTH HEIGHT WAIT_FOR "ARGS" [KEYS...]   (KEYS: tmux key names, or =literal text)
shot() {
    local name=$1 width=$2 height=$3 marker=$4 args=$5
    shift 5
    tmux -L "$socket" kill-server 2>/dev/null || true
    sleep 0.3
    tmux -L "$socket" new-session -d -s shot -x "$width" -y "$height" "TERM=xterm-256color $binary $args; sleep 30"
    for _ in $(seq 100); do
        tmux -L "$socket" capture-pane -t shot -p | grep -q -- "$marker" && break
        sleep 0.1
    done
    for key in "$@"; do
        # =text is typed literally (tmux would read "0x100" as a key code); others are key names.
        if [[ $key == =* ]]; then
            tmux -L "$socket" send-keys -t shot -l "${key#=}"
        else
            tmux -L "$socket" send-keys -t shot "$key"
        fi
        sleep 0.15
    done
    sleep 0.4
    tmux -L "$socket" capture-pane -t shot -e -p > "$out/$name.ansi"
    python3 scripts/render_ansi.py "$out/$name.ansi" "$out/$name.png" "$width" "$height"
    rm -f "$out/$name.ansi"
    echo "wrote $out/$name.png"
}

# 1. The device tree: bridges over what sits behind them, a PF over its VFs.
shot device-tree 120 36 "F10Quit" "--demo" Down Down Down
# 2. A 4 KiB map with many extended capabilities (CXL SR-IOV PF: 17 of them), scrolled into the extended space.
shot extended-map 140 44 "F10Quit" "-F ../shared/corpus/raw/004-intel-0d93-cxl-sriov-pf-dvsec.txt" Tab / =0x100 Enter
# 3. The byte-field link: a field selected in the detail pane, its bytes highlighted in the map.
shot byte-field-link 120 40 "F10Quit" "--demo -s 01:00.0" / =0x84 Enter Tab Down Down Down
# 4. The placement overlay on a VF: proposed PASID/PRI marked +, the PF/VF comparison, and PASID
#    being moved onto the VF's real ATS capability, refused in place with the reason.
shot placement-overlay 120 40 "F10Quit" "--demo -s 01:00.1" v c m Up Up
# 5. The write simulator on a VF: two guest writes through the vfio model, the changed bytes
#    highlighted, the trace with the selected access in full.
shot write-simulator 120 40 "F10Quit" "--demo -s 01:00.1" w i "=COMMAND.W=0406" Enter i "=CAP_EXP+8.W=20:e0" Enter
# 6. QEMU's layer on the same VF: the write panel switched to the qemu model (M twice) with the VF
#    on q35's root bus and QEMU's vPASID at 0xff8; a guest write to the vPASID's Control shows
#    the bits QEMU keeps (mask 0x07) and what still reaches the device through vfio.
shot qemu-layer 120 40 "F10Quit" "--demo -s 01:00.1 --guest-bus root --vpasid" w M M i "=ECAP_PASID+6.W=ffff" Enter
# 7. cfgtui check in the explorer: every link and each function's findings badge in the tree, the
#    NVMe PF's path bottleneck marked, and its findings with its root port's (! opens them).
shot findings 160 44 "F10Quit" "--demo -s 01:00.0" '!' Down Down
# 8. cfgtui diff in the explorer: a real VF (QEMU's nvme) compared with its PF (C pre-selects it,
#    Enter): layout and field differences with their classes, the migration verdict, and the
#    VF's differing bytes marked ~diff in the map.
shot diff-explorer 140 44 "F10Quit" "-F ../shared/corpus/qemu/nvme-sriov-after-all.txt -s 01:00.1" C Enter
