#!/usr/bin/env bash
# Builds cfgtui's libFuzzer targets and runs each for a bounded time (`make fuzz`; CI runs it
# from `make test`). One binary, .build/fuzz/cfgtui-fuzz, compiles Sources/Model and
# Sources/Views once (swiftc -sanitize=fuzzer,address) with the entry points in Fuzz/;
# CFGTUI_FUZZ_TARGET picks the target. Seeds are generated into .build/fuzz/seeds from the demo
# set, ../shared/corpus and the broken-chain fixtures; each target's corpus grows in
# .build/fuzz/corpus; findings go to .build/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh                 build, seed, run every target, print the summary table
#   scripts/fuzz.sh plan dump       only these targets
#   scripts/fuzz.sh --build         build and seed only
#   scripts/fuzz.sh --self-test     check that a trap, a leak and a hang each fail a run
#
# Environment: FUZZ_SECONDS (per target, default 30), FUZZ_TIMEOUT (seconds one input may take,
# default 10), FUZZ_JOBS (targets run at once, default one per core), FUZZ_OPTIMIZATION (-O,
# or -Onone for a faster build), FUZZ_DIR (.build/fuzz).
# Exit status: 0 when every target ran its time without a finding, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
FUZZ_OPTIMIZATION=${FUZZ_OPTIMIZATION:--O}
FUZZ_DIR=$(mkdir -p "${FUZZ_DIR:-.build/fuzz}" && cd "${FUZZ_DIR:-.build/fuzz}" && pwd)
TARGETS=(dump show plan setpci write-device write-vfio write-qemu plan-file)
SELF_TESTS=(selftest-crash selftest-leak selftest-hang)

mode=run
selected=()
for argument in "$@"; do
    case $argument in
        --build) mode=build ;;
        --self-test) mode=self-test ;;
        -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $argument" >&2; exit 64 ;;
        *) selected+=("$argument") ;;
    esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${TARGETS[@]}")

mkdir -p "$FUZZ_DIR/obj"
obj=$FUZZ_DIR/obj
binary=$FUZZ_DIR/cfgtui-fuzz
flags=(-swift-version 6 -sanitize=fuzzer,address -parse-as-library -gline-tables-only "$FUZZ_OPTIMIZATION")

# Rebuilds $2 from the Swift files under $3 when one of them (or the flags) changed.
stale() {
    local output=$1; shift
    [ -f "$output" ] || return 0
    [ "$(cat "$output.flags" 2>/dev/null)" = "${flags[*]}" ] || return 0
    [ -n "$(find "$@" -name '*.swift' -newer "$output" -print -quit)" ]
}

build_module() {
    local name=$1 directory=$2
    if stale "$obj/$name.o" "$directory"; then
        echo "fuzz: compiling $directory ($FUZZ_OPTIMIZATION)"
        local started=$SECONDS
        mapfile -t sources < <(find "$directory" -name '*.swift' | sort)
        swiftc "${flags[@]}" -wmo -module-name "$name" -I "$obj" -emit-module -emit-module-path "$obj/$name.swiftmodule" \
            -c "${sources[@]}" -o "$obj/$name.o" 2> >(grep -v -e 'warning:' >&2 || true)
        echo "${flags[*]}" > "$obj/$name.o.flags"
        echo "fuzz: $name compiled in $((SECONDS - started)) s"
    fi
}

build_module Model Sources/Model
build_module Views Sources/Views
if stale "$binary" Fuzz || [ "$obj/Model.o" -nt "$binary" ] || [ "$obj/Views.o" -nt "$binary" ]; then
    echo "fuzz: linking $binary"
    mapfile -t sources < <(find Fuzz -name '*.swift' | sort)
    swiftc "${flags[@]}" -module-name CfgtuiFuzz -I "$obj" "${sources[@]}" "$obj/Model.o" "$obj/Views.o" -o "$binary" \
        2> >(grep -v -e 'warning: Cannot export local symbol' >&2 || true)
    echo "${flags[*]}" > "$binary.flags"
fi

# Seeds: the demo set, the public corpus and our broken-chain fixtures (exported by their test).
dumps=()
if [ -d ../shared/corpus ]; then dumps+=(../shared/corpus); else echo "fuzz: ../shared/corpus missing, seeding without it"; fi
fixtures=$FUZZ_DIR/fixtures
rm -rf "$fixtures"
if CFGTUI_FUZZ_FIXTURE_DIR=$fixtures swift test --skip-build --filter BrokenChainFixturesTests \
    > "$FUZZ_DIR/fixtures.log" 2>&1 < /dev/null && [ -d "$fixtures" ]; then
    dumps+=("$fixtures")
else
    echo "fuzz: broken-chain fixtures not exported (run swift build --build-tests first), seeding without them"
fi
CFGTUI_FUZZ_WRITE_SEEDS=$FUZZ_DIR/seeds CFGTUI_FUZZ_SEED_DUMPS=$(IFS=:; echo "${dumps[*]}") "$binary" \
    | tr '\n' ' ' | sed 's/seeds: //g; s/^/fuzz: seeds: /; s/ $/\n/'
[ "$mode" = build ] && exit 0

# The longest input a target takes (a 4 KiB space plus parameters and accesses; dump text).
max_len() {
    case $1 in
        dump) echo 32768 ;;
        show) echo 4096 ;;
        setpci | plan-file) echo 8192 ;;
        *) echo 16384 ;;
    esac
}

# Runs target $1 for $2 seconds with per-input timeout $3; sets result, runs, speed, coverage.
run_target() {
    local target=$1 seconds=$2 timeout=$3
    local log=$FUZZ_DIR/logs/$target.log
    mkdir -p "$FUZZ_DIR/logs" "$FUZZ_DIR/corpus/$target" "$FUZZ_DIR/artifacts/$target"
    set +e
    CFGTUI_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1 "$binary" \
        -max_total_time="$seconds" -timeout="$timeout" -max_len="$(max_len "$target")" -rss_limit_mb=2048 \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/artifacts/$target/" \
        "$FUZZ_DIR/corpus/$target" "$FUZZ_DIR/seeds/$target" > "$log" 2>&1
    local status=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    local start end
    start=$(grep -m1 -o 'INITED cov: [0-9]* ft: [0-9]*' "$log" | sed 's/INITED //' || true)
    end=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
    coverage="${start:-?} -> ${end:-?}"
    if grep -q 'ERROR: LeakSanitizer' "$log"; then result=leak
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then result=timeout
    elif grep -q -e 'out-of-memory' -e 'ERROR: libFuzzer: malloc' "$log"; then result=oom
    elif grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: libFuzzer: deadly signal' -e 'invariant broken' "$log"; then
        result=crash
    elif grep -q -e 'Sanitizer' -e '^SUMMARY:' "$log"; then result=sanitizer
    elif [ "$status" -ne 0 ]; then result="failed ($status)"
    else result=ok
    fi
    artifact=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
}

summary=()
failed=0
if [ "$mode" = self-test ]; then
    # Each must be caught, by the kind of report it provokes.
    for target in "${SELF_TESTS[@]}"; do
        rm -rf "${FUZZ_DIR:?}/corpus/$target"
        run_target "$target" 20 2
        case $target in
            selftest-crash) expected=crash ;;
            selftest-leak) expected=leak ;;
            selftest-hang) expected=timeout ;;
        esac
        if [ "$result" = "$expected" ]; then verdict="caught ($result)"; else verdict="NOT caught: $result"; failed=1; fi
        summary+=("$(printf '%-15s %s' "$target" "$verdict")")
    done
    printf '%s\n' "fuzz self-test:" "${summary[@]}"
    exit $failed
fi

# Each target is one single-threaded libFuzzer process: FUZZ_JOBS of them run at once (one per
# core by default), each for its full FUZZ_SECONDS, so two cores halve the wall time.
run_and_record() {
    local target=$1
    run_target "$target" "$FUZZ_SECONDS" "$FUZZ_TIMEOUT"
    printf '%-13s %10s %8s  %-36s %s\n' "$target" "${runs:-?}" "${speed:-?}" "$coverage" "$result" \
        > "$FUZZ_DIR/logs/$target.summary"
    if [ "$result" != ok ]; then
        {
            echo "fuzz: $target: $result, log $FUZZ_DIR/logs/$target.log${artifact:+, input $artifact}"
            grep -m5 -e 'invariant broken' -e 'ERROR:' -e 'Fatal error' "$FUZZ_DIR/logs/$target.log" | sed 's/^/    /' || true
        } > "$FUZZ_DIR/logs/$target.failure"
    fi
}

mkdir -p "$FUZZ_DIR/logs"
for target in "${selected[@]}"; do
    rm -f "$FUZZ_DIR/logs/$target.summary" "$FUZZ_DIR/logs/$target.failure"
done
for target in "${selected[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do wait -n || true; done
    echo "fuzz: $target for ${FUZZ_SECONDS} s"
    run_and_record "$target" &
done
wait
for target in "${selected[@]}"; do
    if [ -f "$FUZZ_DIR/logs/$target.failure" ]; then
        failed=1
        cat "$FUZZ_DIR/logs/$target.failure"
    fi
    if [ -f "$FUZZ_DIR/logs/$target.summary" ]; then
        summary+=("$(cat "$FUZZ_DIR/logs/$target.summary")")
    else
        failed=1
        summary+=("$(printf '%-13s %s' "$target" "no result (the run did not finish)")")
    fi
done
echo
printf '%-13s %10s %8s  %-36s %s\n' target runs exec/s "coverage start -> end" result
printf '%s\n' "${summary[@]}"
exit $failed
