// SPDX-License-Identifier: GPL-2.0
/*
 * Sample cache backend for the FS-Cache operation manager.
 *
 * Loading the module caches a folder tree: one cache over backing_dir, one
 * object per regular file of source_dir, and for each file the operations
 * that sample_ops.c describes, which copy it into a backing file of the
 * same relative path and read it back to verify every byte.  The backend
 * uses only include/fscache_ops.h and the symbols fscache_ops.ko exports.
 *
 * The load walks the tree and checks the parameters, then returns; a
 * kernel thread does the copying, so a large tree does not hold insmod
 * for minutes.  The thread logs a summary when done, and
 * /proc/fs/fscache_sample shows the report at any time ("state: complete"
 * once done).  Unloading withdraws the cache, which waits for the
 * operations in flight, so it is safe at any point.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/stat.h>
#include <linux/string.h>
#include "sample.h"

#define SAMPLE_PROC_NAME	"fs/fscache_sample"
#define SAMPLE_MAX_IN_FLIGHT	1024

struct sample sample;

char *sample_source_dir;
module_param_named(source_dir, sample_source_dir, charp, 0444);
MODULE_PARM_DESC(source_dir, "Folder tree to cache (required)");

char *sample_backing_dir;
module_param_named(backing_dir, sample_backing_dir, charp, 0444);
MODULE_PARM_DESC(backing_dir,
		 "Existing folder for the backing files, outside source_dir (required)");

unsigned int sample_in_flight = 8;

static int sample_in_flight_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) < 0 || n < 1 || n > SAMPLE_MAX_IN_FLIGHT) {
		pr_err("in_flight=%s is invalid: use 1 to %u\n",
		       val, SAMPLE_MAX_IN_FLIGHT);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops sample_in_flight_ops = {
	.set	= sample_in_flight_set,
	.get	= param_get_uint,
};

module_param_cb(in_flight, &sample_in_flight_ops, &sample_in_flight, 0444);
MODULE_PARM_DESC(in_flight, "Files copied and verified at once (1-1024, default 8)");

static char *sample_fail_file;
module_param_named(fail_file, sample_fail_file, charp, 0444);
MODULE_PARM_DESC(fail_file,
		 "Fault injection: path relative to source_dir, or index in path order, of a non-empty file whose backing write fails with -EIO");

static const char *const sample_state_names[] = {
	[SAMPLE_RUNNING]	= "running",
	[SAMPLE_COMPLETE]	= "complete",
	[SAMPLE_STOPPED]	= "stopped",
};

/* Look a folder parameter up; logs and returns -EINVAL if unusable. */
static int sample_dir_param(const char *name, const char *value,
			    struct path *path)
{
	int ret;

	if (!value || !*value) {
		pr_err("%s is missing: give the path of a folder\n", name);
		return -EINVAL;
	}
	if (value[0] != '/') {
		pr_err("%s=%s is invalid: give an absolute path\n", name, value);
		return -EINVAL;
	}
	ret = kern_path(value, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, path);
	if (ret < 0) {
		pr_err("%s=%s is invalid: not found or not a folder (%d)\n", name, value, ret);
		return -EINVAL;
	}
	return 0;
}

/* Strip trailing slashes so that joined paths have one separator. */
static void sample_trim_slashes(char *dir)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
}

static int sample_check_dirs(void)
{
	struct path src, back;
	int ret;

	ret = sample_dir_param("source_dir", sample_source_dir, &src);
	if (ret < 0)
		return ret;
	ret = sample_dir_param("backing_dir", sample_backing_dir, &back);
	if (ret < 0)
		goto out_src;

	if (path_is_under(&back, &src) || path_is_under(&src, &back)) {
		pr_err("backing_dir=%s is invalid: it must not be inside source_dir=%s or contain it\n",
		       sample_backing_dir, sample_source_dir);
		ret = -EINVAL;
	}
	path_put(&back);
out_src:
	path_put(&src);
	if (ret == 0) {
		sample_trim_slashes(sample_source_dir);
		sample_trim_slashes(sample_backing_dir);
	}
	return ret;
}

static struct sample_file *sample_find_file(const char *name)
{
	struct sample_file *file;
	unsigned int index;

	list_for_each_entry(file, &sample.files, link)
		if (strcmp(file->path, name) == 0)
			return file;

	if (kstrtouint(name, 10, &index) < 0)
		return NULL;
	list_for_each_entry(file, &sample.files, link)
		if (file->index == index)
			return file;
	return NULL;
}

/* Resolve fail_file to a file of the tree; an empty one has no write. */
static int sample_check_fail_file(void)
{
	struct sample_file *file;
	struct kstat st;
	struct path p;
	char *path;
	int ret;

	if (!sample_fail_file || !*sample_fail_file)
		return 0;

	file = sample_find_file(sample_fail_file);
	if (!file) {
		pr_err("fail_file=%s is invalid: no regular file of that path under source_dir, and no index below %u\n",
		       sample_fail_file, sample.nr_files);
		return -EINVAL;
	}

	path = sample_source_path(file);
	if (!path)
		return -ENOMEM;
	ret = kern_path(path, 0, &p);
	kfree(path);
	if (ret == 0) {
		ret = vfs_getattr(&p, &st, STATX_SIZE, AT_STATX_SYNC_AS_STAT);
		path_put(&p);
	}
	if (ret == 0 && st.size == 0) {
		pr_err("fail_file=%s is invalid: %s is empty, so there is no backing write to fail\n",
		       sample_fail_file, file->path);
		return -EINVAL;
	}
	if (ret < 0) {
		pr_err("fail_file=%s is invalid: %s cannot be read (%d)\n",
		       sample_fail_file, file->path, ret);
		return -EINVAL;
	}

	sample.fault_file = file;
	pr_info("fault injection: the backing write of %s (index %u) will fail with -EIO\n",
		file->path, file->index);
	return 0;
}

static void sample_report_files(struct seq_file *m)
{
	struct sample_stats *stats = &sample.stats;

	seq_printf(m, "files:        %u (skipped %u entries that are neither files nor folders)\n",
		   sample.nr_files, sample.nr_skipped);
	seq_printf(m, "verified:     %d files, %lld of %lld bytes\n",
		   atomic_read(&stats->files_verified),
		   atomic64_read(&stats->bytes_verified),
		   atomic64_read(&stats->bytes_total));
	seq_printf(m, "mismatches:   %d files\n",
		   atomic_read(&stats->files_mismatched));
	seq_printf(m, "failed:       %d files\n",
		   atomic_read(&stats->files_failed));
	seq_printf(m, "rejected:     %d files\n",
		   atomic_read(&stats->files_rejected));
	seq_printf(m, "stopped:      %d files\n",
		   atomic_read(&stats->files_stopped));
	seq_printf(m, "copied:       %lld bytes\n",
		   atomic64_read(&stats->bytes_copied));
}

static void sample_report_ops(struct seq_file *m)
{
	struct sample_stats *stats = &sample.stats;
	int eio = atomic_read(&stats->rejected_eio);
	int nobufs = atomic_read(&stats->rejected_nobufs);
	int other = atomic_read(&stats->rejected_other);

	seq_printf(m, "ops:          fast=%d slow=%d mythread=%d exclusive=%d\n",
		   atomic_read(&stats->ops_fast), atomic_read(&stats->ops_slow),
		   atomic_read(&stats->ops_mythread),
		   atomic_read(&stats->ops_exclusive));
	seq_printf(m, "deferred:     %d (pending when submitted)\n",
		   atomic_read(&stats->ops_deferred));
	seq_printf(m, "enqueued:     %d (extra runs of copy and read-back ops)\n",
		   atomic_read(&stats->ops_enqueued));
	seq_printf(m, "rejected ops: %d (-EIO %d, -ENOBUFS %d, other %d)\n",
		   eio + nobufs + other, eio, nobufs, other);
	seq_printf(m, "cancelled:    %d\n", atomic_read(&stats->ops_cancelled));
	seq_printf(m, "in flight:    %d ops\n", atomic_read(&sample.live_ops));
	seq_printf(m, "overwritten:  %d backing files from an earlier run\n",
		   atomic_read(&stats->backing_existed));
}

static int sample_report_show(struct seq_file *m, void *v)
{
	int state = READ_ONCE(sample.state);
	u64 ms = sample_elapsed_ms();
	u64 rate = sample_rate_tenths(atomic64_read(&sample.stats.bytes_copied),
				      ms);

	seq_printf(m, "state:        %s\n", sample_state_names[state]);
	seq_printf(m, "source:       %s\n", sample_source_dir);
	seq_printf(m, "backing:      %s\n", sample_backing_dir);
	seq_printf(m, "in_flight:    %u files\n", sample_in_flight);
	if (sample.fault_file)
		seq_printf(m, "fail_file:    %s (index %u)\n",
			   sample.fault_file->path, sample.fault_file->index);
	sample_report_files(m);
	sample_report_ops(m);
	seq_printf(m, "elapsed:      %llu ms\n", ms);
	seq_printf(m, "throughput:   %llu.%llu MB/s (bytes copied / elapsed, 1 MB = 10^6 bytes)\n",
		   rate / 10, rate % 10);
	return 0;
}

static void sample_withdraw(void)
{
	fscache_cache_withdraw(&sample.cache);
	fscache_object_set_dead(&sample.root);
}

static int __init sample_init(void)
{
	int ret;

	INIT_LIST_HEAD(&sample.files);
	init_llist_head(&sample.events);
	init_waitqueue_head(&sample.wq);
	atomic_set(&sample.live_ops, 0);

	ret = sample_check_dirs();
	if (ret < 0)
		return ret;
	ret = sample_walk_tree();
	if (ret == 0)
		ret = sample_check_fail_file();
	if (ret < 0)
		goto err_files;

	fscache_cache_init(&sample.cache, "sample:%s", sample_backing_dir);
	ret = fscache_object_init(&sample.root, &sample.cache);
	if (ret < 0)
		goto err_cache;
	fscache_object_set_available(&sample.root);

	if (!proc_create_single(SAMPLE_PROC_NAME, 0444, NULL,
				sample_report_show)) {
		pr_err("creating /proc/%s failed\n", SAMPLE_PROC_NAME);
		ret = -ENOMEM;
		goto err_cache;
	}

	sample.thread = kthread_run(sample_thread_fn, NULL, "fscache_sample");
	if (IS_ERR(sample.thread)) {
		ret = PTR_ERR(sample.thread);
		sample.thread = NULL;
		goto err_proc;
	}
	return 0;

err_proc:
	remove_proc_entry(SAMPLE_PROC_NAME, NULL);
err_cache:
	sample_withdraw();
err_files:
	sample_free_files();
	return ret;
}

static void __exit sample_exit(void)
{
	WRITE_ONCE(sample.stopping, true);
	remove_proc_entry(SAMPLE_PROC_NAME, NULL);

	/*
	 * Withdrawal cancels what is pending, which wakes the thread if it
	 * waits for a check operation, and returns once every operation is
	 * detached from its object.
	 */
	fscache_cache_withdraw(&sample.cache);
	kthread_stop(sample.thread);

	/*
	 * Withdrawal waited for every attached operation and kthread_stop()
	 * for the thread, which releases the ones it had rejected.  Wait
	 * anyway, because a release that ran after the files were freed would
	 * touch freed memory.
	 */
	wait_var_event(&sample.live_ops, !atomic_read(&sample.live_ops));

	fscache_object_set_dead(&sample.root);
	sample_free_files();
	pr_info("unloaded: cache withdrawn, every object retired\n");
}

module_init(sample_init);
module_exit(sample_exit);

MODULE_DESCRIPTION("Sample cache backend for the FS-Cache operation manager");
MODULE_AUTHOR("The fscache-ops developers");
MODULE_LICENSE("GPL");
