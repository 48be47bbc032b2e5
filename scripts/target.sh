# Sourced: target NAME sets, for one kernel of scripts/kernels.sh,
#   kdir     the tree to build svshm.ko against
#   boot     scripts/qemu-run.sh's options to boot it
#   release  its uname -r
# building the kernel first if it is one of scripts/build-kernel.sh's.
# acpi=noirq: see kernel/guest.config.
target() {
	case $1 in
	newest | no-sysvipc | debug)
		kdir=$("$top/scripts/build-kernel.sh" "$1") || return 1
		boot="-b $kdir/arch/x86/boot/bzImage -a acpi=noirq"
		release=$(cat "$kdir/include/config/kernel.release")
		;;
	*)
		kdir=/lib/modules/$1/build boot="-k $1" release=$1
		;;
	esac
}
