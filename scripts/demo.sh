#!/bin/sh
# make demo: boot the 6.1 guest, load svshm.ko and run the seed program as
# separate processes: one stores a text, others read it back, on svshm and,
# side by side, on native SysV shm.
#   SVSHM_KERNELS="ver"   another kernel (default: the 6.1 target)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
make -s lib tools
k=$(scripts/kernels.sh | head -n 1)
ko=$(scripts/build-module.sh "$k")
exec scripts/qemu-run.sh -k "$k" -n demo -- sh scripts/guest-demo.sh "$ko"
