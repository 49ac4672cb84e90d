#!/usr/bin/env python3
"""cfgtui benchmarks: prints numbers, asserts nothing (targets are in the issues).

Generates a dump of 4,096 real 4 KiB functions (the 4 KiB functions of ../shared/corpus,
repeated under distinct addresses; about 56 MB of `lspci -xxxx` text) into bench-out/, then
times, best and median of several runs:
  * lspci -F dump -vvv            (the reference: pciutils)
  * cfgtui show -F dump           (text, every register and field)
  * cfgtui show --json -F dump
  * cfgtui list -F dump
the peak resident memory of `cfgtui show` (GNU time), and the explorer: in-process frame and
keypress times (`cfgtui bench-views`, with the device filter per keystroke on the dump's
functions replicated to 9,216) and, in tmux, launch to first frame; and the write
simulator: `cfgtui bench-simulate` and `cfgtui simulate --script` on a million-line script. The corpus is read
in place and the generated dump is not committed.
"""
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")
OUT = os.path.join(ROOT, "bench-out")
DUMP = os.path.join(OUT, "bench-4096x4k.txt")
CFGTUI = os.environ.get("CFGTUI", os.path.join(ROOT, ".build", "release", "cfgtui"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ADDRESS = re.compile(r"^(?:[0-9a-f]{4,5}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ")


def corpus_functions():
    files = sorted(glob.glob(os.path.join(CORPUS, "raw", "*.txt")) + glob.glob(os.path.join(CORPUS, "qemu", "*.txt")))
    for path in files:
        if path.endswith(".lspci-vvv.txt") or path.endswith("-cmdline.txt"):
            continue
        title, lines = None, []
        with open(path) as handle:
            for line in handle:
                line = line.rstrip("\n")
                match = ADDRESS.match(line)
                if match:
                    if title is not None:
                        yield title, lines
                    title, lines = line[match.end():], []
                elif title is not None and re.match(r"^[0-9a-f]{2,3}: ", line):
                    lines.append(line)
        if title is not None:
            yield title, lines


def generate():
    if os.path.exists(DUMP):
        return
    os.makedirs(OUT, exist_ok=True)
    full = [(title, lines) for title, lines in corpus_functions() if len(lines) == 256]
    if not full:
        sys.exit("bench: no 4 KiB functions found in " + CORPUS)
    out = []
    for index in range(4096):
        title, lines = full[index % len(full)]
        out.append("%04x:%02x:%02x.%d %s" % (index >> 13, (index >> 5) & 0xFF, index & 0x1F, 0, title))
        out.extend(lines)
        out.append("")
    with open(DUMP, "w") as handle:
        handle.write("\n".join(out) + "\n")
    print("generated %s: 4096 functions from %d distinct 4 KiB corpus functions" % (os.path.relpath(DUMP, ROOT), len(full)))


def timed(command, ok=(0,)):
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
        if result.returncode not in ok:
            sys.exit("bench: %s exited %d" % (" ".join(command), result.returncode))
    return min(samples), statistics.median(samples)


def peak_memory_kib(command):
    result = subprocess.run(["/usr/bin/time", "-v"] + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in result.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    return None


def alternating(commands, ok=(0,)):
    """Runs each command once per round, RUNS rounds, in turn (so a slow moment of the machine
    hits every command alike); returns each one's median wall time in seconds."""
    samples = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, (command, codes) in commands.items():
            start = time.perf_counter()
            result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples[name].append(time.perf_counter() - start)
            if result.returncode not in codes:
                sys.exit("bench: %s exited %d" % (" ".join(command), result.returncode))
    return {name: statistics.median(values) for name, values in samples.items()}


def row(measure, value, target):
    print("| %s | %s | %s |" % (measure, value, target))


def main():
    if not os.access(CFGTUI, os.X_OK):
        sys.exit("bench: %s not built (make release)" % CFGTUI)
    generate()
    size = os.path.getsize(DUMP)
    print("dump: %s, %.1f MB, 4096 functions" % (os.path.relpath(DUMP, ROOT), size / 1e6))
    print("cores: %d; medians of %d alternating runs; peak RSS from GNU time" % (os.cpu_count() or 1, RUNS))
    print()
    ok = (0,)
    verdicts = (0, 4, 5)  # check exits 4 or 5 when it finds warnings or errors
    medians = alternating({
        "lspci -vvv": (["lspci", "-F", DUMP, "-vvv"], ok),
        "lspci": (["lspci", "-F", DUMP], ok),
        "show": ([CFGTUI, "show", "-F", DUMP], ok),
        "show --json": ([CFGTUI, "show", "--json", "-F", DUMP], ok),
        "list": ([CFGTUI, "list", "-F", DUMP], ok),
        "check": ([CFGTUI, "check", "-F", DUMP], verdicts),
    })
    memory = {
        "lspci -vvv": peak_memory_kib(["lspci", "-F", DUMP, "-vvv"]),
        "lspci": peak_memory_kib(["lspci", "-F", DUMP]),
        "list": peak_memory_kib([CFGTUI, "list", "-F", DUMP]),
        "show": peak_memory_kib([CFGTUI, "show", "-F", DUMP]),
        "show --json": peak_memory_kib([CFGTUI, "show", "--json", "-F", DUMP]),
        "check": peak_memory_kib([CFGTUI, "check", "-F", DUMP]),
    }
    vvv, plain = medians["lspci -vvv"], medians["lspci"]
    print("| measure | now | target |")
    print("| --- | --- | --- |")
    row("`lspci -F dump -vvv` / `lspci -F dump` (wall)", "%.3f s / %.3f s" % (vvv, plain), "reference")
    row("`show` text vs `lspci -F dump -vvv` (wall)", "%.3f s, %.2fx" % (medians["show"], medians["show"] / vvv), "<= 0.35x (aim 0.25x)")
    row("`show --json` vs `lspci -F dump -vvv` (wall)", "%.3f s, %.2fx" % (medians["show --json"], medians["show --json"] / vvv), "<= 0.6x (aim 0.3x)")
    row("`list` vs `lspci -F dump`", "%.3f s, %.2fx" % (medians["list"], medians["list"] / plain), "<= 0.12x (aim 0.1x)")
    mb = lambda name: "%.0f" % (memory[name] / 1024) if memory[name] else "?"
    row("peak memory, `list` / `show` / `show --json`", "%s / %s / %s MB (lspci: %s, -vvv %s MB)" % (
        mb("list"), mb("show"), mb("show --json"), mb("lspci"), mb("lspci -vvv")), "<= 48 MB each (aim <= lspci's)")
    row("`check`", "%.3f s, %s MB" % (medians["check"], mb("check")), "< 0.5 s")

    # End to end on the demo VF with virtual PASID and PRI through the vfio model: a million
    # random writes to their Control registers, each setting a reserved bit (so each prints a
    # warning on stderr, which is timed: it goes to /dev/null), and a million clean writes.
    base = [CFGTUI, "simulate", "--demo", "-s", "01:00.1", "--bar-size", "0=16K", "--model", "vfio",
            "--add", "pasid", "--add", "pri", "--script"]
    warning_script, clean_script = reserved_bit_script(1_000_000), clean_script_lines(1_000_000)
    warned = subprocess.run(base + [warning_script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    warnings = sum(1 for line in warned.stderr.splitlines() if ": warning: reserved bits written" in line)
    if warnings != 1_000_000:
        sys.exit("bench: the reserved-bit script gave %d reserved-bit warnings, not 1,000,000" % warnings)
    cleaned = subprocess.run(base + [clean_script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if cleaned.stderr.strip():
        sys.exit("bench: the clean script warned: %s" % cleaned.stderr[:300])
    simulated = alternating({"warnings": (base + [warning_script], ok), "clean": (base + [clean_script], ok)})
    simulate_memory = peak_memory_kib(base + [warning_script])
    row("1,000,000 random-value writes to virtual PASID/PRI (vfio), each warning about reserved bits, end to end",
        "%.3f s (%.1f M/s)" % (simulated["warnings"], 1 / simulated["warnings"]), "<= 0.5 s (aim 10 M/s)")
    row("1,000,000 clean writes (vfio, same function), end to end",
        "%.3f s (%.1f M/s)" % (simulated["clean"], 1 / simulated["clean"]), "<= 0.25 s (aim 0.1 s)")
    row("peak memory, the million-warning simulation", "%s MB" % ("%.0f" % (simulate_memory / 1024) if simulate_memory else "?"), "")
    print()
    print("write simulator (in-process: parse, resolve, simulate):")
    subprocess.run([CFGTUI, "bench-simulate"])
    script = simulate_script(1_000_000)
    demo = [CFGTUI, "simulate", "--demo", "-s", "01:00.1", "--bar-size", "0=16K", "--script", script]
    for model in ["device", "vfio"]:
        best, median = timed(demo + ["--model", model])
        print("cfgtui simulate --script (1,000,000 mixed lines, %-6s) %.3f / %.3f" % (model, best, median))
    print()
    print("explorer (in-process: state, update and rendering into the cell grid; no terminal I/O):")
    subprocess.run([CFGTUI, "bench-views", "-F", DUMP, "--filter-functions", "9216"])
    first = tmux_first_frame()
    if first is not None:
        print("explorer in a real terminal (tmux 200x60): launch to first frame on screen %.0f ms  (target < 300 ms)" % (first * 1000))


def reserved_bit_script(count):
    """`count` writes alternating between the virtual PASID Control (bits 3-15 reserved) and PRI
    Control (bits 2-15 reserved), random values (seeded) with at least one reserved bit set and
    the defined bits clear, so each write gives exactly one warning: reserved bits."""
    path = os.path.join(OUT, "simulate-reserved-%d.setpci" % count)
    if not os.path.exists(path):
        import random
        generator = random.Random(14)
        with open(path, "w") as handle:
            for index in range(count):
                if index % 2 == 0:
                    value = (generator.getrandbits(16) & 0xFFF8) | (1 << generator.randrange(3, 16))
                    handle.write("ECAP_PASID+6.W=0x%04x\n" % value)
                else:
                    value = (generator.getrandbits(16) & 0xFFFC) | (1 << generator.randrange(2, 16))
                    handle.write("ECAP_PRI+4.W=0x%04x\n" % value)
    return path


def clean_script_lines(count):
    """`count` writes the demo VF takes without a note (Command, Device Control, ATS Control,
    Interrupt Line, MSI-X Message Control), cycling."""
    path = os.path.join(OUT, "simulate-clean-%d.setpci" % count)
    if not os.path.exists(path):
        lines = ["COMMAND=0x0406", "CAP_EXP+8.W=0x2810", "ECAP_ATS+6.W=0x8000", "0x3c.B=0x0b", "CAP_MSIX+2.W=0xc000"]
        with open(path, "w") as handle:
            for index in range(count):
                handle.write(lines[index % len(lines)] + "\n")
    return path


def simulate_script(count):
    """A setpci script of `count` accesses over registers the demo VF has (header, PCIe, MSI-X,
    PM, ATS, ARI), with masked writes and a read, cycling."""
    path = os.path.join(OUT, "simulate-vf-%d.setpci" % count)
    if not os.path.exists(path):
        lines = ["COMMAND=0x0406", "CAP_EXP+8.W=0x2810", "BASE_ADDRESS_0=ffffffff", "CAP_MSIX+2.W=0xc000",
                 "ECAP_ATS+6.W=0x8000", "STATUS.W=0xffff", "0x3c.B=0x0b", "CAP_PM+4.W=0x0000",
                 "CAP_EXP+28.W=0x0005", "COMMAND=0x0002:0x0006", "INTERRUPT_LINE", "ECAP_ARI+6.W=0"]
        with open(path, "w") as handle:
            for index in range(count):
                handle.write(lines[index % len(lines)] + "\n")
    return path


def tmux_first_frame():
    """Wall time from starting cfgtui in tmux to its map appearing in the pane (best of 3)."""
    if not shutil.which("tmux"):
        return None
    best = None
    for run in range(3):
        socket = "cfgtui-bench-%d-%d" % (os.getpid(), run)
        command = "TERM=xterm-256color %s -F %s; sleep 10" % (CFGTUI, DUMP)
        start = time.perf_counter()
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "200", "-y", "60", command])
        elapsed = None
        while time.perf_counter() - start < 10:
            screen = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if "F10Quit" in screen and "Map " in screen:
                elapsed = time.perf_counter() - start
                break
            time.sleep(0.005)
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        if elapsed is not None and (best is None or elapsed < best):
            best = elapsed
    return best


if __name__ == "__main__":
    main()
