#!/bin/sh
# guest_init.sh: /init of the outer guest of cfgtui's QEMU vfio-pci oracle
# (scripts/qemu_vfio_oracle.py). GPL-2.0-or-later.
#
# The cached base initramfs holds busybox, the vfio modules (and nvme's, loaded only
# for --pf-driver nvme), qtest_drive, qvo_vftoken.so, and the inner
# qemu-system-x86_64 with its shared libraries and start-up data files.  The
# per-run job cpio appended to it holds
#   /job/config    shell variables (see qemu_vfio_oracle.py: job_config)
#   /job/vfs       lines "BDF N": enable N VFs on PF BDF
#   /job/targets   lines "SPEC SCRIPT": SPEC is a BDF or PF/virtfnN
# Results go to the second serial port (/dev/ttyS1); the kernel log stays on ttyS0.
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /dev/shm
mount -t tmpfs tmpfs /tmp
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1

say() { echo "$*" >&3; }
finish() {
	say "@DMESG-BEGIN"
	dmesg >&3
	say "@DMESG-END"
	/bin/qtest_drive --drain "@DONE $1" >&3
	poweroff -f
	sleep 5
	reboot -f
}
fatal() { say "@FATAL $*"; finish FAIL; }

[ -f /job/config ] || fatal "no /job/config (job cpio missing from the initrd)"
. /job/config
say "@GUEST kernel $(uname -r) cmdline $(cat /proc/cmdline) memory $(grep MemTotal /proc/meminfo)"

load() {   # module list file, params
	while read m; do
		p=
		case $m in vfio-pci | vfio_pci) p=$VFIO_PCI_PARAMS ;; esac
		insmod /lib/modules/$m.ko $p 2>&3 || fatal "insmod $m $p failed"
	done < $1
}
load /lib/modules/ORDER
[ -e /sys/bus/pci/drivers/vfio-pci ] || fatal "vfio-pci did not register"

drv() { if [ -e $1/driver ]; then basename $(readlink $1/driver); else echo none; fi; }
grp() { if [ -e $1/iommu_group ]; then basename $(readlink $1/iommu_group); else echo none; fi; }
list_pci() {
	for d in /sys/bus/pci/devices/*; do
		pf=-
		[ -e $d/physfn ] && pf=$(basename $(readlink $d/physfn))
		say "@PCI $1 $(basename $d) $(cat $d/vendor) $(cat $d/device) $(cat $d/class) driver=$(drv $d) group=$(grp $d) physfn=$pf"
	done
}
bind_to() {   # BDF DRIVER; on failure $why says why
	d=/sys/bus/pci/devices/$1
	[ -e $d ] || { why="no such PCI function in the outer guest"; return 1; }
	cur=$(drv $d)
	[ "$cur" = $2 ] && return 0
	[ "$cur" != none ] && echo $1 > $d/driver/unbind
	echo $2 > $d/driver_override
	echo $1 > /sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(drv $d)" = $2 ] || { why="binding to $2 failed (driver=$(drv $d))"; return 1; }
}

# QEMU 7.2's nvme model drops an SR-IOV PF's VFs when the PF is reset (vfio-pci
# resets on every open and close) but leaves VF Enable set; re-create dead VFs.
alive() { [ "$(hexdump -s 8 -n 4 -e '4/1 "%02x"' $1/config 2>/dev/null)" != ffffffff ]; }
revive_vfs() {
	pd=/sys/bus/pci/devices/$1
	[ -e $pd/sriov_numvfs ] || return 0
	nv=$(cat $pd/sriov_numvfs)
	[ "$nv" -gt 0 ] || return 0
	dead=0
	for v in $pd/virtfn*; do alive $v || dead=1; done
	[ $dead = 1 ] || return 0
	say "@NOTE $1: VFs read all-ones (QEMU's nvme drops VFs when the PF is reset, VF Enable stays set); re-creating $nv VFs"
	echo 0 > $pd/sriov_numvfs && echo $nv > $pd/sriov_numvfs || say "@ERR $1: re-creating VFs failed"
	for v in $pd/virtfn*; do bind_to $(basename $(readlink $v)) vfio-pci || say "@ERR $v: $why"; done
}

list_pci boot
if [ -s /job/vfs ]; then
	if [ "$PF_DRIVER" = nvme ]; then
		load /lib/modules/ORDER.nvme
	fi
	while read bdf n; do
		[ -n "$bdf" ] || continue
		d=/sys/bus/pci/devices/$bdf
		bind_to $bdf $PF_DRIVER || { say "@ERR $bdf: $why"; continue; }
		[ -e $d/sriov_numvfs ] || { say "@ERR $bdf: no SR-IOV capability (no sriov_numvfs)"; continue; }
		if [ "$PF_DRIVER" = vfio-pci ]; then
			/bin/qtest_drive --set-token $bdf $VF_TOKEN >&3
		else
			echo 0 > $d/sriov_drivers_autoprobe   # VFs go to vfio-pci, not to the PF's driver
		fi
		if echo $n > $d/sriov_numvfs 2>/dev/null; then
			say "@VFS $bdf $(cat $d/sriov_numvfs)"
		else
			say "@ERR $bdf: echo $n > sriov_numvfs failed (vfio-pci needs enable_sriov=1)"
		fi
		for v in $d/virtfn*; do
			[ -e $v ] && { bind_to $(basename $(readlink $v)) vfio-pci || say "@ERR $v: $why"; }
		done
	done < /job/vfs
	list_pci vfs
fi

while read spec script; do
	[ -n "$spec" ] || continue
	bdf=$spec
	case $spec in
	*/*)	revive_vfs ${spec%%/*}
		link=/sys/bus/pci/devices/$spec
		if [ -e $link ]; then
			bdf=$(basename $(readlink $link))
		else
			say "@TARGET $spec spec=$spec"
			say "@ERR $spec: no such VF (enable it with --vfs PF:N)"
			say "@END $spec FAIL"
			continue
		fi ;;
	esac
	d=/sys/bus/pci/devices/$bdf
	if ! bind_to $bdf vfio-pci; then
		say "@TARGET $bdf spec=$spec"; say "@ERR $bdf: $why"; say "@END $bdf FAIL"; continue
	fi
	tok=
	if [ -e $d/physfn ] && [ "$(drv $d/physfn)" = vfio-pci ]; then
		if [ "$VF_SHIM" = on ]; then
			tok=$VF_TOKEN
		else
			say "@NOTE $bdf: PF bound to vfio-pci and no VF token shim: QEMU 7.2 (no vf-token property) is expected to fail"
		fi
	fi
	[ -e $d/physfn ] && ! alive $d && say "@ERR $bdf: VF config reads all-ones"
	say "@TARGET $bdf spec=$spec script=$script token=${tok:-none} group=$(grp $d) driver=$(drv $d) pf_driver=$([ -e $d/physfn ] && drv $d/physfn || echo -)"
	/bin/qtest_drive -t $TOPOLOGY -m $INNER_MEM -w $FIRST_TIMEOUT -d ${DUMP_WITH:-read} ${DEVOPTS:+-o "$DEVOPTS"} ${tok:+-T $tok} \
		-e /tmp/qemu-stderr-$bdf -s /job/$script $bdf >&3 2>&3
done < /job/targets
finish OK
