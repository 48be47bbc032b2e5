# SPDX-License-Identifier: GPL-2.0
# gdb script of scripts/insns.sh: for each path, stop at the system call of
# one call that selftests/benchmarks/insns.c makes, single-step it until the CPU is back
# in user space (the exit work included: deferred fput and the like), and
# print the instructions it took, per function, native beside svshm.
# __x64_sys_* get the pt_regs: ->di at 112, ->si at 104, ->dx at 96.
import collections
import gdb

SI, DI, DX = "*(unsigned long *)($rdi + 104)", "*(unsigned long *)($rdi + 112)", \
    "*(unsigned long *)($rdi + 96)"
ARG_INT = "*(int *)(%s + %d)"
KEY = "0x5be4c0de"
VERSION, GET, CTL, ATTACH, DETACH = \
    "0x8008e600", "0x4010e601", "0x4010e602", "0xc010e603", "0xe604"

# name: (native's entry and condition, svshm's)
PATHS = [
    ("floor: getppid / SVSHM_IOC_VERSION",
     ("__x64_sys_getppid", None),
     ("__x64_sys_ioctl", "%s == %s" % (SI, VERSION))),
    ("IPC_STAT",
     ("__x64_sys_shmctl", "%s == 2" % SI),
     ("__x64_sys_ioctl", "%s == %s && %s == 2" % (SI, CTL, ARG_INT % (DX, 4)))),
    ("shmget of a key in use",
     ("__x64_sys_shmget", "%s == %s" % (DI, KEY)),
     ("__x64_sys_ioctl", "%s == %s && %s == %s" % (SI, GET, ARG_INT % (DX, 0), KEY))),
    ("shmget IPC_CREAT",
     ("__x64_sys_shmget", "%s == 0" % DI),
     ("__x64_sys_ioctl", "%s == %s && %s == 0" % (SI, GET, ARG_INT % (DX, 0)))),
    ("IPC_RMID",
     ("__x64_sys_shmctl", "%s == 0" % SI),
     ("__x64_sys_ioctl", "%s == %s && %s == 0" % (SI, CTL, ARG_INT % (DX, 4)))),
    ("shmat", ("__x64_sys_shmat", None), ("__x64_sys_ioctl", "%s == %s" % (SI, ATTACH))),
    ("shmdt", ("__x64_sys_shmdt", None), ("__x64_sys_ioctl", "%s == %s" % (SI, DETACH))),
]

symbols = {}


def function_of(pc):
    if pc not in symbols:
        text = gdb.execute("info symbol 0x%x" % pc, to_string=True)
        symbols[pc] = text.split(" in section")[0].split(" + ")[0].strip()
    return symbols[pc]


def count(entry, cond):
    """Functions and their instruction counts, in order, for one call."""
    bp = gdb.Breakpoint(entry, internal=True)
    if cond:
        bp.condition = cond
    gdb.execute("continue")
    bp.delete()
    counts = collections.OrderedDict()
    while True:
        pc = int(gdb.parse_and_eval("$pc"))
        if pc < 0x800000000000:
            return counts
        fn = function_of(pc)
        counts[fn] = counts.get(fn, 0) + 1
        gdb.execute("stepi", to_string=True)


gdb.execute("set pagination off")
floor = {}
for name, native, svshm in PATHS:
    # The second call of each: the first may still fill caches and pools.
    runs = []
    for entry, cond in (native, svshm):
        count(entry, cond)
        runs.append(count(entry, cond))
    n, s = sum(runs[0].values()), sum(runs[1].values())
    print("## %s: native %d, svshm %d instructions" % (name, n, s))
    if not floor:
        floor = {"native": n, "svshm": s}
    else:
        above_n, above_s = n - floor["native"], s - floor["svshm"]
        print("   above the floor: native %d, svshm %d (x native %.2f)"
              % (above_n, above_s, above_n / above_s if above_s > 0 else 0))
    for label, counts in zip(("native", "svshm"), runs):
        print("   %s: %s" % (label, ", ".join("%s %d" % kv for kv in counts.items())))
gdb.execute("kill")
