// SPDX-License-Identifier: GPL-2.0
/*
 * FS-Cache operation manager: module initialisation and workqueues.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>

#define CREATE_TRACE_POINTS
#include "internal.h"

/*
 * Slow operations stand in for the old slow-work pool.  The workqueue is
 * unbound because a slow op may sleep on I/O for a long time and should not
 * hold up other work of the CPU it was queued on.  It has a rescuer
 * (WQ_MEM_RECLAIM) because backends write back cached data through it, and
 * that must make progress when memory is short and no new worker can be
 * created.
 */
struct workqueue_struct *fscache_op_wq;

/*
 * Deferred puts are finished on a workqueue of their own, so that they
 * cannot queue behind slow ops that wait for objects to drain.  Releasing
 * ops frees memory, hence the rescuer here too.
 */
struct workqueue_struct *fscache_gc_wq;

static unsigned int slow_max_active = 16;

/* Keeps a write to slow_max_active away from the workqueue's destruction. */
static DEFINE_MUTEX(slow_max_active_lock);

static int slow_max_active_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret < 0 || n < 1 || n > WQ_MAX_ACTIVE) {
		pr_err("slow_max_active=%s is invalid: use 1 to %d\n",
		       val, WQ_MAX_ACTIVE);
		return -EINVAL;
	}

	mutex_lock(&slow_max_active_lock);
	*(unsigned int *)kp->arg = n;
	if (fscache_op_wq)
		workqueue_set_max_active(fscache_op_wq, n);
	mutex_unlock(&slow_max_active_lock);
	return 0;
}

static const struct kernel_param_ops slow_max_active_ops = {
	.set	= slow_max_active_set,
	.get	= param_get_uint,
};

module_param_cb(slow_max_active, &slow_max_active_ops, &slow_max_active, 0644);
MODULE_PARM_DESC(slow_max_active,
		 "Slow operations that may run at once (1-512, default 16)");

static int __init fscache_ops_init(void)
{
	int ret;

	ret = fscache_stats_init();
	if (ret < 0)
		return ret;

	fscache_op_wq = alloc_workqueue("fscache_ops_slow",
					WQ_UNBOUND | WQ_MEM_RECLAIM,
					slow_max_active);
	if (!fscache_op_wq) {
		ret = -ENOMEM;
		goto err_stats;
	}

	fscache_gc_wq = alloc_workqueue("fscache_ops_gc", WQ_MEM_RECLAIM, 0);
	if (!fscache_gc_wq) {
		ret = -ENOMEM;
		goto err_op_wq;
	}

	ret = fscache_proc_init();
	if (ret < 0)
		goto err_gc_wq;

	pr_info("operation manager loaded (slow_max_active=%u)\n",
		slow_max_active);
	return 0;

err_gc_wq:
	destroy_workqueue(fscache_gc_wq);
err_op_wq:
	destroy_workqueue(fscache_op_wq);
	fscache_op_wq = NULL;
err_stats:
	fscache_stats_exit();
	return ret;
}

static void __exit fscache_ops_exit(void)
{
	/*
	 * Backends depend on our symbols, so they are gone and have withdrawn
	 * their caches.  A cache left over would have ops we cannot wait for.
	 */
	mutex_lock(&fscache_cache_list_lock);
	WARN_ONCE(!list_empty(&fscache_cache_list),
		  pr_fmt("unloaded with caches not withdrawn\n"));
	mutex_unlock(&fscache_cache_list_lock);

	fscache_proc_exit();

	/* Fast ops run on the system workqueue, which must not be flushed. */
	fscache_op_wait_for_queued();
	destroy_workqueue(fscache_gc_wq);

	/* The parameter file outlives this function; see its setter. */
	mutex_lock(&slow_max_active_lock);
	destroy_workqueue(fscache_op_wq);
	fscache_op_wq = NULL;
	mutex_unlock(&slow_max_active_lock);
	fscache_stats_exit();
	pr_info("operation manager unloaded\n");
}

module_init(fscache_ops_init);
module_exit(fscache_ops_exit);

MODULE_DESCRIPTION("FS-Cache asynchronous operation manager for cache backends");
MODULE_AUTHOR("The fscache-ops developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
