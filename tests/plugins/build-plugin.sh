#!/bin/sh
# Builds one plugin the way an out-of-tree module writer does, with exactly
#   cc $(pkg-config --cflags libstrdp) -shared -fPIC
# against the uninstalled libstrdp.pc that meson writes, so the test covers
# the pkg-config path itself. Any compiler output fails the build: Solaris
# source must build cleanly, not merely build.
#
# usage: build-plugin.sh OUTPUT SOURCE PKG_CONFIG_DIR
set -eu
out=$1
src=$2
PKG_CONFIG_PATH=$3${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
cflags=$(pkg-config --cflags libstrdp)
# shellcheck disable=SC2086 # cflags is a list of words
if ! log=$(cc $cflags -shared -fPIC -o "$out" "$src" 2>&1); then
	printf '%s\n' "$log" >&2
	exit 1
fi
if [ -n "$log" ]; then
	printf '%s\n' "$log" >&2
	echo "$src: the compiler complained; Solaris source must build cleanly" >&2
	rm -f "$out"
	exit 1
fi
