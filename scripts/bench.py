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


def main():
    if not os.access(CFGTUI, os.X_OK):
        sys.exit("bench: %s not built (make release)" % CFGTUI)
    generate()
    size = os.path.getsize(DUMP)
    print("dump: %s, %.1f MB, 4096 functions" % (os.path.relpath(DUMP, ROOT), size / 1e6))
    print("cores: %d, runs per command: %d (best / median, seconds)" % (os.cpu_count() or 1, RUNS))
    lspci = timed(["lspci", "-F", DUMP, "-vvv"])
    show = timed([CFGTUI, "show", "-F", DUMP])
    show_json = timed([CFGTUI, "show", "--json", "-F", DUMP])
    listing = timed([CFGTUI, "list", "-F", DUMP])
    print("lspci -F dump -vvv        %.3f / %.3f" % lspci)
    print("cfgtui show -F dump       %.3f / %.3f   ratio to lspci %.2f (target < 0.50, aim 0.25)" % (show + (show[0] / lspci[0],)))
    print("cfgtui show --json -F     %.3f / %.3f" % show_json)
    print("cfgtui list -F dump       %.3f / %.3f" % listing)
    memory = peak_memory_kib([CFGTUI, "show", "-F", DUMP])
    if memory:
        print("cfgtui show peak RSS      %.1f MB" % (memory / 1024))
    # check exits 4 or 5 when it finds warnings or errors (the dump repeats corpus functions).
    check = timed([CFGTUI, "check", "-F", DUMP], ok=(0, 4, 5))
    check_json = timed([CFGTUI, "check", "--json", "-F", DUMP], ok=(0, 4, 5))
    print("cfgtui check -F dump      %.3f / %.3f   (target < 0.5 s)" % check)
    print("cfgtui check --json -F    %.3f / %.3f   (target < 0.5 s)" % check_json)
    memory = peak_memory_kib([CFGTUI, "check", "-F", DUMP])
    if memory:
        print("cfgtui check peak RSS     %.1f MB" % (memory / 1024))
    lspci_memory = peak_memory_kib(["lspci", "-F", DUMP, "-vvv"])
    if lspci_memory:
        print("lspci -vvv peak RSS       %.1f MB" % (lspci_memory / 1024))
    print()
    print("write simulator (in-process: parse, resolve, simulate; target: 1,000,000 writes < 1 s):")
    subprocess.run([CFGTUI, "bench-simulate"])
    # End to end on the demo VF: read the script, resolve, simulate, report (stderr discarded).
    script = simulate_script(1_000_000)
    base = [CFGTUI, "simulate", "--demo", "-s", "01:00.1", "--bar-size", "0=16K", "--script", script]
    for model in ["device", "vfio"]:
        best, median = timed(base + ["--model", model])
        print("cfgtui simulate --script (1,000,000 lines, %-6s) %.3f / %.3f  (target < 1 s)" % (model, best, median))
    memory = peak_memory_kib(base + ["--model", "vfio"])
    if memory:
        print("cfgtui simulate peak RSS  %.1f MB" % (memory / 1024))
    print()
    print("explorer (in-process: state, update and rendering into the cell grid; no terminal I/O):")
    subprocess.run([CFGTUI, "bench-views", "-F", DUMP, "--filter-functions", "9216"])
    first = tmux_first_frame()
    if first is not None:
        print("explorer in a real terminal (tmux 200x60): launch to first frame on screen %.0f ms  (target < 300 ms)" % (first * 1000))


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
