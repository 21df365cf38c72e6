#!/bin/bash
# install.sh: install kesra's Debian build and test dependencies with
# apt-get (only the missing ones), then build and install kesra.
#
#   ./install.sh                    dependencies, then make and make install
#   ./install.sh --prefix DIR       install under DIR (default /usr/local)
#   ./install.sh --deps-only        dependencies only (what CI uses)
#   ./install.sh --server [--dir DIR] [--group G] [--no-profile]
#                                   the shared database folder of a server
#
# Safe to run again: a package already installed is not touched, and
# `apt-get update` runs only when something must be installed.
set -eu

PACKAGES=(build-essential pkg-config libncurses-dev libyaml-dev
	libsqlite3-dev sqlite3 gettext libcmocka-dev tmux
	valgrind clang libclang-rt-dev python3)

prefix=/usr/local
deps_only=0
server=0
server_dir=/var/lib/kesra
server_group=kesra
server_profile=1

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
  --server       set up the shared database folder of a server (only that):
                 DIR (default /var/lib/kesra) owned by group G (default
                 kesra, created when missing), mode 2770 (setgid: new files
                 get the group; kesra then makes them 0660), existing
                 database files 0660, and /etc/profile.d/kesra.sh setting
                 KESRA_DB=DIR/kesra.db for every login (not with
                 --no-profile). Needs root to create the group or the folder
                 in /var/lib.
  -h, --help     this help

Packages: build-essential pkg-config libncurses-dev libyaml-dev
libsqlite3-dev sqlite3 gettext libcmocka-dev tmux
valgrind clang libclang-rt-dev python3 (tests: valgrind, libFuzzer,
the CSV and JSON checks of the import/export tests)
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
	--server)
		server=1
		shift
		;;
	--dir | --group)
		if [ $# -lt 2 ] || [ -z "$2" ]; then
			usage >&2
			exit 2
		fi
		if [ "$1" = --dir ]; then server_dir=$2; else server_group=$2; fi
		shift 2
		;;
	--no-profile)
		server_profile=0
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

# --- server: the shared database folder ------------------------------------

# Operators log in over SSH as themselves and all write one database: the
# folder belongs to a group they are members of, setgid so that every file
# made in it gets that group, and closed to everyone else. kesra sees the
# setgid folder and makes its files 0660 (umask 007).
server_setup() {
	local f
	if ! getent group "$server_group" >/dev/null 2>&1; then
		[ "$(id -u)" -eq 0 ] || die "group $server_group does not exist; creating it needs root"
		groupadd --system "$server_group" || die "groupadd $server_group failed"
		say "created group $server_group"
	fi
	mkdir -p "$server_dir" || die "cannot create $server_dir"
	chgrp "$server_group" "$server_dir" || die "cannot give $server_dir to group $server_group"
	chmod 2770 "$server_dir" || die "cannot set the mode of $server_dir"
	for f in "$server_dir"/*.db "$server_dir"/*.db-wal "$server_dir"/*.db-shm; do
		[ -f "$f" ] || continue
		chgrp "$server_group" "$f" && chmod 0660 "$f" ||
		    die "cannot set group and mode of $f"
	done
	if [ "$server_profile" -eq 1 ]; then
		[ "$(id -u)" -eq 0 ] || die "writing /etc/profile.d/kesra.sh needs root (or use --no-profile)"
		printf '# kesra: the shared database (install.sh --server)\nexport KESRA_DB=%s/kesra.db\n' \
		    "$server_dir" >/etc/profile.d/kesra.sh
		say "wrote /etc/profile.d/kesra.sh (KESRA_DB=$server_dir/kesra.db)"
	fi
	say "shared database folder $server_dir: group $server_group, mode 2770"
	say "next: add each operator to the group (usermod -aG $server_group NAME),"
	say "then, as the admin: kesra user add NAME --role operator --region CODE"
}

if [ "$server" -eq 1 ]; then
	server_setup
	exit 0
fi

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
