#!/bin/sh
# Usage: mirror.sh [debian|debian-security]
# Print the Debian mirror this machine's own apt sources name (one-line
# .list or deb822 .sources): the first URI whose path ends in /debian (the
# default), or in /debian-security. Third-party sources are never chosen;
# nothing is printed, and the status is 1, when there is none. The scripts
# that read Debian's archive themselves (newest-source.sh, fresh-root.sh)
# ask here, so that no mirror's address is written in the tree.
set -eu
archive=${1:-debian}
# The URI of each one-line "deb [options] URI suite..." entry.
deb_uris() {
	awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }'
}
{
	cat /etc/apt/sources.list 2>/dev/null | deb_uris
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }'
	cat /etc/apt/sources.list.d/*.list 2>/dev/null | deb_uris
} | grep -E "/$archive/?\$" | head -n 1 | grep .
