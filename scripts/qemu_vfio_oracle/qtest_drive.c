/*
 * qtest_drive.c: part of cfgtui's QEMU vfio-pci oracle (scripts/qemu_vfio_oracle.py).
 * GPL-2.0-or-later.
 *
 * Runs inside the throwaway outer guest that qemu_vfio_oracle.py boots, on a PCI
 * function that is already bound to vfio-pci.  Built twice from this one file:
 *
 *   gcc -static -O2 -o qtest_drive qtest_drive.c
 *       the driver (see usage() below): starts an inner
 *       "qemu-system-x86_64 -machine q35 -qtest stdio ..." that assigns the function
 *       with -device vfio-pci, speaks the qtest protocol on the inner QEMU's
 *       stdin/stdout, and reads/writes the assigned function's config space the way
 *       a guest would (ECAM, after programming the q35 MCH's PCIEXBAR, and the bus
 *       numbers of the bridge above the device when there is one).
 *
 *   gcc -shared -fPIC -DQVO_SHIM -O2 -o qvo_vftoken.so qtest_drive.c
 *       an LD_PRELOAD shim for the inner QEMU: when QVO_VF_TOKEN is set, it appends
 *       " vf_token=UUID" to the device name of VFIO_GROUP_GET_DEVICE_FD.  That is
 *       what QEMU 8.1's vfio-pci "vf-token" property does; QEMU 7.2 has no such
 *       property, and Linux refuses (EACCES, "VF token required to access device")
 *       to hand out a VF whose PF is bound to vfio-pci without the token.
 *
 * Output (stdout, line based, parsed by qemu_vfio_oracle.py):
 *   @BEGIN BDF / @INFO key value / @ACC n OP OFF WIDTH [VALUE] -> RESULT
 *   @DUMP NAME SIZE, SIZE/32 lines of 64 hex digits, @ENDDUMP
 *   @QERR line (inner QEMU stderr) / @ERR message / @END BDF OK|FAIL
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/vfio.h>

#ifdef QVO_SHIM

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	const char *tok;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	tok = getenv("QVO_VF_TOKEN");
	if (req == VFIO_GROUP_GET_DEVICE_FD && tok && *tok && arg && !strstr((const char *)arg, "vf_token=")) {
		char name[256];
		long rc;
		snprintf(name, sizeof(name), "%s vf_token=%s", (const char *)arg, tok);
		rc = syscall(SYS_ioctl, fd, req, name);
		fprintf(stderr, "qvo_vftoken.so: VFIO_GROUP_GET_DEVICE_FD(\"%s\") -> %ld%s%s\n", name, rc,
			rc < 0 ? " " : "", rc < 0 ? strerror(errno) : "");
		return (int)rc;
	}
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

#else /* the driver */

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#define ECAM_BASE 0xb0000000u
#define CFG_SIZE 4096

static const char *g_bdf = "?";
static char g_sysfs_cfg[256];

static void out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void drain(void)
{
	fflush(stdout);
	if (isatty(1))
		tcdrain(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_dump(const char *name, const uint8_t *buf, size_t size)
{
	out("@DUMP %s %zu\n", name, size);
	for (size_t i = 0; i < size; i++) {
		printf("%02x", buf[i]);
		if ((i & 31) == 31)
			putchar('\n');
	}
	if (size & 31)
		putchar('\n');
	out("@ENDDUMP\n");
}

/* ---- sysfs: the function's own config space, as the outer kernel reads it ---- */

static void dump_sysfs(const char *stage)
{
	uint8_t buf[CFG_SIZE];
	char name[96];
	ssize_t got = 0, n;
	int fd = open(g_sysfs_cfg, O_RDONLY);
	if (fd < 0) {
		out("@ERR open %s: %s\n", g_sysfs_cfg, strerror(errno));
		return;
	}
	while (got < CFG_SIZE && (n = pread(fd, buf + got, CFG_SIZE - got, got)) > 0)
		got += n;
	close(fd);
	snprintf(name, sizeof(name), "dev-%s", stage);
	print_dump(name, buf, (size_t)got);
}

/* ---- the VF token of an SR-IOV PF bound to vfio-pci ---- */

static int set_token(const char *bdf, const char *token)
{
	char path[300], link[256], name[160];
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	ssize_t n;
	int container, group, dev;
	char *slash;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		out("@ERR %s: no IOMMU group: %s\n", bdf, strerror(errno));
		return 1;
	}
	link[n] = 0;
	slash = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/vfio/%s", slash ? slash + 1 : link);
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0) {
		out("@ERR %s: open /dev/vfio/vfio or %s: %s\n", bdf, path, strerror(errno));
		return 1;
	}
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs) || !(gs.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		out("@ERR %s: vfio group/container setup: %s\n", bdf, strerror(errno));
		return 1;
	}
	snprintf(name, sizeof(name), "%s vf_token=%s", bdf, token);
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (dev < 0) {
		out("@ERR %s: VFIO_GROUP_GET_DEVICE_FD(\"%s\"): %s\n", bdf, name, strerror(errno));
		return 1;
	}
	close(dev);
	close(group);
	close(container);
	out("@INFO %s vf token set (%s)\n", bdf, token);
	return 0;
}

/* ---- the inner QEMU and the qtest protocol ---- */

static pid_t g_pid = -1;
static int g_to = -1, g_from = -1;      /* pipes to QEMU's stdin and from its stdout */
static char g_rbuf[65536];
static size_t g_rlen;
static double g_timeout = 30, g_first_timeout = 300;
static int g_dead;                       /* QEMU gone or protocol broken: stop talking */
static char g_stderr_path[256];
static unsigned long g_nq;               /* qtest commands sent */

/* one response line (without "\n") into line; 0 ok, -1 EOF/timeout */
static int read_line(char *line, size_t len, double timeout)
{
	double end = now() + timeout;
	for (;;) {
		char *nl = memchr(g_rbuf, '\n', g_rlen);
		if (nl) {
			size_t l = (size_t)(nl - g_rbuf);
			snprintf(line, len, "%.*s", (int)l, g_rbuf);
			memmove(g_rbuf, nl + 1, g_rlen - l - 1);
			g_rlen -= l + 1;
			return 0;
		}
		double left = end - now();
		if (left <= 0) {
			out("@ERR inner QEMU gave no qtest answer within %.0f s\n", timeout);
			return -1;
		}
		struct pollfd p = { .fd = g_from, .events = POLLIN };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t n = read(g_from, g_rbuf + g_rlen, sizeof(g_rbuf) - 1 - g_rlen);
		if (n <= 0) {
			out("@ERR inner QEMU closed its qtest channel (exited?)\n");
			return -1;
		}
		g_rlen += (size_t)n;
	}
}

/* send a command, return the value after "OK" (0 when none); *ok = 0 on failure */
static uint64_t qcmd(int *ok, const char *fmt, ...)
{
	char cmd[160], line[512];
	va_list ap;
	*ok = 0;
	if (g_dead)
		return ~0ull;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	size_t l = strlen(cmd);
	cmd[l++] = '\n';
	if (write(g_to, cmd, l) != (ssize_t)l) {
		out("@ERR write to inner QEMU: %s\n", strerror(errno));
		g_dead = 1;
		return ~0ull;
	}
	if (read_line(line, sizeof(line), g_nq++ ? g_timeout : g_first_timeout)) {
		g_dead = 1;
		return ~0ull;
	}
	if (strncmp(line, "OK", 2)) {
		cmd[l - 1] = 0;
		out("@ERR qtest '%s' -> '%s'\n", cmd, line);
		return ~0ull;
	}
	*ok = 1;
	return line[2] == ' ' ? strtoull(line + 3, NULL, 0) : 0;
}

/* the guest function's address in the inner machine */
static unsigned g_gbus, g_gdev, g_gfn;

static uint64_t ecam(unsigned off)
{
	return ECAM_BASE + ((uint64_t)g_gbus << 20 | g_gdev << 15 | g_gfn << 12 | off);
}

/* guest config read/write of 1, 2, 4 bytes (aligned); *ok = 0 on failure */
static uint32_t gread(unsigned off, unsigned width, int *ok)
{
	static const char *op[] = { [1] = "readb", [2] = "readw", [4] = "readl" };
	return (uint32_t)qcmd(ok, "%s 0x%" PRIx64, op[width], ecam(off));
}

static void gwrite(unsigned off, unsigned width, uint32_t val, int *ok)
{
	static const char *op[] = { [1] = "writeb", [2] = "writew", [4] = "writel" };
	qcmd(ok, "%s 0x%" PRIx64 " 0x%x", op[width], ecam(off), val);
}

static int g_dump_readl;                 /* -d readl: dump with 1024 readl instead of one read */

/* "read ADDR SIZE" -> "OK 0xHEX": QEMU splits it into naturally aligned accesses of at
 * most 4 bytes (the MMCONFIG region's limit), i.e. the same 1024 dword config reads as
 * 1024 readl, in one round trip */
static int read_block(uint64_t addr, uint8_t *buf, size_t size)
{
	static char line[2 * CFG_SIZE + 64];
	char cmd[96];
	int l = snprintf(cmd, sizeof(cmd), "read 0x%" PRIx64 " 0x%zx\n", addr, size);
	if (g_dead)
		return -1;
	if (write(g_to, cmd, (size_t)l) != l || read_line(line, sizeof(line), g_nq++ ? g_timeout : g_first_timeout)) {
		g_dead = 1;
		return -1;
	}
	if (strncmp(line, "OK 0x", 5) || strlen(line) != 5 + 2 * size) {
		out("@ERR qtest 'read 0x%" PRIx64 " 0x%zx' -> '%.60s'\n", addr, size, line);
		return -1;
	}
	for (size_t i = 0; i < size; i++) {
		unsigned v;
		sscanf(line + 5 + 2 * i, "%2x", &v);
		buf[i] = (uint8_t)v;
	}
	return 0;
}

static void dump_guest(const char *stage)
{
	uint8_t buf[CFG_SIZE];
	char name[96];
	int ok, errs = 0;
	if (g_dump_readl || read_block(ecam(0), buf, CFG_SIZE)) {
		if (g_dead)
			goto gone;
		for (unsigned off = 0; off < CFG_SIZE; off += 4) {
			uint32_t v = gread(off, 4, &ok);
			if (!ok) {
				errs++;
				v = 0xffffffff;
			}
			memcpy(buf + off, &v, 4);
		}
	}
	if (errs || g_dead) {
gone:
		out("@ERR guest dump %s: %d qtest reads failed%s\n", stage, errs, g_dead ? " (inner QEMU gone)" : "");
		if (g_dead)
			return;
	}
	snprintf(name, sizeof(name), "guest-%s", stage);
	print_dump(name, buf, sizeof(buf));
}

/* Type 0/1 config write through 0xCF8/0xCFC (bus 0 devices, before ECAM is on) */
static void cf8_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t val, int *ok)
{
	uint32_t a = 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
	qcmd(ok, "outl 0xcf8 0x%x", a);
	if (*ok)
		qcmd(ok, "outl 0xcfc 0x%x", val);
}

static uint32_t cf8_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off, int *ok)
{
	uint32_t a = 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
	qcmd(ok, "outl 0xcf8 0x%x", a);
	return *ok ? (uint32_t)qcmd(ok, "inl 0xcfc") : ~0u;
}

static int start_qemu(char **argv, const char *token)
{
	int in[2], outp[2];
	if (pipe(in) || pipe(outp)) {
		out("@ERR pipe: %s\n", strerror(errno));
		return -1;
	}
	g_pid = fork();
	if (g_pid < 0) {
		out("@ERR fork: %s\n", strerror(errno));
		return -1;
	}
	if (g_pid == 0) {
		int e = open(g_stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(in[0], 0);
		dup2(outp[1], 1);
		if (e >= 0)
			dup2(e, 2);
		close(in[1]);
		close(outp[0]);
		if (token && *token) {
			setenv("LD_PRELOAD", "/lib/qvo_vftoken.so", 1);
			setenv("QVO_VF_TOKEN", token, 1);
		}
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	g_to = in[1];
	g_from = outp[0];
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int wait_qemu(double timeout, int *status)
{
	double end = now() + timeout;
	while (now() < end) {
		pid_t r = waitpid(g_pid, status, WNOHANG);
		if (r == g_pid)
			return 0;
		usleep(20000);
	}
	return -1;
}

/* close the qtest channel, wait for QEMU to exit (SIGTERM, then SIGKILL) */
static void stop_qemu(void)
{
	int st = 0;
	const char *how = "exited by itself after the qtest channel closed";
	if (g_pid <= 0)
		return;
	/* QEMU 7.2 only logs the qtest chardev's close; it keeps running until signalled */
	close(g_to);
	if (wait_qemu(0.5, &st)) {
		how = "SIGTERM after the qtest channel closed";
		kill(g_pid, SIGTERM);
		if (wait_qemu(15, &st)) {
			how = "ignored SIGTERM for 15 s; SIGKILL";
			kill(g_pid, SIGKILL);
			waitpid(g_pid, &st, 0);
		}
	}
	close(g_from);
	if (WIFEXITED(st))
		out("@INFO inner_exit status %d (%s)\n", WEXITSTATUS(st), how);
	else if (WIFSIGNALED(st))
		out("@INFO inner_exit signal %d (%s)\n", WTERMSIG(st), how);
	g_pid = -1;
}

static void emit_stderr(void)
{
	FILE *f = fopen(g_stderr_path, "r");
	char line[1024];
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		out("@QERR %s\n", line);
	}
	fclose(f);
}

/* ---- access script ---- */

static int parse_hex(const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return (errno || *end) ? -1 : 0;
}

/* OFF = HEX | capID+HEX | ecapID+HEX, the capability found in the guest view now.
 * 0 ok, 1 capability absent (why filled in), -1 syntax error */
static int resolve_off(const char *s, uint64_t *off, char *why, size_t whylen)
{
	int ext = 0, ok;
	uint64_t id, add = 0;
	char idbuf[32], *plus;
	if (!strncasecmp(s, "ecap", 4)) {
		ext = 1;
		s += 4;
	} else if (!strncasecmp(s, "cap", 3)) {
		s += 3;
	} else {
		return parse_hex(s, off) ? -1 : 0;
	}
	snprintf(idbuf, sizeof(idbuf), "%s", s);
	plus = strchr(idbuf, '+');
	if (plus) {
		*plus = 0;
		if (parse_hex(plus + 1, &add))
			return -1;
	}
	if (parse_hex(idbuf, &id))
		return -1;
	if (!ext) {
		unsigned ptr, guard = 0;
		if (gread(0x06, 2, &ok) & 0x10) {
			for (ptr = gread(0x34, 1, &ok) & 0xfc; ok && ptr >= 0x40 && guard < 48; guard++) {
				uint32_t hdr = gread(ptr, 2, &ok);
				if ((hdr & 0xff) == id) {
					*off = ptr + add;
					return 0;
				}
				ptr = (hdr >> 8) & 0xfc;
			}
		}
	} else {
		unsigned pos = 0x100, guard = 0;
		while (pos >= 0x100 && pos < CFG_SIZE && guard++ < 1024) {
			uint32_t hdr = gread(pos, 4, &ok);
			if (!ok || hdr == 0 || hdr == 0xffffffffu)
				break;
			if ((hdr & 0xffff) == id) {
				*off = pos + add;
				return 0;
			}
			pos = (hdr >> 20) & 0xffc;
		}
	}
	snprintf(why, whylen, "no %scapability 0x%" PRIx64 " in the guest view", ext ? "extended " : "", id);
	return 1;
}

static int run_script(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0, n = 0, bad = 0;
	if (!f) {
		out("@ERR open script %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (!g_dead && fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *tok[5];
		int nt = 0, ok;
		lineno++;
		if (hash)
			*hash = 0;
		for (char *p = strtok(line, " \t\r\n"); p && nt < 5; p = strtok(NULL, " \t\r\n"))
			tok[nt++] = p;
		if (!nt)
			continue;
		for (char *c = tok[0]; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		n++;
		if (!strcmp(tok[0], "D") && nt == 2) {
			out("@ACC %d D %s\n", n, tok[1]);
			dump_guest(tok[1]);
			dump_sysfs(tok[1]);
			continue;
		}
		if (!strcmp(tok[0], "RESET") && nt == 1) {
			out("@ACC %d RESET -> skip: no guest equivalent under qtest (write PCIe DevCtl bit 15 for an FLR)\n", n);
			continue;
		}
		uint64_t off = 0, width = 0, val = 0;
		int is_w = !strcmp(tok[0], "W"), r = -1;
		char why[128] = "";
		if ((is_w || !strcmp(tok[0], "R")) && nt == (is_w ? 4 : 3) && !parse_hex(tok[2], &width) &&
		    !(is_w && parse_hex(tok[3], &val)))
			r = resolve_off(tok[1], &off, why, sizeof(why));
		if (r < 0) {
			out("@ERR script %s:%d: cannot parse (want R OFF WIDTH | W OFF WIDTH VALUE | D LABEL;"
			    " OFF = HEX | capID+HEX | ecapID+HEX)\n", path, lineno);
			bad = 1;
			break;
		}
		char desc[96];
		snprintf(desc, sizeof(desc), "%s 0x%" PRIx64 " %" PRIu64, tok[0], off, width);
		if (is_w)
			snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), " 0x%0*" PRIx64,
				 (int)(2 * (width > 8 ? 8 : width)), val);
		if (r > 0) {
			out("@ACC %d %s %s %" PRIu64 "%s%s -> skip %s\n", n, tok[0], tok[1], width, is_w ? " " : "",
			    is_w ? tok[3] : "", why);
			continue;
		}
		if (width != 1 && width != 2 && width != 4 && width != 8) {
			out("@ACC %d %s -> refused: width must be 1, 2, 4 or 8\n", n, desc);
			continue;
		}
		if (off + width > CFG_SIZE) {
			out("@ACC %d %s -> refused: past the 4 KiB config space\n", n, desc);
			continue;
		}
		if (off % (width == 8 ? 4 : width)) {
			out("@ACC %d %s -> refused: unaligned (a guest's config access is naturally aligned)\n", n, desc);
			continue;
		}
		if (width == 8) {   /* two dword accesses, low dword first */
			if (is_w) {
				gwrite((unsigned)off, 4, (uint32_t)val, &ok);
				if (ok)
					gwrite((unsigned)off + 4, 4, (uint32_t)(val >> 32), &ok);
				out("@ACC %d %s -> %s (2 x writel)\n", n, desc, ok ? "ok" : "qtest error");
			} else {
				uint64_t lo = gread((unsigned)off, 4, &ok), hi = 0;
				if (ok)
					hi = gread((unsigned)off + 4, 4, &ok);
				if (ok)
					out("@ACC %d %s -> 0x%016" PRIx64 " (2 x readl)\n", n, desc, hi << 32 | lo);
				else
					out("@ACC %d %s -> qtest error\n", n, desc);
			}
			continue;
		}
		if (is_w) {
			gwrite((unsigned)off, (unsigned)width, (uint32_t)val, &ok);
			out("@ACC %d %s -> %s\n", n, desc, ok ? "ok" : "qtest error");
		} else {
			uint32_t v = gread((unsigned)off, (unsigned)width, &ok);
			if (ok)
				out("@ACC %d %s -> 0x%0*x\n", n, desc, (int)(2 * width), v);
			else
				out("@ACC %d %s -> qtest error\n", n, desc);
		}
	}
	fclose(f);
	return bad || g_dead;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: qtest_drive [-t root|root-port|conventional] [-q QEMU] [-m MB] [-o DEVOPTS]\n"
		"                   [-T UUID] [-s SCRIPT] [-e STDERRFILE] [-w FIRST_TIMEOUT]\n"
		"                   [-d read|readl] BDF\n"
		"       qtest_drive --set-token BDF UUID\n"
		"       qtest_drive --drain [TEXT]\n"
		"  -T UUID  VF token, passed to the inner QEMU's VFIO_GROUP_GET_DEVICE_FD through\n"
		"           LD_PRELOAD=/lib/qvo_vftoken.so (QEMU 7.2 has no vf-token property)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *topo = "root", *qemu = "/usr/bin/qemu-system-x86_64", *mem = "64", *devopts = "";
	const char *token = NULL, *script = NULL;
	char *qargv[64], dev[512], bridge[256];
	int i, qn = 0, ok, rc = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--drain")) {
			for (int j = i + 1; j < argc; j++)
				out("%s%s", argv[j], j + 1 < argc ? " " : "\n");
			drain();
			return 0;
		} else if (!strcmp(argv[i], "--set-token") && i + 2 < argc) {
			rc = set_token(argv[i + 1], argv[i + 2]);
			drain();
			return rc;
		} else if (i + 1 < argc && strlen(argv[i]) == 2 && strchr("tqmoTsewd", argv[i][1])) {
			const char *v = argv[++i];
			switch (argv[i - 1][1]) {
			case 't': topo = v; break;
			case 'q': qemu = v; break;
			case 'm': mem = v; break;
			case 'o': devopts = v; break;
			case 'T': token = v; break;
			case 's': script = v; break;
			case 'e': snprintf(g_stderr_path, sizeof(g_stderr_path), "%s", v); break;
			case 'w': g_first_timeout = atof(v); break;
			case 'd': g_dump_readl = !strcmp(v, "readl"); break;
			}
		} else {
			usage();
		}
	}
	if (i + 1 != argc)
		usage();
	g_bdf = argv[i];
	snprintf(g_sysfs_cfg, sizeof(g_sysfs_cfg), "/sys/bus/pci/devices/%s/config", g_bdf);
	if (!*g_stderr_path)
		snprintf(g_stderr_path, sizeof(g_stderr_path), "/tmp/qemu-stderr-%s", g_bdf);

	/* inner machine: the function at 00:04.0 (root), or at 01:00.0 behind a bridge at 00:04.0 */
	bridge[0] = 0;
	if (!strcmp(topo, "root")) {
		g_gbus = 0, g_gdev = 4;
		snprintf(dev, sizeof(dev), "vfio-pci,host=%s,id=qvo_dev,bus=pcie.0,addr=0x4", g_bdf);
	} else if (!strcmp(topo, "root-port")) {
		g_gbus = 1, g_gdev = 0;
		snprintf(bridge, sizeof(bridge), "pcie-root-port,id=qvo_br,bus=pcie.0,addr=0x4,chassis=1,port=1");
		snprintf(dev, sizeof(dev), "vfio-pci,host=%s,id=qvo_dev,bus=qvo_br,addr=0x0", g_bdf);
	} else if (!strcmp(topo, "conventional")) {
		g_gbus = 1, g_gdev = 1;
		snprintf(bridge, sizeof(bridge), "pcie-pci-bridge,id=qvo_br,bus=pcie.0,addr=0x4");
		snprintf(dev, sizeof(dev), "vfio-pci,host=%s,id=qvo_dev,bus=qvo_br,addr=0x1", g_bdf);
	} else {
		usage();
	}
	if (*devopts)
		snprintf(dev + strlen(dev), sizeof(dev) - strlen(dev), ",%s", devopts);
	qargv[qn++] = (char *)qemu;
	/* Debian's QEMU 7.2 ships no qtest accelerator module (no accel-qtest-x86_64.so:
	 * "-accel qtest" -> "invalid accelerator qtest"); the qtest protocol works with any
	 * accelerator, and -S keeps TCG's vCPU stopped, so SeaBIOS never runs. */
	const char *fixed[] = { "-machine", "q35", "-accel", "tcg,tb-size=8", "-S", "-nodefaults",
				"-display", "none", "-m", mem,
				"-monitor", "none", "-serial", "none", "-parallel", "none",
				"-qtest", "stdio", "-qtest-log", "/dev/null", NULL };
	for (int k = 0; fixed[k]; k++)
		qargv[qn++] = (char *)fixed[k];
	if (*bridge) {
		qargv[qn++] = "-device";
		qargv[qn++] = bridge;
	}
	qargv[qn++] = "-device";
	qargv[qn++] = dev;
	qargv[qn] = NULL;

	out("@BEGIN %s\n", g_bdf);
	printf("@INFO inner_cmdline");
	if (token && *token)
		printf(" LD_PRELOAD=/lib/qvo_vftoken.so QVO_VF_TOKEN=%s", token);
	for (int k = 0; k < qn; k++)
		printf(" %s", qargv[k]);
	out("\n@INFO guest_bdf %02x:%02x.%x topology %s\n", g_gbus, g_gdev, g_gfn, topo);
	dump_sysfs("initial");

	double t0 = now();
	if (start_qemu(qargv, token))
		goto fail;
	/* the first answer comes once the machine is built (every -device realized) */
	uint32_t id = cf8_read32(0, 0, 0, 0, &ok);
	if (!ok)
		goto fail;
	out("@INFO inner_ready %.2f s (host bridge 00:00.0 id %08x)\n", now() - t0, id);
	/* q35 MCH PCIEXBAR (00:00.0 config 0x60, 64-bit): base 0xb0000000, 256 MB, enabled */
	cf8_write32(0, 0, 0, 0x64, 0, &ok);
	if (ok)
		cf8_write32(0, 0, 0, 0x60, ECAM_BASE | 1, &ok);
	if (!ok)
		goto fail;
	if (g_gbus) {     /* bridge at 00:04.0: primary 0, secondary 1, subordinate 1 */
		cf8_write32(0, 4, 0, 0x18, 0x00010100, &ok);
		if (!ok)
			goto fail;
		out("@INFO bridge 00:04.0 bus numbers %08x\n", cf8_read32(0, 4, 0, 0x18, &ok));
	}
	uint32_t gid = gread(0, 4, &ok);
	out("@INFO guest_id %08x (ECAM 0x%" PRIx64 ")\n", gid, ecam(0));
	if (!ok || gid == 0xffffffff) {
		out("@ERR the assigned function reads %08x at guest %02x:%02x.%x: not there\n", gid, g_gbus, g_gdev,
		    g_gfn);
		goto fail;
	}
	dump_guest("before");
	dump_sysfs("before");
	if (script)
		rc = run_script(script);
	if (!g_dead) {
		dump_guest("after");
		dump_sysfs("after");
	}
	out("@INFO qtest_commands %lu in %.2f s\n", g_nq, now() - t0);
	stop_qemu();
	dump_sysfs("closed");
	emit_stderr();
	out("@END %s %s\n", g_bdf, rc || g_dead ? "FAIL" : "OK");
	drain();
	return rc;
fail:
	if (g_pid > 0) {
		int st;
		if (waitpid(g_pid, &st, WNOHANG) == g_pid) {
			if (WIFEXITED(st))
				out("@ERR inner QEMU exited with status %d before the script ran\n", WEXITSTATUS(st));
			else
				out("@ERR inner QEMU killed by signal %d\n", WTERMSIG(st));
			g_pid = -1;
		} else {
			stop_qemu();
		}
	}
	emit_stderr();
	out("@END %s FAIL\n", g_bdf);
	drain();
	return 1;
}

#endif
