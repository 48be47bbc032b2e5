# Sourced: target NAME sets, for one kernel of scripts/kernels.sh,
#   kdir     the tree to build svshm.ko against
#   boot     scripts/qemu-run.sh's options to boot it
#   release  its uname -r
# building the kernel first if it is one of scripts/build-kernel.sh's.
# acpi=noirq: see kernel/guest.config.
# The debug kernel's CPU has no 5-level paging (la57=off): until the
# alternatives are patched, pgtable_l5_enabled() reads the boot CPU's LA57
# bit, which identify_cpu() clears and then sets again; an interrupt in
# between has KASAN take the direct map's 5-level addresses for wild ones
# (a false "wild-memory-access" in handle_edge_irq, before any module).
# Without LA57 the kernel pages with 4 levels and the bit is rightly clear
# throughout.
target() {
	case $1 in
	newest | no-sysvipc | debug)
		kdir=$("$top/scripts/build-kernel.sh" "$1") || return 1
		boot="-b $kdir/arch/x86/boot/bzImage -a acpi=noirq"
		[ "$1" != debug ] || boot="$boot -c max,la57=off"
		release=$(cat "$kdir/include/config/kernel.release")
		;;
	arm64)
		kdir=$("$top/scripts/build-kernel.sh" arm64) || return 1
		boot="-A arm64 -b $kdir/arch/arm64/boot/Image"
		release=$(cat "$kdir/include/config/kernel.release")
		;;
	*)
		kdir=/lib/modules/$1/build boot="-k $1" release=$1
		;;
	esac
}
