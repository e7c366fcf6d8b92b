#!/bin/sh
# libstrdp_needed.sh LIBSTRDP SNIFFER_PLUGIN: fails when libstrdp needs
# libpcap or libnuma (modules are plugins: a module's dependencies are
# its plugin's, and nothing in the library uses libnuma), or when the
# sniffer plugin does not need libpcap itself.
set -eu
lib=$1
sniffer=$2
readelf=${READELF:-readelf}
needed() { "$readelf" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'; }
lib_needs=$(needed "$lib")
[ -n "$lib_needs" ] || { echo "libstrdp_needed: no NEEDED entry in $lib (not a shared library?)"; exit 1; }
bad=0
for n in $lib_needs; do
	case $n in
	libpcap.so*|libnuma.so*) bad=1; echo "libstrdp_needed: $lib needs $n" ;;
	esac
done
echo "libstrdp_needed: $lib needs:" $lib_needs
sniffer_needs=$(needed "$sniffer")
case " $(echo $sniffer_needs) " in
*" libpcap.so"*) ;;
*) bad=1; echo "libstrdp_needed: $sniffer does not need libpcap" ;;
esac
echo "libstrdp_needed: $sniffer needs:" $sniffer_needs
exit $bad
