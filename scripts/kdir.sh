#!/bin/sh
# Print the kernel build tree plain `make` builds svshm.ko against: the
# running kernel's (/lib/modules/$(uname -r)/build) if its headers are
# installed, else the newest installed kernel with headers (by version).
# Print nothing if there is none: the Makefile then says what to install.
# A build tree counts when it has its Makefile (a dangling build link, left
# by removed headers, does not).
for d in "/lib/modules/$(uname -r)/build" \
	"$(for b in /lib/modules/*/build; do [ -f "$b/Makefile" ] && echo "$b"; done |
		sort -V | tail -n 1)"; do
	if [ -n "$d" ] && [ -f "$d/Makefile" ]; then
		echo "$d"
		exit 0
	fi
done
