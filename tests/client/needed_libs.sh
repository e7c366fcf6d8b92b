#!/bin/sh
# needed_libs.sh LIB [SANITIZE]: fails when the shared library LIB needs
# anything but the C library (libc, libpthread, the dynamic loader). A
# sanitizer build (SANITIZE other than "none") may add its runtimes.
# libstrdp-client promises applications no DPDK and no C++ runtime.
set -eu
lib=$1
san=${2:-none}
readelf=${READELF:-readelf}
needed=$("$readelf" -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p')
[ -n "$needed" ] || { echo "needed_libs: no NEEDED entry in $lib (not a shared library?)"; exit 1; }
bad=0
for n in $needed; do
	case $n in
	libc.so.*|libpthread.so.*|ld-linux*.so.*) ;;
	libasan.so.*|libubsan.so.*|libtsan.so.*|liblsan.so.*)
		if [ "$san" = none ]; then bad=1; echo "needed_libs: unexpected $n"; fi ;;
	*) bad=1; echo "needed_libs: unexpected $n" ;;
	esac
done
echo "needed_libs: $lib needs:" $needed
exit $bad
