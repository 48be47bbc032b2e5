// SPDX-License-Identifier: GPL-2.0
/*
 * svshm: the svshm filesystem, whose every mount is an instance: a segment
 * table of its own, for a container (see uapi/linux/svshm.h).
 *
 * Why a filesystem and not native's IPC namespaces: a module has no hook
 * for a namespace's birth or death, and a namespace's address and inode
 * number are reused once it dies, so a table keyed on them could pass to a
 * stranger. A mount has an owner and an end, as binderfs found for
 * Android's containers: whoever mounts an instance owns it, and unmounting
 * it is the one act that destroys its segments (svshm_table_shutdown()).
 *
 * Each mount makes a new superblock and table (get_tree_nodev()); its root
 * holds two files made at mount, "svshm" (the device: the ioctls and mmap
 * of /dev/svshm, on this table) and "segments" (the listing), owned by the
 * root of the mounter's user namespace, where the instance's capabilities
 * count. The directory takes no new entries: simple_dir_inode_operations
 * has no create, mknod, link, rename or unlink.
 *
 * The table lives as long as the superblock and the segments: open files
 * pin the superblock, the superblock and each segment hold the table.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include <linux/svshm.h>

#include "compat.h"
#include "internal.h"

static bool svshm_userns_mounts = true;
module_param_named(userns_mounts, svshm_userns_mounts, bool, 0644);
MODULE_PARM_DESC(userns_mounts,
		 "Let a user namespace's root mount an instance of its own (default Y)");

enum svshm_fs_opt {
	SVSHM_OPT_SHMMAX,
	SVSHM_OPT_SHMALL,
	SVSHM_OPT_SHMMNI,
	SVSHM_OPT_RMID_FORCED,
	SVSHM_OPT_NEXT_ID,
};

/* Native's sysctls, by their names in kernel.*. */
static const struct fs_parameter_spec svshm_fs_params[] = {
	fsparam_u64("shmmax", SVSHM_OPT_SHMMAX),
	fsparam_u64("shmall", SVSHM_OPT_SHMALL),
	fsparam_u32("shmmni", SVSHM_OPT_SHMMNI),
	fsparam_bool("shm_rmid_forced", SVSHM_OPT_RMID_FORCED),
	fsparam_s32("shm_next_id", SVSHM_OPT_NEXT_ID),
	{}
};

/**
 * struct svshm_fs_context - a mount or remount in the making
 * @limits: the limits given, over native's defaults for a new instance
 * @next_id: shm_next_id, -1 (none) unless given
 * @given: which options were given (BIT(enum svshm_fs_opt)): a remount
 *	changes only those
 */
struct svshm_fs_context {
	struct svshm_limits limits;
	int next_id;
	unsigned int given;
};

static int svshm_fs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct svshm_fs_context *ctx = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, svshm_fs_params, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case SVSHM_OPT_SHMMAX:
		ctx->limits.shmmax = result.uint_64;
		break;
	case SVSHM_OPT_SHMALL:
		ctx->limits.shmall = result.uint_64;
		break;
	case SVSHM_OPT_SHMMNI:
		/* As native's kernel.shmmni: 0 to IPCMNI. */
		if (result.uint_32 > SVSHM_IDX_MAX)
			return invalfc(fc, "shmmni: %u is above %d", result.uint_32,
				       SVSHM_IDX_MAX);
		ctx->limits.shmmni = result.uint_32;
		break;
	case SVSHM_OPT_RMID_FORCED:
		ctx->limits.rmid_forced = result.boolean;
		break;
	case SVSHM_OPT_NEXT_ID:
		/* Native's 0 to INT_MAX, and -1 to take a value back. */
		if (result.int_32 < -1)
			return invalfc(fc, "shm_next_id: %d is below -1", result.int_32);
		ctx->next_id = result.int_32;
		break;
	}
	ctx->given |= BIT(opt);
	return 0;
}

static int svshm_fs_show_options(struct seq_file *m, struct dentry *root)
{
	struct svshm_table *table = root->d_sb->s_fs_info;

	int next_id = READ_ONCE(table->next_id);

	seq_printf(m, ",shmmax=%lu,shmall=%lu,shmmni=%d,shm_rmid_forced=%d",
		   READ_ONCE(table->limits.shmmax), READ_ONCE(table->limits.shmall),
		   READ_ONCE(table->limits.shmmni),
		   READ_ONCE(table->limits.rmid_forced));
	/* Shown while it waits for its segment, as a remount would set it. */
	if (next_id >= 0)
		seq_printf(m, ",shm_next_id=%d", next_id);
	return 0;
}

static const struct super_operations svshm_fs_super_ops = {
	.statfs = simple_statfs,
	.show_options = svshm_fs_show_options,
};

/* The device of an instance: /dev/svshm's operations on its table. */
static int svshm_fs_device_open(struct inode *inode, struct file *filp)
{
	filp->private_data = inode->i_sb->s_fs_info;
	return 0;
}

static const struct file_operations svshm_fs_device_fops = {
	.owner = THIS_MODULE,
	.open = svshm_fs_device_open,
	.unlocked_ioctl = svshm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = svshm_mmap,
	.get_unmapped_area = svshm_get_unmapped_area,
	.llseek = noop_llseek,
};

static int svshm_fs_listing_open(struct inode *inode, struct file *filp)
{
	return svshm_listing_open(filp, inode->i_sb->s_fs_info);
}

static const struct file_operations svshm_fs_listing_fops = {
	.owner = THIS_MODULE,
	.open = svshm_fs_listing_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

/*
 * A new inode owned by the instance's root: uid and gid 0 of the user
 * namespace that mounted it, or the initial root where that namespace
 * maps no 0 (binderfs does the same).
 */
static struct inode *svshm_fs_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);
	kuid_t uid;
	kgid_t gid;

	if (!inode)
		return NULL;
	uid = make_kuid(sb->s_user_ns, 0);
	gid = make_kgid(sb->s_user_ns, 0);
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	inode->i_uid = uid_valid(uid) ? uid : GLOBAL_ROOT_UID;
	inode->i_gid = gid_valid(gid) ? gid : GLOBAL_ROOT_GID;
	svshm_inode_init_ts(inode);
	return inode;
}

static int svshm_fs_add_file(struct dentry *root, const char *name,
			     umode_t mode, const struct file_operations *fops)
{
	struct dentry *dentry;
	struct inode *inode;

	inode = svshm_fs_inode(root->d_sb, S_IFREG | mode);
	if (!inode)
		return -ENOMEM;
	inode->i_fop = fops;
	dentry = d_alloc_name(root, name);
	if (!dentry) {
		iput(inode);
		return -ENOMEM;
	}
	svshm_d_add_persistent(dentry, inode);
	return 0;
}

static int svshm_fs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct svshm_fs_context *ctx = fc->fs_private;
	struct svshm_table *table;
	struct inode *root;
	int ret;

	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = SVSHM_FS_MAGIC;
	sb->s_op = &svshm_fs_super_ops;
	sb->s_time_gran = 1;
	sb->s_iflags |= SB_I_NODEV;

	/* From here on svshm_fs_kill_sb() gives the table back. */
	table = svshm_table_create(sb->s_user_ns, &ctx->limits);
	if (IS_ERR(table))
		return PTR_ERR(table);
	table->next_id = ctx->next_id;
	sb->s_fs_info = table;

	root = svshm_fs_inode(sb, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->i_op = &simple_dir_inode_operations;
	root->i_fop = &simple_dir_operations;
	set_nlink(root, 2);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;

	ret = svshm_fs_add_file(sb->s_root, SVSHM_FS_DEVICE, 0666,
				&svshm_fs_device_fops);
	if (ret)
		return ret;
	return svshm_fs_add_file(sb->s_root, SVSHM_FS_LISTING, 0444,
				 &svshm_fs_listing_fops);
}

static int svshm_fs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, svshm_fs_fill_super);
}

/* A remount changes the limits it names (and shm_next_id), and no others. */
static int svshm_fs_reconfigure(struct fs_context *fc)
{
	struct svshm_fs_context *ctx = fc->fs_private;
	struct svshm_table *table = fc->root->d_sb->s_fs_info;
	struct svshm_limits limits = {
		.shmmax = READ_ONCE(table->limits.shmmax),
		.shmall = READ_ONCE(table->limits.shmall),
		.shmmni = READ_ONCE(table->limits.shmmni),
		.rmid_forced = READ_ONCE(table->limits.rmid_forced),
	};

	if (ctx->given & BIT(SVSHM_OPT_SHMMAX))
		limits.shmmax = ctx->limits.shmmax;
	if (ctx->given & BIT(SVSHM_OPT_SHMALL))
		limits.shmall = ctx->limits.shmall;
	if (ctx->given & BIT(SVSHM_OPT_SHMMNI))
		limits.shmmni = ctx->limits.shmmni;
	if (ctx->given & BIT(SVSHM_OPT_RMID_FORCED))
		limits.rmid_forced = ctx->limits.rmid_forced;
	svshm_table_set_limits(table, &limits);
	if (ctx->given & BIT(SVSHM_OPT_NEXT_ID))
		WRITE_ONCE(table->next_id, ctx->next_id);
	return 0;
}

static void svshm_fs_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations svshm_fs_context_ops = {
	.free = svshm_fs_free_fc,
	.parse_param = svshm_fs_parse_param,
	.get_tree = svshm_fs_get_tree,
	.reconfigure = svshm_fs_reconfigure,
};

/*
 * The VFS lets a user namespace's root mount (FS_USERNS_MOUNT, checked
 * against the namespace that will own the superblock); userns_mounts=N
 * takes that back, for machines that want instances made by the admin only.
 */
static int svshm_fs_init_fs_context(struct fs_context *fc)
{
	struct svshm_fs_context *ctx;

	if (fc->purpose == FS_CONTEXT_FOR_MOUNT && fc->user_ns != &init_user_ns &&
	    !READ_ONCE(svshm_userns_mounts))
		return -EPERM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	/* A new instance starts with native's defaults, as a new IPC namespace. */
	ctx->limits = (struct svshm_limits)SVSHM_LIMITS_NATIVE;
	ctx->next_id = -1;
	fc->fs_private = ctx;
	fc->ops = &svshm_fs_context_ops;
	return 0;
}

/*
 * The superblock goes with its last mount and its last open file: the
 * instance ends as an IPC namespace does, then the table waits for the
 * segments still attached.
 */
static void svshm_fs_kill_sb(struct super_block *sb)
{
	struct svshm_table *table = sb->s_fs_info;

	svshm_kill_persistent_super(sb);
	if (table) {
		svshm_table_shutdown(table);
		svshm_table_put(table);
	}
}

static struct file_system_type svshm_fs_type = {
	.owner = THIS_MODULE,
	.name = SVSHM_FS_TYPE,
	.init_fs_context = svshm_fs_init_fs_context,
	.parameters = svshm_fs_params,
	.kill_sb = svshm_fs_kill_sb,
	.fs_flags = FS_USERNS_MOUNT,
};
MODULE_ALIAS_FS(SVSHM_FS_TYPE);

int __init svshm_fs_init(void)
{
	return register_filesystem(&svshm_fs_type);
}

void svshm_fs_exit(void)
{
	unregister_filesystem(&svshm_fs_type);
}
