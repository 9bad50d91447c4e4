// SPDX-License-Identifier: GPL-2.0
/*
 * FS-Cache operation manager: files in /proc.
 *
 * The files live in /proc/fs/fscache when the kernel has no FS-Cache of its
 * own, and in /proc/fs/fscache_ops otherwise, because the kernel's fscache
 * (netfs on 6.12, the fscache module on 6.1) fails to load if its name is
 * taken.  The proc_dir module parameter overrides the choice.
 *
 * Every file is a single_open() seq_file whose show function formats the
 * whole file in one call.  When the buffer fills up, seq_read() discards
 * it, doubles its size and calls show again from the start, so a show
 * function that takes spinlocks only has to stop formatting (and drop its
 * locks) once seq_has_overflowed() reports that the output is lost anyway.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "internal.h"

/* Maximum length of a folder name that proc_dir accepts. */
#define FSCACHE_PROC_NAME_MAX		32

/* Bounds on the work of one read of the objects file. */
#define FSCACHE_PROC_MAX_OBJECTS	1000
#define FSCACHE_PROC_MAX_OPS		32

/*
 * The folder under /proc/fs: as given by proc_dir, or the one
 * fscache_proc_init() chose, so that the parameter in sysfs always names
 * the folder in use.
 */
static char fscache_proc_name[FSCACHE_PROC_NAME_MAX + 1];
static struct proc_dir_entry *fscache_proc_dir;

static bool proc_name_is_valid(const char *name)
{
	size_t len, i;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len > FSCACHE_PROC_NAME_MAX)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]) || name[i] == '/')
			return false;
	return true;
}

static int proc_dir_param_set(const char *val, const struct kernel_param *kp)
{
	if (!proc_name_is_valid(val)) {
		pr_err("proc_dir=%.64s is invalid: use a single name of 1 to %d printable characters without '/'\n",
		       val ? val : "", FSCACHE_PROC_NAME_MAX);
		return -EINVAL;
	}
	strscpy(fscache_proc_name, val, sizeof(fscache_proc_name));
	return 0;
}

static int proc_dir_param_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%s\n", fscache_proc_name);
}

static const struct kernel_param_ops proc_dir_param_ops = {
	.set	= proc_dir_param_set,
	.get	= proc_dir_param_get,
};

module_param_cb(proc_dir, &proc_dir_param_ops, NULL, 0444);
MODULE_PARM_DESC(proc_dir,
		 "Folder under /proc/fs for the statistics files (default: fscache, or fscache_ops on kernels with their own FS-Cache)");

/* Look the name up in the caller's /proc, which may show other modules. */
static bool proc_fs_entry_exists(const char *name)
{
	char path[sizeof("/proc/fs/") + FSCACHE_PROC_NAME_MAX];
	struct path found;

	snprintf(path, sizeof(path), "/proc/fs/%s", name);
	if (kern_path(path, 0, &found))
		return false;
	path_put(&found);
	return true;
}

/* Choose the folder name unless proc_dir gave one. */
static void proc_choose_name(void)
{
	const char *name = "fscache";

	if (fscache_proc_name[0])
		return;
	if (IS_ENABLED(CONFIG_FSCACHE))
		name = "fscache_ops";
	else if (proc_fs_entry_exists("fscache"))
		/* Something else, such as an out-of-tree FS-Cache, owns it. */
		name = "fscache_ops";
	strscpy(fscache_proc_name, name, sizeof(fscache_proc_name));
}

#ifdef CONFIG_FSCACHE_OPS_STATS
static unsigned long stat_sum(enum fscache_stat_item item)
{
	return fscache_stat_read(item);
}

static int fscache_stats_show(struct seq_file *m, void *v)
{
	unsigned long dead, init;

	seq_puts(m, "FS-Cache operation manager statistics\n");
	seq_printf(m, "Ops    : pend=%lu run=%lu enq=%lu can=%lu rej=%lu\n",
		   stat_sum(FSCACHE_STAT_OP_PEND), stat_sum(FSCACHE_STAT_OP_RUN),
		   stat_sum(FSCACHE_STAT_OP_ENQUEUE), stat_sum(FSCACHE_STAT_OP_CANCEL),
		   stat_sum(FSCACHE_STAT_OP_REJECT));
	seq_printf(m, "Ops    : ini=%lu dfr=%lu rel=%lu gc=%lu\n",
		   stat_sum(FSCACHE_STAT_OP_INIT), stat_sum(FSCACHE_STAT_OP_DEFER),
		   stat_sum(FSCACHE_STAT_OP_RELEASE), stat_sum(FSCACHE_STAT_OP_GC));
	seq_printf(m, "OpRej  : dead=%lu ioerr=%lu wdrawn=%lu misuse=%lu\n",
		   stat_sum(FSCACHE_STAT_REJ_DEAD), stat_sum(FSCACHE_STAT_REJ_IOERR),
		   stat_sum(FSCACHE_STAT_REJ_WITHDRAWN), stat_sum(FSCACHE_STAT_MISUSE));
	seq_printf(m, "OpWait : wait=%lu woken=%lu cancelled=%lu intr=%lu tmo=%lu\n",
		   stat_sum(FSCACHE_STAT_WAIT), stat_sum(FSCACHE_STAT_WAIT_WOKEN),
		   stat_sum(FSCACHE_STAT_WAIT_CANCELLED),
		   stat_sum(FSCACHE_STAT_WAIT_INTR), stat_sum(FSCACHE_STAT_WAIT_TIMEOUT));
	seq_printf(m, "OpRun  : mythread=%ld fast=%ld slow=%ld queued=%ld complete=%lu\n",
		   fscache_gauge_read(FSCACHE_GAUGE_RUNNING_MYTHREAD),
		   fscache_gauge_read(FSCACHE_GAUGE_RUNNING_FAST),
		   fscache_gauge_read(FSCACHE_GAUGE_RUNNING_SLOW),
		   fscache_gauge_read(FSCACHE_GAUGE_QUEUED),
		   stat_sum(FSCACHE_STAT_OP_COMPLETE));
	seq_printf(m, "GC     : runs=%lu requeue=%lu\n",
		   stat_sum(FSCACHE_STAT_GC_RUN), stat_sum(FSCACHE_STAT_GC_REQUEUE));

	/*
	 * Read the deaths before the births: every object counted dead was
	 * counted born before, so the difference cannot go below zero.
	 */
	dead = stat_sum(FSCACHE_STAT_OBJ_DEAD);
	init = stat_sum(FSCACHE_STAT_OBJ_INIT);
	seq_printf(m, "Objects: alive=%lu init=%lu dead=%lu\n",
		   init - dead, init, dead);
	dead = stat_sum(FSCACHE_STAT_CACHE_WITHDRAWN);
	init = stat_sum(FSCACHE_STAT_CACHE_INIT);
	seq_printf(m, "Caches : alive=%lu init=%lu withdrawn=%lu\n",
		   init - dead, init, dead);
	return 0;
}

static const char *const hist_column_names[FSCACHE_HIST__NR_COLUMNS] = {
	[FSCACHE_HIST_MYTHREAD]		= "mythread",
	[FSCACHE_HIST_FAST]		= "fast",
	[FSCACHE_HIST_SLOW]		= "slow",
	[FSCACHE_HIST_EXCLUSIVE]	= "exclusive",
};

static void hist_show_range(struct seq_file *m, unsigned int bucket)
{
	char range[24];
	u64 low = fscache_hist_bucket_min_us(bucket);

	if (bucket == FSCACHE_HIST_NR_BUCKETS - 1)
		snprintf(range, sizeof(range), "%llu+", low);
	else
		snprintf(range, sizeof(range), "%llu-%llu", low,
			 fscache_hist_bucket_min_us(bucket + 1) - 1);
	seq_printf(m, "%-17s", range);
}

static int fscache_hist_show(struct seq_file *m, void *v)
{
	enum fscache_hist_column col;
	enum fscache_hist_kind kind;
	unsigned int bucket;
	char name[16];

	seq_printf(m, "%-17s", "usecs");
	for (kind = 0; kind < FSCACHE_HIST__NR_KINDS; kind++) {
		for (col = 0; col < FSCACHE_HIST__NR_COLUMNS; col++) {
			snprintf(name, sizeof(name), "%s_%s",
				 kind == FSCACHE_HIST_WAIT ? "wait" : "run",
				 hist_column_names[col]);
			seq_printf(m, " %14s", name);
		}
	}
	seq_putc(m, '\n');

	for (bucket = 0; bucket < FSCACHE_HIST_NR_BUCKETS; bucket++) {
		hist_show_range(m, bucket);
		for (kind = 0; kind < FSCACHE_HIST__NR_KINDS; kind++)
			for (col = 0; col < FSCACHE_HIST__NR_COLUMNS; col++)
				seq_printf(m, " %14lu",
					   fscache_hist_read(kind, col, bucket));
		seq_putc(m, '\n');
	}
	return 0;
}
#endif /* CONFIG_FSCACHE_OPS_STATS */

static const char object_state_letters[FSCACHE_OBJECT__NR_STATES] = {
	[FSCACHE_OBJECT_LOOKING_UP]	= 'L',
	[FSCACHE_OBJECT_CREATING]	= 'C',
	[FSCACHE_OBJECT_AVAILABLE]	= 'A',
	[FSCACHE_OBJECT_DYING]		= 'D',
	[FSCACHE_OBJECT_DEAD]		= 'X',
};

static const char *const op_type_names[FSCACHE_OP__NR_TYPES] = {
	[FSCACHE_OP_MYTHREAD]	= "mythread",
	[FSCACHE_OP_FAST]	= "fast",
	[FSCACHE_OP_SLOW]	= "slow",
};

static const char *const op_state_names[FSCACHE_OP_ST__NR_STATES] = {
	[FSCACHE_OP_ST_INITIALISED]	= "init",
	[FSCACHE_OP_ST_PENDING]		= "pend",
	[FSCACHE_OP_ST_IN_PROGRESS]	= "run",
	[FSCACHE_OP_ST_COMPLETE]	= "done",
	[FSCACHE_OP_ST_CANCELLED]	= "cancel",
	[FSCACHE_OP_ST_DEAD]		= "dead",
};

/* Age in microseconds of a timestamp taken by fscache_now(). */
static u64 age_us(u64 now, u64 then)
{
	return now > then ? div_u64(now - then, NSEC_PER_USEC) : 0;
}

static void objects_show_op(struct seq_file *m, struct fscache_operation *op,
			    u64 now)
{
	u8 type = READ_ONCE(op->type);
	u8 state = op->state;

	seq_printf(m, "  %08x %-8s %c %-6s %5u %12llu ",
		   op->debug_id,
		   type < FSCACHE_OP__NR_TYPES ? op_type_names[type] : "?",
		   fscache_operation_is_exclusive(op) ? 'X' : '-',
		   state < FSCACHE_OP_ST__NR_STATES ? op_state_names[state] : "?",
		   refcount_read(&op->usage), age_us(now, op->submit_time));
	if (state == FSCACHE_OP_ST_IN_PROGRESS)
		seq_printf(m, "%12llu\n", age_us(now, op->start_time));
	else
		seq_printf(m, "%12s\n", "-");
}

/*
 * List one object and up to FSCACHE_PROC_MAX_OPS of its ops, those in
 * progress first.  Called with the cache lock held; takes the object lock.
 */
static void objects_show_object(struct seq_file *m,
				struct fscache_cache *cache,
				struct fscache_object *object, u64 now)
{
	struct fscache_operation *op;
	unsigned int n_pending = 0, shown = 0, total;

	spin_lock(&object->lock);

	/* Counting walks the whole pending list: one pointer per op. */
	list_for_each_entry(op, &object->pending_ops, pend_link)
		n_pending++;

	seq_printf(m, "%-20s %08x %c%c %6u %6u %6u %6u\n",
		   cache->identifier, object->debug_id,
		   object->state < FSCACHE_OBJECT__NR_STATES ?
		   object_state_letters[object->state] : '?',
		   test_bit(FSCACHE_OBJECT_KILLED, &object->flags) ? 'K' : '-',
		   object->n_ops, object->n_in_progress, object->n_exclusive,
		   n_pending);

	total = n_pending;
	list_for_each_entry(op, &object->active_ops, pend_link) {
		total++;
		if (shown < FSCACHE_PROC_MAX_OPS) {
			objects_show_op(m, op, now);
			shown++;
		}
	}
	list_for_each_entry(op, &object->pending_ops, pend_link) {
		if (shown == FSCACHE_PROC_MAX_OPS || seq_has_overflowed(m))
			break;
		objects_show_op(m, op, now);
		shown++;
	}
	spin_unlock(&object->lock);

	if (total > shown)
		seq_printf(m, "  ... %u more ops not shown\n", total - shown);
}

/*
 * List the objects of every cache.  Locks: the cache list mutex, then each
 * cache's lock, then each object's lock, the order withdrawal uses.
 */
static int fscache_objects_show(struct seq_file *m, void *v)
{
	struct fscache_object *object;
	struct fscache_cache *cache;
	unsigned int shown = 0;
	bool more = false;
	u64 now = fscache_now();

	seq_printf(m, "%-20s %-8s %-2s %6s %6s %6s %6s\n",
		   "CACHE", "OBJECT", "ST", "OPS", "INPROG", "EXCL", "PEND");
	seq_printf(m, "  %-8s %-8s %c %-6s %5s %12s %12s\n",
		   "OP", "TYPE", 'X', "STATE", "USAGE", "SUBMIT_AGE", "START_AGE");

	mutex_lock(&fscache_cache_list_lock);
	list_for_each_entry(cache, &fscache_cache_list, link) {
		spin_lock(&cache->lock);
		list_for_each_entry(object, &cache->object_list, cache_link) {
			/* Stop at the limit, without walking the rest. */
			if (shown == FSCACHE_PROC_MAX_OBJECTS) {
				more = true;
				break;
			}
			objects_show_object(m, cache, object, now);
			shown++;
			/* The output is lost; seq_read() retries with more. */
			if (seq_has_overflowed(m))
				break;
		}
		spin_unlock(&cache->lock);
		if (more || seq_has_overflowed(m))
			break;
	}
	mutex_unlock(&fscache_cache_list_lock);

	if (more)
		seq_printf(m, "... more objects not shown (at most %u are)\n",
			   FSCACHE_PROC_MAX_OBJECTS);
	return 0;
}

/**
 * fscache_proc_init - Create the folder and files under /proc/fs
 *
 * Context: Module init; sleeps.
 * Return: 0; -EEXIST if the folder exists already; -ENOMEM if an entry
 * cannot be created.
 */
int fscache_proc_init(void)
{
	char path[sizeof("fs/") + FSCACHE_PROC_NAME_MAX];

	proc_choose_name();

	/*
	 * proc_mkdir() would warn about a duplicate instead of failing.
	 * NOTE: an entry created between this check and proc_mkdir() still
	 * gets that warning, and the load then fails with -ENOMEM.
	 */
	if (proc_fs_entry_exists(fscache_proc_name)) {
		pr_err("/proc/fs/%s exists already; choose another folder with proc_dir=NAME\n",
		       fscache_proc_name);
		return -EEXIST;
	}

	snprintf(path, sizeof(path), "fs/%s", fscache_proc_name);
	fscache_proc_dir = proc_mkdir(path, NULL);
	if (!fscache_proc_dir)
		goto err;

#ifdef CONFIG_FSCACHE_OPS_STATS
	if (!proc_create_single("stats", 0444, fscache_proc_dir,
				fscache_stats_show) ||
	    !proc_create_single("histogram", 0444, fscache_proc_dir,
				fscache_hist_show))
		goto err;
#endif
	if (!proc_create_single("objects", 0444, fscache_proc_dir,
				fscache_objects_show))
		goto err;

	pr_info("statistics and object listing in /proc/%s\n", path);
	return 0;

err:
	pr_err("failed to create /proc/%s and its files\n", path);
	proc_remove(fscache_proc_dir);
	fscache_proc_dir = NULL;
	return -ENOMEM;
}

/**
 * fscache_proc_exit - Remove the folder under /proc/fs and its files
 *
 * Waits for reads in progress to finish.
 *
 * Context: Module exit; sleeps.
 */
void fscache_proc_exit(void)
{
	proc_remove(fscache_proc_dir);
	fscache_proc_dir = NULL;
}
