#!/usr/bin/env bash
# The Debian package: scripts/deb.sh BINARY DIST OUTDIR writes OUTDIR/cfgtui_VERSION_ARCH.deb
# from the static release binary and `make dist`'s man pages and completions.
#
# VERSION is what the binary prints for --version (Version.current in Sources, the one place it
# is written; a native package: no Debian revision). Depends comes from dpkg-shlibdeps on the
# binary (with a throwaway debian/control, as it needs one), plus pci.ids for the names. Files are root:root
# (dpkg-deb --root-owner-group), directories 755, the binary 755, the rest 644. DEB_MAINTAINER
# overrides the Maintainer field; SOURCE_DATE_EPOCH (else the last commit) dates the changelog.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022

binary=${1:?usage: $0 BINARY DIST OUTDIR}
dist=${2:?usage: $0 BINARY DIST OUTDIR}
outdir=${3:?usage: $0 BINARY DIST OUTDIR}
version=$("$binary" --version)
[[ $version =~ ^[0-9]+(\.[0-9]+)*$ ]] || { echo "deb: $binary --version says '$version', not a version" >&2; exit 1; }
architecture=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-cfgtui maintainers <maintainers@users.noreply.h-seed-3b2730e5.example>}
if [[ -n ${SOURCE_DATE_EPOCH:-} ]]; then
    epoch=$SOURCE_DATE_EPOCH
else
    epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi

root=$outdir/root
package=$outdir/cfgtui_${version}_${architecture}.deb
rm -rf "$root" "$outdir"/cfgtui_*.deb
mkdir -p "$root/DEBIAN"

# The binary, stripped as dh_strip does (symbols not needed for relocation, the .comment
# section), then checked: it must still run and print the same version.
install -D -m 755 "$binary" "$root/usr/bin/cfgtui"
strip --strip-unneeded --remove-section=.comment "$root/usr/bin/cfgtui"
printed=$("$root/usr/bin/cfgtui" --version)
[[ $printed == "$version" ]] || { echo "deb: stripped, cfgtui --version says '$printed', not '$version'" >&2; exit 1; }

install -d "$root/usr/share/man/man1"
install -m 644 "$dist"/man1/*.1.gz "$root/usr/share/man/man1/"
install -D -m 644 "$dist/completions/cfgtui" "$root/usr/share/bash-completion/completions/cfgtui"
install -D -m 644 "$dist/completions/_cfgtui" "$root/usr/share/zsh/vendor-completions/_cfgtui"
install -D -m 644 "$dist/completions/cfgtui.fish" "$root/usr/share/fish/vendor_completions.d/cfgtui.fish"

doc=$root/usr/share/doc/cfgtui
install -d "$doc"
year=$(date -u -d "@$epoch" +%Y)
cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: cfgtui
Source: the cfgtui source tree (this package is built from it by scripts/deb.sh)

Files: *
Copyright: $year cfgtui maintainers
License: GPL-2+

License: GPL-2+
 This program is free software; you can redistribute it and/or modify
 it under the terms of the GNU General Public License as published by
 the Free Software Foundation; either version 2 of the License, or
 (at your option) any later version.
 .
 This program is distributed in the hope that it will be useful,
 but WITHOUT ANY WARRANTY; without even the implied warranty of
 MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 GNU General Public License for more details.
 .
 You should have received a copy of the GNU General Public License
 along with this program; if not, write to the Free Software
 Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA.
 .
 On Debian systems, the full text of the GNU General Public License
 version 2 can be found in the file \`/usr/share/common-licenses/GPL-2'.
EOF
chmod 644 "$doc/copyright"
# A native package's changelog is changelog.gz, in debian/changelog's format.
{
    echo "cfgtui ($version) unstable; urgency=medium"
    echo
    echo "  * Release $version: see the README's Status table for what it does."
    echo
    echo " -- $maintainer  $(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n >"$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"

# Depends: what the binary links, as dpkg-shlibdeps reads it from the installed shlibs/symbols.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/debian"
printf 'Source: cfgtui\n\nPackage: cfgtui\nArchitecture: any\n' >"$scratch/debian/control"
staged=$(realpath "$root/usr/bin/cfgtui")
shlibs=$(cd "$scratch" && dpkg-shlibdeps -O -e "$staged" 2>"$scratch/shlibdeps.err") ||
    { cat "$scratch/shlibdeps.err" >&2; exit 1; }
depends=${shlibs#shlibs:Depends=}
[[ -n $depends && $depends != "$shlibs" ]] || { echo "deb: dpkg-shlibdeps said '$shlibs'" >&2; exit 1; }
for needed in libc6 libpci3 libncursesw6 libtinfo6; do
    [[ ", $depends" == *", $needed "* || ", $depends," == *", $needed,"* ]] ||
        { echo "deb: Depends '$depends' lacks $needed" >&2; exit 1; }
done
depends="$depends, pci.ids"

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: cfgtui
Version: $version
Architecture: $architecture
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Section: utils
Priority: optional
Description: PCI/PCIe configuration space explorer and triage tool
 cfgtui decodes, maps and checks the configuration space of PCI and PCI
 Express functions: every capability, register and field with its access
 attribute and meaning, the layout of a 4 KiB space with its gaps, and
 diagnostics for broken chains. It reads this host's functions through
 libpci (read-only: it never writes to hardware), lspci -x/-xxx/-xxxx dump
 files, binary copies of sysfs config files, or a built-in demo set.
 .
 Commands: list and show (as lspci, with JSON), plan (where virtual
 PASID/PRI/ATS/DVSEC capabilities fit in an SR-IOV VF's space), simulate
 (guest config writes through vfio-pci, QEMU or the device model), diff (two
 functions and the live-migration verdict), check (link, payload, error,
 isolation, SR-IOV and power findings), and an interactive terminal explorer.
EOF
chmod 644 "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 755 {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$package" >/dev/null
rm -rf "$root"
echo "deb: $package ($(du -h "$package" | cut -f1); Depends: $depends)"
