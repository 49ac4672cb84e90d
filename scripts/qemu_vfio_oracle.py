#!/usr/bin/env python3
# qemu_vfio_oracle.py: part of cfgtui, a terminal explorer for PCI/PCIe configuration space.
# GPL-2.0-or-later.
"""qemu_vfio_oracle.py - an oracle for QEMU's vfio-pci layer (hw/vfio/pci.c): what a
guest sees in the config space of a function that real QEMU 7.2 assigns to it, on top
of the real Linux vfio-pci driver.  Python 3 stdlib only.  Nothing touches the host's
PCI devices: everything happens in a throwaway VM, on QEMU device models.

How it works
  1. Builds once, and caches (uncompressed, so TCG does not spend seconds in gunzip),
     an initramfs for an OUTER guest: busybox (busybox-static), the vfio modules of
     the installed Debian kernel (vfio_iommu_type1, vfio-pci and their modules.dep
     closure) plus nvme's (loaded only for --pf-driver nvme), qtest_drive (static,
     built from qemu_vfio_oracle/qtest_drive.c), the LD_PRELOAD shim qvo_vftoken.so
     (the same file built with -DQVO_SHIM), /init (qemu_vfio_oracle/guest_init.sh),
     and the INNER QEMU: this host's qemu-system-x86_64, every shared library in its
     ldd closure and the dynamic loader, its accel-tcg module (QEMU 7.2 loads it even
     under qtest) and the two data files q35 opens at start under qtest:
     share/seabios/bios-256k.bin and share/qemu/kvmvapic.bin (found with strace;
     -nodefaults means no VGA BIOS or NIC ROMs).  The cache key hashes all of these.
  2. Boots the outer guest under TCG (PVH entry into the unpacked vmlinux):
        qemu-system-x86_64 -machine q35,accel=tcg -cpu max -m 1024 -smp 1
          -device intel-iommu,intremap=on,caching-mode=on
          -device pcie-root-port,... -device <preset> ...   (preset k -> bus k+1)
     /init loads the modules, binds the targets to vfio-pci and, for --vfs, sets the
     PF's VF token (vfio-pci enable_sriov=1) and writes sriov_numvfs, as
     ../shared/tools/vfio_oracle does.  Then, ONE TARGET AT A TIME, qtest_drive
       - reads sysfs config (dev-initial),
       - starts the inner QEMU
            qemu-system-x86_64 -machine q35 -accel tcg,tb-size=8 -S -nodefaults
              -display none -m 64 -monitor none -serial none -parallel none
              -qtest stdio -qtest-log /dev/null
              [-device pcie-root-port,id=qvo_br,bus=pcie.0,addr=0x4,chassis=1,port=1]
              -device vfio-pci,host=BDF,id=qvo_dev,bus=...,addr=...[,--qemu-device-opts]
         Not "-accel qtest": Debian bookworm's QEMU 7.2 is built with modules and
         ships accel-tcg-*.so but no accel-qtest-*.so, so "-accel qtest" fails with
         "invalid accelerator qtest" (and qtest's clock_step with "Unknown command").
         The qtest protocol itself is built in and serves any accelerator; -S keeps
         the TCG vCPU stopped, so SeaBIOS never runs (without -S it would size and
         assign the BARs and set Command bits while the script runs).  vfio-pci has
         no accelerator-specific code besides KVM's, which neither path uses.
         The first qtest answer arrives once every -device is realized and the
         machine reset (vfio-pci's reset included) is done.
       - programs the q35 MCH PCIEXBAR (00:00.0 config 0x60, 64-bit) through
         0xCF8/0xCFC to 0xB0000001 (base 0xB0000000, 256 MB, enabled), and with a
         bridge its bus numbers (00:04.0 config 0x18 = 0x00010100), then reads and
         writes the function's config space with qtest readb/readw/readl/writeb/
         writew/writel at 0xB0000000 + (bus<<20 | dev<<15 | fn<<12 | off) -- exactly
         the accesses a guest's ECAM accesses become in QEMU;
       - dumps the guest view (4096 bytes: one qtest "read ADDR 0x1000", which QEMU
         performs as 1024 aligned dword config reads, the same as 1024 readl;
         --dump-with readl sends the 1024 readl) before, at every D line and after
         the script, with the outer kernel's sysfs view next to each;
       - closes the qtest channel and sends SIGTERM (QEMU 7.2 keeps running when its
         qtest chardev closes),
         reads sysfs again (dev-closed) and returns the inner QEMU's stderr.
     Results come back on the second serial port; the guest powers itself off.

Inner topologies (--guest-bus):
  root          vfio-pci on pcie.0 at 00:04.0 (QEMU makes a PCIe endpoint an RCiEP)
  root-port     behind pcie-root-port 00:04.0; the function is 01:00.0
  conventional  behind pcie-pci-bridge 00:04.0; the function is 01:01.0 (a
                conventional bus: QEMU drops the PCIe capability; 256-byte space,
                ECAM reads past 0x100 return all-ones)

SR-IOV VFs and QEMU 7.2: Linux (6.1, vfio_pci_validate_vf_token) refuses to open a VF
whose PF is bound to vfio-pci unless VFIO_GROUP_GET_DEVICE_FD's name carries
"vf_token=UUID"; it fails with EACCES and logs "VF token required to access device".
QEMU 7.2's vfio-pci has no property for it (the "vf-token" property came with QEMU
8.1; `qemu-system-x86_64 -device vfio-pci,help` on 7.2 lists none), so with the PF
on vfio-pci QEMU 7.2 cannot open the VF.  Two ways around it:
  --vf-open shim (default)  LD_PRELOAD=/lib/qvo_vftoken.so appends " vf_token=UUID"
                            to that ioctl's name, which is all QEMU 8.1's vf-token
                            does.  Everything else is stock QEMU 7.2.
  --vf-open plain           no shim: shows the failure (the inner QEMU exits 1).
  --pf-driver nvme          bind the --vfs PFs to the in-kernel nvme driver instead
                            (sriov_drivers_autoprobe=0, the VFs to vfio-pci): no
                            token is involved and plain QEMU 7.2 opens the VF, the
                            usual production setup.  PF targets still go to vfio-pci.

Outputs, per target function (TAG = its outer-guest BB_DD.F), in lspci -xxxx text:
  P-dev-initial-TAG.txt     sysfs config before the inner QEMU opened it (for a PF
                            with --vfs, after the VF-token open, as in the shared
                            tool).  Idle vfio-pci devices are runtime-suspended:
                            PMCSR shows D3hot unless --vfio-pci-params disable_idle_d3=1.
  P-guest-before-TAG.txt    the guest (qtest) view right after the inner QEMU started
  P-guest-LABEL-TAG.txt     at every 'D LABEL' line;  P-guest-after-TAG.txt at the end
  P-dev-{before,LABEL,after}-TAG.txt  sysfs (the device) at the same moments
  P-dev-closed-TAG.txt      sysfs after the inner QEMU exited (vfio reset/restore)
  P-access-TAG.txt          one line per script access, with the value read
  P-diff-TAG.txt            dwords where guest != device, and before != after
  P-qemu-stderr-TAG.txt     the inner QEMU's stderr (its "vfio: ..." warnings)
  The guest-* headers carry the INNER guest BDF (00:04.0 / 01:00.0 / 01:01.0), the
  dev-* headers the outer one; file names always use the outer BDF.
And P-cmdline.txt (outer and inner QEMU command lines, kernel command line, guest PCI
list, the BARs the outer kernel probed, notes, warnings, timing), P-console.txt,
P-dmesg.txt (full outer dmesg; Debian's 6.1.0-57 logs BARs as "pci 0000:01:00.0:
BAR 0 [mem 0xfe200000-0xfe203fff 64bit]", older 6.1 builds as "reg 0x10: [mem ...]")
and P-data.txt (the raw result channel).  No P-vfio-* views: the inner QEMU holds
the function's /dev/vfio/GROUP, which only one process may open, so the kernel's vfio
region cannot be read next to it; ../shared/tools/vfio_oracle gives that view.
Every inner QEMU 7.2 prints "GLib: g_timer_elapsed: assertion 'timer != NULL'
failed" when its qtest channel closes (qtest logs the close with a timer it never
started under -qtest-log /dev/null): harmless, kept in P-qemu-stderr-TAG.txt.

Measured here (2 cores, TCG): a cold initramfs build ~2 s (52 MB, cached after);
one outer boot 11-12 s for one target, ~26 s for four (each inner QEMU answers its
first qtest command 2-4 s after it starts).

Access script (one per target; '#' comments; numbers hex, 0x optional):
  R OFF WIDTH            guest config read (qtest readb/readw/readl)
  W OFF WIDTH VALUE      guest config write (writeb/writew/writel)
  D LABEL                dump the guest and device views now
  OFF = HEX | capID+HEX | ecapID+HEX, looked up in the GUEST view when the line runs
        (absent -> logged as skipped).  WIDTH 1, 2, 4, or 8 = two dword accesses
        (low dword first).  Unaligned accesses (OFF not a multiple of WIDTH, or of 4
        for 8) and accesses past 0x1000 are refused and logged: a guest's ECAM
        access is naturally aligned.  RESET (vfio_oracle's) is logged as skipped.

Usage:
  scripts/qemu_vfio_oracle.py --outdir DIR --prefix P --devices nvme-sriov,e1000e,virtio-net \\
      --vfs nvme-sriov:1 --guest-bus root|root-port|conventional \\
      --target WHO[/vfN]=SCRIPT ... [--vfio-pci-params disable_idle_d3=1] \\
      [--qemu-device-opts 'x-pcie-extcap-init=off'] [--timeout S] [--cache DIR]
  WHO is a preset name from --devices or an outer-guest BDF; /vfN is the PF's Nth VF.
  Presets (as ../shared/tools/vfio_oracle): e1000e, nvme, nvme-sriov (QEMU 7.2:
  sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=6),
  virtio-net, virtio-blk; preset k sits behind root port 00:02.k -> outer bus k+1.
Other options: --memory MB (outer, 1024), --inner-memory MB (64), --timeout S (whole VM
  run, default 240 + 120 per target), --first-answer-timeout S (inner QEMU start, 300),
  --append, --qemu PATH (outer), --inner-qemu PATH (packed into the initramfs),
  --kernel-version VER, --rebuild, --keep-tmp.
Exit status: 0 when every target is OK; 1 when a target or the VM failed (reasons on
stderr and in P-cmdline.txt); 2 for bad usage or missing prerequisites.
Needs: qemu-system-x86, gcc with static libc, busybox-static, linux-image-amd64
(optional: pciutils for lspci's header lines, strace is not needed).
"""
import argparse
import gzip
import hashlib
import io
import lzma
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SUPPORT = os.path.join(HERE, 'qemu_vfio_oracle')
C_SRC = os.path.join(SUPPORT, 'qtest_drive.c')
INIT_SRC = os.path.join(SUPPORT, 'guest_init.sh')
BUILDER_VERSION = '1'
VF_TOKEN = '5f3c9a7e-2d41-4b8e-9c06-7a1e3b5d8f20'   # any UUID; the PF and its VFs share it
VFIO_MODULES = ['vfio_iommu_type1', 'vfio-pci']
NVME_MODULES = ['nvme']
# what q35 opens at start under -qtest -nodefaults (strace of QEMU 7.2 on Debian 12),
# relative to the directory of the qemu binary's parent (QEMU looks in BINDIR/../share/...)
INNER_DATA = ['share/seabios/bios-256k.bin', 'share/qemu/kvmvapic.bin']
INNER_MODULES = ['lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so']
INNER_QEMU_IN_GUEST = '/usr/bin/qemu-system-x86_64'

PRESETS = {
    'e1000e': ['-device', 'e1000e,bus={rp},id={id}'],
    'nvme': ['-device', 'nvme,serial=qvo{n}{n}{n}{n},bus={rp},id={id}'],
    'nvme-sriov': ['-device', 'nvme-subsys,id=subsys{n}',
                   '-device', 'nvme,serial=qvs{n}{n}{n}{n},subsys=subsys{n},bus={rp},id={id},'
                   'sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=6'],
    'virtio-net': ['-device', 'virtio-net-pci,disable-legacy=on,bus={rp},id={id}'],
    'virtio-blk': ['-blockdev', 'null-co,node-name=nullblk{n}',
                   '-device', 'virtio-blk-pci,disable-legacy=on,drive=nullblk{n},bus={rp},id={id}'],
}
GUEST_BDF = {'root': '00:04.0', 'root-port': '01:00.0', 'conventional': '01:01.0'}


class OracleError(Exception):
    pass


class UsageError(OracleError):
    pass


class Missing(OracleError):
    pass


def log(msg):
    print('qemu_vfio_oracle: ' + msg, file=sys.stderr, flush=True)


def sha(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b'\0')
    return h.hexdigest()[:16]


def file_sig(path):
    st = os.stat(path)
    return f'{path}:{st.st_size}:{int(st.st_mtime)}'


# ---------------------------------------------------------------- kernel and modules

def version_key(v):
    return [int(x) if x.isdigit() else x for x in re.split(r'(\d+)', v)]


def pick_kernel(version):
    cands = [version] if version else sorted(
        (f[len('vmlinuz-'):] for f in os.listdir('/boot') if f.startswith('vmlinuz-')),
        key=version_key, reverse=True) if os.path.isdir('/boot') else []
    for v in cands:
        vmlinuz, moddir = f'/boot/vmlinuz-{v}', f'/lib/modules/{v}'
        if os.path.isfile(vmlinuz) and os.path.isfile(os.path.join(moddir, 'modules.dep')):
            return v, vmlinuz, moddir
    raise Missing('no usable kernel: need /boot/vmlinuz-VER and /lib/modules/VER/modules.dep '
                  '(apt-get install -y linux-image-amd64)')


def mod_name(path):
    return re.sub(r'\.ko(\.(xz|gz|zst))?$', '', os.path.basename(path))


def module_closure(moddir, wanted, skip=()):
    """[(name, path)] of the wanted modules and their dependencies, dependencies first."""
    deps = {}
    for line in open(os.path.join(moddir, 'modules.dep')):
        if ':' in line:
            mod, rest = line.split(':', 1)
            deps[mod.strip()] = rest.split()
    by_name = {mod_name(p): p for p in deps}
    builtin = set()
    bfile = os.path.join(moddir, 'modules.builtin')
    if os.path.isfile(bfile):
        builtin = {mod_name(l.strip()) for l in open(bfile)}
    order, seen = [], set(skip)

    def visit(path):
        if path in seen:
            return
        seen.add(path)
        for d in reversed(deps.get(path, [])):
            visit(d)
        order.append(path)

    for want in wanted:
        alts = (want, want.replace('-', '_'))
        path = next((by_name[a] for a in alts if a in by_name), None)
        if path is None:
            if any(a in builtin for a in alts):
                continue
            raise Missing(f'module {want} not in {moddir}/modules.dep')
        visit(path)
    return [(mod_name(p), os.path.join(moddir, p)) for p in order], seen


def read_module(path):
    data = open(path, 'rb').read()
    if path.endswith('.xz'):
        return lzma.decompress(data)
    if path.endswith('.gz'):
        return gzip.decompress(data)
    if path.endswith('.zst'):
        if not shutil.which('zstd'):
            raise Missing(f'{path} is zstd-compressed and there is no zstd (apt-get install -y zstd)')
        return subprocess.run(['zstd', '-dc', path], check=True, capture_output=True).stdout
    return data


def pvh_vmlinux(cache, kver, vmlinuz):
    """The vmlinux inside vmlinuz, for QEMU's PVH entry (no SeaBIOS, no in-guest
    decompression: seconds saved under TCG).  None if CONFIG_PVH is off or no payload."""
    try:
        if 'CONFIG_PVH=y' not in open(f'/boot/config-{kver}').read().split('\n'):
            return None
    except OSError:
        return None
    out = os.path.join(cache, f'vmlinux-{kver}-{sha(file_sig(vmlinuz))}')
    if os.path.isfile(out):
        return out
    data = open(vmlinuz, 'rb').read()
    unpackers = ((b'\xfd7zXZ\x00', lambda b: lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(b)),
                 (b'\x1f\x8b\x08', lambda b: gzip.GzipFile(fileobj=io.BytesIO(b)).read()))
    for magic, unpack in unpackers:
        pos = data.find(magic)
        while pos >= 0:
            try:
                elf = unpack(data[pos:])
            except (lzma.LZMAError, OSError, EOFError):
                elf = b''
            if elf[:4] == b'\x7fELF':
                os.makedirs(cache, exist_ok=True)
                tmp = f'{out}.{os.getpid()}.tmp'
                with open(tmp, 'wb') as f:
                    f.write(elf)
                os.replace(tmp, out)
                return out
            pos = data.find(magic, pos + 1)
    return None


# ---------------------------------------------------------------- cpio (newc)

class Cpio:
    def __init__(self):
        self.buf = bytearray()
        self.ino = 5000
        self.dirs = set()

    def _entry(self, name, mode, data=b'', rdev=(0, 0)):
        name_b = name.encode() + b'\0'
        self.ino += 1
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0)
        self.buf += ('070701' + ''.join('%08x' % v for v in fields)).encode() + name_b
        self.buf += b'\0' * (-len(self.buf) % 4)
        self.buf += data
        self.buf += b'\0' * (-len(self.buf) % 4)

    def dir(self, name):
        name = name.strip('/')
        if not name or name in self.dirs:
            return
        self.dir(os.path.dirname(name))
        self.dirs.add(name)
        self._entry(name, 0o040755)

    def file(self, name, data, mode=0o644):
        name = name.strip('/')
        self.dir(os.path.dirname(name))
        self._entry(name, 0o100000 | mode, data)

    def symlink(self, name, target):
        name = name.strip('/')
        self.dir(os.path.dirname(name))
        self._entry(name, 0o120777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, 0o020600, rdev=(major, minor))

    def finish(self):
        self._entry('TRAILER!!!', 0)
        self.buf += b'\0' * (-len(self.buf) % 512)
        return bytes(self.buf)


# ---------------------------------------------------------------- the inner QEMU's files

def ldd_closure(binaries):
    """Every shared library (and the loader) the binaries need, as absolute paths."""
    libs = []
    for b in binaries:
        r = subprocess.run(['ldd', b], capture_output=True, text=True)
        if r.returncode:
            raise Missing(f'ldd {b} failed: {r.stderr.strip() or r.stdout.strip()}')
        for line in r.stdout.splitlines():
            line = line.strip()
            m = re.match(r'\S+ => (/\S+) \(0x', line) or re.match(r'(/\S+) \(0x', line)
            if m:
                libs.append(m.group(1))
            elif '=> not found' in line:
                raise Missing(f'{b}: {line}')
    return sorted(set(libs))


def inner_files(inner_qemu):
    """[(path in the initramfs, host file)] for the inner QEMU."""
    real = os.path.realpath(inner_qemu)
    prefix = os.path.dirname(os.path.dirname(real))          # /usr
    files = [(INNER_QEMU_IN_GUEST, real)]
    extra = []
    for rel in INNER_MODULES:
        p = os.path.join(prefix, rel)
        if os.path.isfile(p):
            files.append(('/usr/' + rel, p))
            extra.append(p)
    for rel in INNER_DATA:
        p = os.path.join(prefix, rel)
        if not os.path.isfile(p):
            raise Missing(f'{p} not found (the inner q35 loads it at start; apt-get install -y '
                          f'qemu-system-x86 seabios ipxe-qemu)')
        files.append(('/usr/' + rel, p))
    for lib in ldd_closure([real] + extra):
        files.append((lib, lib))
    return files


def build_base(a, kver, moddir):
    busybox = shutil.which('busybox') or '/bin/busybox'
    if not os.path.isfile(busybox):
        raise Missing('busybox not found (apt-get install -y busybox-static)')
    if shutil.which('file') and 'statically linked' not in subprocess.run(
            ['file', '-L', busybox], capture_output=True, text=True).stdout:
        raise Missing(f'{busybox} is not statically linked (apt-get install -y busybox-static)')
    gcc = shutil.which('gcc')
    if not gcc:
        raise Missing('gcc not found (apt-get install -y gcc libc6-dev)')
    inner = shutil.which(a.inner_qemu)
    if not inner:
        raise Missing(f'{a.inner_qemu} not found (apt-get install -y qemu-system-x86)')
    vmods, seen = module_closure(moddir, VFIO_MODULES)
    nmods, _ = module_closure(moddir, NVME_MODULES, skip=seen)
    ifiles = inner_files(inner)
    csrc, init = open(C_SRC, 'rb').read(), open(INIT_SRC, 'rb').read()
    key = sha(BUILDER_VERSION, csrc, init, file_sig(busybox), kver,
              *[file_sig(p) for _, p in vmods + nmods], *[g + '=' + file_sig(h) for g, h in ifiles])
    out = os.path.join(a.cache, f'base-{kver}-{key}.cpio')
    if os.path.isfile(out) and not a.rebuild:
        return out, vmods, ifiles
    os.makedirs(a.cache, exist_ok=True)
    t0 = time.monotonic()
    drive = os.path.join(a.cache, f'qtest_drive-{key}')
    shim = os.path.join(a.cache, f'qvo_vftoken-{key}.so')
    for argv, what in (([gcc, '-static', '-O2', '-Wall', '-o', drive, C_SRC], 'gcc -static qtest_drive.c'),
                       ([gcc, '-shared', '-fPIC', '-DQVO_SHIM', '-O2', '-Wall', '-o', shim, C_SRC],
                        'gcc -shared -DQVO_SHIM qtest_drive.c')):
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode:
            raise Missing(f'{what} failed (apt-get install -y gcc libc6-dev):\n{r.stderr}')
    c = Cpio()
    for d in ('bin', 'dev', 'proc', 'sys', 'tmp', 'job', 'lib/modules', 'lib64', 'usr/bin', 'etc'):
        c.dir(d)
    c.chardev('dev/console', 5, 1)
    c.file('bin/busybox', open(busybox, 'rb').read(), 0o755)
    for applet in subprocess.run([busybox, '--list'], capture_output=True, text=True).stdout.split():
        if applet != 'busybox' and '/' not in applet:
            c.symlink('bin/' + applet, 'busybox')
    c.file('bin/qtest_drive', open(drive, 'rb').read(), 0o755)
    c.file('lib/qvo_vftoken.so', open(shim, 'rb').read(), 0o755)
    for name, path in vmods + nmods:
        c.file(f'lib/modules/{name}.ko', read_module(path))
    c.file('lib/modules/ORDER', ''.join(n + '\n' for n, _ in vmods).encode())
    c.file('lib/modules/ORDER.nvme', ''.join(n + '\n' for n, _ in nmods).encode())
    for gpath, hpath in ifiles:
        c.file(gpath, open(hpath, 'rb').read(), 0o755)
    c.file('init', init, 0o755)
    data = c.finish()
    tmp = f'{out}.{os.getpid()}.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, out)
    for old in os.listdir(a.cache):
        if old.startswith(('base-', 'qtest_drive-', 'qvo_vftoken-')) and key not in old:
            try:
                os.unlink(os.path.join(a.cache, old))
            except OSError:
                pass
    log(f'built {out} ({len(data) >> 20} MB: {len(ifiles)} inner QEMU files, modules '
        f'{" ".join(n for n, _ in vmods)} + {" ".join(n for n, _ in nmods)}) in {time.monotonic() - t0:.1f} s')
    return out, vmods, ifiles


# ---------------------------------------------------------------- job

def norm_bdf(s):
    m = re.fullmatch(r'(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])', s)
    if not m:
        return None
    return '%s:%s:%s.%s' % ((m.group(1) or '0000').lower(), m.group(2).lower(), m.group(3).lower(), m.group(4))


def resolve_who(who, aliases):
    vf = None
    m = re.fullmatch(r'(.+?)/vf(\d+)', who)
    if m:
        who, vf = m.group(1), int(m.group(2))
    bdf = aliases.get(who) or norm_bdf(who)
    if not bdf:
        raise UsageError(f'{who!r}: neither a BDF (BB:DD.F) nor a preset given with --devices '
                         f'({", ".join(aliases) or "none"})')
    return bdf, vf


SCRIPT_LINE = re.compile(r'^\s*(?:$|#|(?:R\s+\S+\s+[0-9a-fx]+|W\s+\S+\s+[0-9a-fx]+\s+[0-9a-fx]+'
                         r'|D\s+[A-Za-z0-9_.-]+|RESET)\s*(?:#.*)?$)', re.I)


def check_script(path):
    try:
        text = open(path).read()
    except OSError as e:
        raise UsageError(f'script {path}: {e.strerror}')
    for i, line in enumerate(text.splitlines(), 1):
        if not SCRIPT_LINE.match(line):
            raise UsageError(f'{path}:{i}: bad script line {line!r} (R OFF WIDTH | W OFF WIDTH VALUE | D LABEL)')
    return text


# ---------------------------------------------------------------- results

def parse_data(text):
    res = {'pci': [], 'errors': [], 'targets': {}, 'order': [], 'done': None, 'fatal': None,
           'guest': '', 'vfs': [], 'dmesg': [], 'notes': [], 'info': []}
    cur = None
    lines = text.replace('\r', '').split('\n')
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if line == '@DMESG-BEGIN':
            while i < len(lines) and lines[i].strip() != '@DMESG-END':
                res['dmesg'].append(lines[i].rstrip())
                i += 1
            i += 1
            continue
        word, _, rest = line.partition(' ')
        if word == '@GUEST':
            res['guest'] = rest
        elif word == '@PCI':
            res['pci'].append(rest)
        elif word == '@VFS':
            res['vfs'].append(rest)
        elif word == '@TARGET':
            bdf = rest.split()[0]
            spec = re.search(r'spec=(\S+)', rest)
            cur = {'info': [], 'acc': [], 'dumps': {}, 'errors': [], 'qerr': [], 'status': None,
                   'target': rest, 'spec': spec.group(1) if spec else bdf}
            res['targets'][bdf] = cur
            res['order'].append(bdf)
        elif word == '@DUMP' and cur is not None:
            name, size = rest.split()
            hexs = []
            while i < len(lines) and lines[i].strip() != '@ENDDUMP':
                hexs.append(lines[i].strip())
                i += 1
            i += 1
            try:
                data = bytes.fromhex(''.join(hexs))
            except ValueError:
                data = b''
            if len(data) != int(size):
                cur['errors'].append(f'dump {name}: got {len(data)} of {size} bytes (serial data lost?)')
            cur['dumps'][name] = data
        elif word == '@INFO':
            (cur['info'] if cur is not None else res['info']).append(rest)
        elif word == '@ACC' and cur is not None:
            cur['acc'].append(rest)
        elif word == '@QERR' and cur is not None:
            cur['qerr'].append(rest)
        elif word == '@ERR':
            (cur['errors'] if cur is not None else res['errors']).append(rest)
        elif word == '@END':
            parts = rest.split()
            if cur is not None and parts and parts[0] in res['targets']:
                res['targets'][parts[0]]['status'] = parts[1] if len(parts) > 1 else '?'
                cur = None
        elif word == '@NOTE':
            res['notes'].append(rest)
        elif word == '@FATAL':
            res['fatal'] = rest
        elif word == '@DONE':
            res['done'] = rest
    return res


def hexdump(data):
    return ['%02x: ' % o + ' '.join('%02x' % x for x in data[o:o + 16]) for o in range(0, len(data), 16)]


def short_bdf(bdf):
    return bdf[5:] if bdf.startswith('0000:') else bdf


def lspci_header(bdf, head):
    lspci = shutil.which('lspci')
    if lspci:
        try:
            with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as t:
                t.write(f'{bdf} x\n' + '\n'.join(hexdump(head[:64])) + '\n\n')
            r = subprocess.run([lspci, '-F', t.name], capture_output=True, text=True, timeout=30)
            os.unlink(t.name)
            first = r.stdout.strip().splitlines()
            if first:
                return first[0].rstrip()
        except (OSError, subprocess.SubprocessError):
            pass
    c = head
    return '%s Class %04x: Device %04x:%04x (rev %02x)' % (
        bdf, c[0x0b] << 8 | c[0x0a], c[0] | c[1] << 8, c[2] | c[3] << 8, c[8])


def diff_lines(a, b, na, nb):
    out = []
    for off in range(0, min(len(a), len(b)), 4):
        if a[off:off + 4] != b[off:off + 4]:
            va, vb = int.from_bytes(a[off:off + 4], 'little'), int.from_bytes(b[off:off + 4], 'little')
            out.append('  %03x: %s %08x  %s %08x  xor %08x' % (off, na, va, nb, vb, va ^ vb))
    if len(a) != len(b):
        out.append(f'  sizes differ: {na} {len(a)} bytes, {nb} {len(b)} bytes')
    return out


def write_outputs(outdir, prefix, res, scripts, guest_bdf):
    written, heads = [], {}
    for bdf in res['order']:
        t = res['targets'][bdf]
        d = t['dumps']
        tag = short_bdf(bdf).replace(':', '_')
        ids = d.get('guest-before', b'')[:4]
        for stage, data in d.items():
            if len(data) < 64:
                continue
            head = bytearray(data[:64])
            where = guest_bdf if stage.startswith('guest-') else short_bdf(bdf)
            if stage.startswith('dev-') and head[:4] == b'\xff\xff\xff\xff' and len(ids) == 4:
                head[0:4] = ids          # a VF: name it with the IDs the guest sees (hex untouched)
            key = (where, bytes(head))
            if key not in heads:
                heads[key] = lspci_header(where, bytes(head))
            fn = os.path.join(outdir, f'{prefix}-{stage}-{tag}.txt')
            with open(fn, 'w') as f:
                f.write(heads[key] + '\n' + '\n'.join(hexdump(data)) + '\n')
            written.append(fn)
        acc = [f'# {bdf} (inner guest {guest_bdf}): {t["target"]}', f'# status: {t["status"]}']
        acc += [f'# info: {x}' for x in t['info']]
        acc += [f'# error: {x}' for x in t['errors']]
        acc += ['# script:'] + ['#   ' + l for l in scripts.get(t['spec'], '').splitlines()]
        acc += ['# n op off width [value] -> result (guest view, through qtest)'] + t['acc']
        fn = os.path.join(outdir, f'{prefix}-access-{tag}.txt')
        with open(fn, 'w') as f:
            f.write('\n'.join(acc) + '\n')
        written.append(fn)
        fn = os.path.join(outdir, f'{prefix}-qemu-stderr-{tag}.txt')
        with open(fn, 'w') as f:
            f.write(''.join(x + '\n' for x in t['qerr']))
        written.append(fn)
        if d:
            diff = [f'# {bdf}: dwords that differ (offset: first second xor)']
            pairs = [('guest-before', 'dev-before'), ('guest-after', 'dev-after'),
                     ('guest-before', 'guest-after'), ('dev-initial', 'dev-before'),
                     ('dev-before', 'dev-after'), ('dev-after', 'dev-closed')]
            for x, y in pairs:
                if x in d and y in d:
                    lines = diff_lines(d[x], d[y], x, y)
                    diff.append(f'{x} vs {y}: {len(lines)} dwords differ')
                    diff += lines
            fn = os.path.join(outdir, f'{prefix}-diff-{tag}.txt')
            with open(fn, 'w') as f:
                f.write('\n'.join(diff) + '\n')
            written.append(fn)
    return written


# ---------------------------------------------------------------- VM

def run_vm(argv, console, data, timeout):
    """Run the outer QEMU until it exits, the guest reports @DONE (+10 s grace), or timeout."""
    t0 = time.monotonic()
    with open(console + '.stderr', 'w') as errf:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=errf, stderr=subprocess.STDOUT)
    done_at, rc = None, None
    try:
        while True:
            rc = p.poll()
            if rc is not None:
                break
            el = time.monotonic() - t0
            if done_at is None and os.path.exists(data):
                with open(data, 'rb') as f:
                    if b'@DONE' in f.read():
                        done_at = el
            if done_at is not None and el - done_at > 10:
                log('guest finished but did not power off within 10 s; killing the outer QEMU')
                rc = 'killed after @DONE'
                break
            if el > timeout:
                log(f'VM run exceeded the {timeout:.0f} s bound: killing the outer QEMU (pid {p.pid})')
                rc = 'timeout'
                break
            time.sleep(0.1)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return rc, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--outdir', required=True)
    ap.add_argument('--prefix', default='qvo')
    ap.add_argument('--devices', default='', help='comma-separated presets: ' + ', '.join(PRESETS))
    ap.add_argument('--vfs', action='append', default=[], metavar='WHO:N')
    ap.add_argument('--guest-bus', default='root', choices=sorted(GUEST_BDF))
    ap.add_argument('--target', action='append', default=[], metavar='WHO[/vfN][=SCRIPT]')
    ap.add_argument('--script', help='default access script for targets without =SCRIPT')
    ap.add_argument('--vfio-pci-params', default='')
    ap.add_argument('--qemu-device-opts', default='', help='appended to the inner -device vfio-pci,...')
    ap.add_argument('--vf-open', default='shim', choices=['shim', 'plain'])
    ap.add_argument('--pf-driver', default='vfio-pci', choices=['vfio-pci', 'nvme'])
    ap.add_argument('--dump-with', default='read', choices=['read', 'readl'])
    ap.add_argument('--timeout', type=float)
    ap.add_argument('--first-answer-timeout', type=float, default=300)
    ap.add_argument('--memory', default='1024')
    ap.add_argument('--inner-memory', default='64')
    ap.add_argument('--append', default='')
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--inner-qemu', default='qemu-system-x86_64')
    ap.add_argument('--kernel-version')
    ap.add_argument('--cache', default=os.environ.get('QEMU_VFIO_ORACLE_CACHE', '/tmp/qemu-vfio-oracle/cache'))
    ap.add_argument('--rebuild', action='store_true')
    ap.add_argument('--keep-tmp', action='store_true')
    a = ap.parse_args()
    if not a.target:
        ap.error('give at least one --target')
    try:
        return run(a)
    except UsageError as e:
        log('usage: ' + str(e))
        return 2
    except Missing as e:
        log('missing prerequisite: ' + str(e))
        return 2
    except OracleError as e:
        log('FAILED: ' + str(e))
        return 1


def run(a):
    t_start = time.monotonic()
    qemu = shutil.which(a.qemu)
    if not qemu:
        raise Missing(f'{a.qemu} not found (apt-get install -y qemu-system-x86)')
    if not re.fullmatch(r'[0-9]+', a.inner_memory):
        raise UsageError('--inner-memory wants a number of MB')
    if re.search(r'\s', a.qemu_device_opts):
        raise UsageError('--qemu-device-opts: no spaces (it is appended to -device vfio-pci,...)')
    kver, vmlinuz, moddir = pick_kernel(a.kernel_version)

    # outer devices: preset k behind its own pcie-root-port 00:02.k -> bus k+1
    qdev, aliases = [], {}
    presets = [p for p in a.devices.split(',') if p]
    if len(presets) > 8:
        raise UsageError('at most 8 presets')
    for n, name in enumerate(presets):
        if name not in PRESETS:
            raise UsageError(f'unknown preset {name!r} (known: {", ".join(PRESETS)})')
        rp = f'qvo_rp{n}'
        qdev += ['-device', f'pcie-root-port,id={rp},chassis={n + 1},port={n + 1},bus=pcie.0,'
                 f'addr=0x2.{n}' + (',multifunction=on' if n == 0 else '')]
        qdev += [x.format(rp=rp, id=f'qvo_dev{n}', n=n) for x in PRESETS[name]]
        aliases.setdefault(name, '0000:%02x:00.0' % (n + 1))

    job = Cpio()
    targets, scripts, vfs_lines = [], {}, []
    for spec in a.vfs:
        who, _, num = spec.rpartition(':')
        if not who or not num.isdigit():
            raise UsageError(f'--vfs {spec!r}: want WHO:N')
        bdf, vf = resolve_who(who, aliases)
        if vf is not None:
            raise UsageError(f'--vfs {spec!r}: WHO must be a PF')
        vfs_lines.append(f'{bdf} {int(num)}')
    for i, spec in enumerate(a.target):
        who, _, spath = spec.partition('=')
        spath = spath or a.script
        bdf, vf = resolve_who(who, aliases)
        text = check_script(spath) if spath else ''
        job.file(f'job/script{i}.txt', text.encode())
        gspec = bdf if vf is None else f'{bdf}/virtfn{vf}'
        targets.append(f'{gspec} script{i}.txt')
        scripts[gspec] = f'({spath or "no script: dumps only"})\n' + text
    vfio_params = ('enable_sriov=1 ' if vfs_lines and a.pf_driver == 'vfio-pci' else '') + a.vfio_pci_params
    config = {'VFIO_PCI_PARAMS': vfio_params.strip(), 'VF_TOKEN': VF_TOKEN, 'TOPOLOGY': a.guest_bus,
              'DEVOPTS': a.qemu_device_opts, 'INNER_MEM': a.inner_memory, 'VF_SHIM': 'on' if a.vf_open == 'shim'
              else 'off', 'FIRST_TIMEOUT': str(int(a.first_answer_timeout)), 'PF_DRIVER': a.pf_driver,
              'DUMP_WITH': a.dump_with}
    job.file('job/config', ''.join(f'{k}={shlex.quote(v)}\n' for k, v in config.items()).encode())
    job.file('job/vfs', ''.join(x + '\n' for x in vfs_lines).encode())
    job.file('job/targets', ''.join(x + '\n' for x in targets).encode())

    base, vmods, ifiles = build_base(a, kver, moddir)
    kernel = pvh_vmlinux(a.cache, kver, vmlinuz) or vmlinuz
    parent = os.path.dirname(os.path.abspath(a.cache))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='run-', dir=parent)
    try:
        initrd = os.path.join(tmp, 'initrd')
        with open(initrd, 'wb') as f, open(base, 'rb') as b:
            shutil.copyfileobj(b, f)
            f.write(job.finish())
        console, data = os.path.join(tmp, 'console.txt'), os.path.join(tmp, 'data.txt')
        cmdline = f'console=ttyS0 intel_iommu=on panic=-1 mitigations=off {a.append}'.strip()
        argv = [qemu, '-machine', 'q35,accel=tcg', '-cpu', 'max', '-m', a.memory, '-smp', '1',
                '-nodefaults', '-display', 'none', '-monitor', 'none', '-no-reboot',
                '-serial', f'file:{console}', '-serial', f'file:{data}',
                '-device', 'intel-iommu,intremap=on,caching-mode=on',
                '-kernel', kernel, '-initrd', initrd, '-append', cmdline] + qdev
        timeout = a.timeout or 240 + 120 * len(targets)
        log(f'booting {kver} under TCG ({"PVH vmlinux" if kernel != vmlinuz else "bzImage"}, '
            f'initrd {os.path.getsize(initrd) >> 20} MB), {len(targets)} target(s), inner bus {a.guest_bus}')
        rc, took = run_vm(argv, console, data, timeout)
        text = open(data, errors='replace').read() if os.path.exists(data) else ''
        ctext = open(console, errors='replace').read() if os.path.exists(console) else ''
        qerr = open(console + '.stderr', errors='replace').read()
        os.makedirs(a.outdir, exist_ok=True)
        for name, body in (('console', ctext), ('data', text)):
            with open(os.path.join(a.outdir, f'{a.prefix}-{name}.txt'), 'w') as f:
                f.write(body)
        res = parse_data(text)
        if res['dmesg']:
            with open(os.path.join(a.outdir, f'{a.prefix}-dmesg.txt'), 'w') as f:
                f.write('\n'.join(res['dmesg']) + '\n')
        gbdf = GUEST_BDF[a.guest_bus]
        summary = ['# outer: ' + ' '.join(shlex.quote(x) for x in argv),
                   f'# kernel cmdline: {cmdline}',
                   f'# guest: {res["guest"]}',
                   f'# modules: {" ".join(n for n, _ in vmods)}; vfio-pci params: {vfio_params.strip() or "-"}',
                   f'# inner QEMU: {len(ifiles)} files packed ({", ".join(g for g, _ in ifiles if "/share/" in g)})',
                   f'# inner topology: {a.guest_bus} (the function is {gbdf} in the inner guest); '
                   f'vf-open {a.vf_open}; PF driver for --vfs: {a.pf_driver}',
                   f'# outer VM wall time {took:.1f} s; outer QEMU exit status {rc}']
        summary += [f'# vfs: {x}' for x in vfs_lines] + [f'# vfs enabled: {x}' for x in res['vfs']]
        summary += [f'# target: {x}' for x in targets]
        summary += [f'# guest pci: {x}' for x in res['pci']]
        summary += [f'# outer kernel BAR: {x.split("] ", 1)[-1]}' for x in res['dmesg']
                    if re.search(r'pci \S+: (reg 0x|VF\(n\) BAR|VF BAR|BAR \d+ \[|ROM \[)', x)]
        for bdf in res['order']:
            t = res['targets'][bdf]
            for x in t['info']:
                if x.startswith(('inner_cmdline', 'inner_ready', 'inner_exit', 'qtest_commands')):
                    summary.append(f'# {short_bdf(bdf)} {x}')
            summary += [f'# {short_bdf(bdf)} inner stderr: {x}' for x in t['qerr']]
        summary += [f'# guest error: {x}' for x in res['errors']]
        summary += [f'# guest note: {x}' for x in res['notes']]
        warn = [l.strip() for l in ctext.splitlines()
                if re.search(r'device inaccessible|giving up|timed out waiting|Hardware bug|conflict|'
                             r'VF token|DMAR: DRHD: handling fault', l)]
        summary += [f'# guest kernel warning: {x}' for x in warn[:20]]
        if qerr.strip():
            summary += ['# outer qemu: ' + x for x in qerr.strip().splitlines()]
        write_outputs(a.outdir, a.prefix, res, scripts, gbdf)
        failures = []
        if res['fatal']:
            failures.append('guest: ' + res['fatal'])
        if rc == 'timeout':
            failures.append(f'VM run exceeded --timeout {timeout:.0f} s and was killed')
        if res['done'] is None:
            tail = '\n'.join(ctext.strip().splitlines()[-15:])
            failures.append(f'guest never reported @DONE (outer QEMU exit {rc}); console tail:\n{tail}\n'
                            f'{qerr.strip()}')
        failures += ['guest: ' + x for x in res['errors']]
        by_spec = {tr['spec']: (bdf, tr) for bdf, tr in res['targets'].items()}
        for t in targets:
            spec = t.split()[0]
            bdf, tr = by_spec.get(spec, (spec, None))
            if tr is None:
                failures.append(f'{spec}: no result')
            elif tr['status'] != 'OK' or tr['errors']:
                why = '; '.join(tr['errors'])
                qe = [x for x in tr['qerr'] if x.strip()]
                failures.append(f'{short_bdf(bdf)} ({spec}): status {tr["status"]}: {why}'
                                + (('\n  inner QEMU stderr: ' + '\n  '.join(qe[-8:])) if qe else ''))
        total = time.monotonic() - t_start
        summary.append(f'# total wall time {total:.1f} s; {"FAILED" if failures else "OK"}')
        summary += ['# failure: ' + x.replace('\n', '\n#   ') for x in failures]
        with open(os.path.join(a.outdir, f'{a.prefix}-cmdline.txt'), 'w') as f:
            f.write('\n'.join(summary) + '\n')
        for bdf in res['order']:
            t = res['targets'][bdf]
            ready = next((x for x in t['info'] if x.startswith('inner_ready')), 'inner_ready -')
            print(f'{short_bdf(bdf)} ({t["spec"]}): {t["status"]}; {ready}')
        print(f'outer VM {took:.1f} s, total {total:.1f} s; outputs in {a.outdir} ({a.prefix}-*)')
        if failures:
            log('FAILED:\n  ' + '\n  '.join(failures))
            return 1
        return 0
    finally:
        if a.keep_tmp:
            log(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
