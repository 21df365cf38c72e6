#!/bin/bash
# install.sh: install kesra's Debian build and test dependencies with
# apt-get (only the missing ones), then build and install kesra.
#
#   ./install.sh                    dependencies, then make and make install
#   ./install.sh --prefix DIR       install under DIR (default /usr/local)
#   ./install.sh --deps-only        dependencies only (what CI uses)
#
# Safe to run again: a package already installed is not touched, and
# `apt-get update` runs only when something must be installed.
set -eu

PACKAGES=(build-essential pkg-config libncurses-dev libyaml-dev
	libsqlite3-dev sqlite3 gettext libcmocka-dev tmux
	valgrind clang libclang-rt-dev)

prefix=/usr/local
deps_only=0

say() { printf 'kesra: %s\n' "$*"; }
die() { printf 'kesra: %s\n' "$*" >&2; exit 1; }

usage() {
	cat <<'EOF'
Usage: ./install.sh [--prefix DIR] [--deps-only] [--help]

Installs the Debian packages kesra needs to build and test (only those
missing), then runs `make PREFIX=DIR` and `make install PREFIX=DIR`.

  --prefix DIR   where to install (default /usr/local): DIR/bin/kesra,
                 DIR/share/kesra, DIR/share/man/man1/kesra.1, DIR/share/locale
  --deps-only    install the packages only; do not build or install kesra
  -h, --help     this help

Packages: build-essential pkg-config libncurses-dev libyaml-dev
libsqlite3-dev sqlite3 gettext libcmocka-dev tmux
valgrind clang libclang-rt-dev (tests: valgrind, libFuzzer)
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--prefix)
		if [ $# -lt 2 ] || [ -z "$2" ]; then
			usage >&2
			exit 2
		fi
		prefix=$2
		shift 2
		;;
	--prefix=*)
		prefix=${1#--prefix=}
		[ -n "$prefix" ] || { usage >&2; exit 2; }
		shift
		;;
	--deps-only)
		deps_only=1
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		printf 'kesra: unknown option: %s\n\n' "$1" >&2
		usage >&2
		exit 2
		;;
	esac
done

# The prefix is compiled into the binary (where to find the dictionary
# and the translations): make it absolute before leaving the caller's folder.
case $prefix in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac
prefix=${prefix%/}
[ -n "$prefix" ] || prefix=/

cd "$(dirname "$0")"

# How to run a command as root: "" when we are root, "sudo" when sudo works
# without a password, "none" otherwise. Asked only when needed.
as_root=unknown
find_root() {
	[ "$as_root" = unknown ] || return 0
	if [ "$(id -u)" -eq 0 ]; then
		as_root=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		as_root=sudo
	else
		as_root=none
	fi
}

# --- dependencies -----------------------------------------------------------

if ! command -v apt-get >/dev/null 2>&1 ||
    ! command -v dpkg-query >/dev/null 2>&1; then
	say "this is not a Debian-like system (no apt-get or dpkg-query)."
	say "install these packages (or your system's equivalents) by hand:"
	for p in "${PACKAGES[@]}"; do
		printf '  %s\n' "$p"
	done
	exit 1
fi

missing=""
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
missing=${missing# }

if [ -z "$missing" ]; then
	say "all dependencies present: ${PACKAGES[*]}"
else
	find_root
	if [ "$as_root" = none ]; then
		{
			say "missing packages: $missing"
			say "installing them needs root (or sudo without a password);"
			say "run this, then ./install.sh again:"
			printf '  sudo apt-get install -y --no-install-recommends %s\n' \
			    "$missing"
		} >&2
		exit 1
	fi
	say "installing $missing"
	say "running apt-get update"
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
	    die "apt-get update failed"
	# shellcheck disable=SC2086 # one word per package
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $missing ||
	    die "apt-get install failed for: $missing"
	say "dependencies installed"
fi

if [ "$deps_only" -eq 1 ]; then
	exit 0
fi

# --- build and install ------------------------------------------------------

make=${MAKE:-make}
say "building: $make PREFIX=$prefix"
"$make" PREFIX="$prefix"

# Writable: the nearest existing folder of the prefix, and the folders
# under it that make install writes into, where they already exist.
writable() {
	local d=$1 sub
	while [ ! -d "$d" ]; do
		d=$(dirname "$d")
	done
	[ -w "$d" ] || return 1
	for sub in bin share share/kesra share/man/man1 share/locale; do
		if [ -e "$1/$sub" ] && [ ! -w "$1/$sub" ]; then
			return 1
		fi
	done
}
if writable "${DESTDIR:-}$prefix"; then
	sudo_install=""
else
	find_root
	if [ "$as_root" = none ]; then
		{
			say "$prefix is not writable and sudo needs a password; run:"
			printf '  sudo %s install PREFIX=%s\n' "$make" "$prefix"
		} >&2
		exit 1
	fi
	sudo_install=$as_root
fi
say "installing: ${sudo_install:+$sudo_install }$make install PREFIX=$prefix"
$sudo_install "$make" install PREFIX="$prefix"

say "installed $prefix/bin/kesra"
case ":$PATH:" in
*":$prefix/bin:"*) ;;
*) say "note: $prefix/bin is not in PATH" ;;
esac
say "run 'kesra' to open the entry screens (the database is created on first start)"
