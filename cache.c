// SPDX-License-Identifier: GPL-2.0
/*
 * FS-Cache operation manager: caches.
 *
 * A cache groups the objects of one backing store.  It owns the GC work
 * item that finishes operations whose last put could not take the object
 * lock, and its withdrawal is the point after which the backend may free
 * everything: it kills the objects, waits until no operation is attached
 * to any of them and the GC has run, and only then returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/sched.h>
#include "internal.h"

/* Every initialised cache that is not withdrawn yet, for /proc. */
LIST_HEAD(fscache_cache_list);
/* Protects fscache_cache_list; held while /proc walks the caches. */
DEFINE_MUTEX(fscache_cache_list_lock);

static atomic_t fscache_cache_debug_id;

/* How long a withdrawal waits before it logs what it is waiting for. */
#define FSCACHE_WITHDRAW_WARN_INTERVAL	(30 * HZ)

/**
 * fscache_cache_init - Initialise a cache and make it visible
 * @cache: The cache, usually embedded in the backend's own structure.
 * @fmt: printf-style format of the cache's identifier.
 * @...: Arguments for @fmt.
 *
 * The identifier is truncated to fit fscache_cache::identifier.
 *
 * Context: Process context; sleeps.
 */
void fscache_cache_init(struct fscache_cache *cache, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	vsnprintf(cache->identifier, sizeof(cache->identifier), fmt, va);
	va_end(va);

	cache->flags = 0;
	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->object_list);
	atomic_set(&cache->n_busy_objects, 0);
	init_llist_head(&cache->op_gc_list);
	INIT_WORK(&cache->op_gc, fscache_op_gc);
	cache->debug_id = atomic_inc_return(&fscache_cache_debug_id);

	mutex_lock(&fscache_cache_list_lock);
	list_add_tail(&cache->link, &fscache_cache_list);
	mutex_unlock(&fscache_cache_list_lock);

	fscache_stat(FSCACHE_STAT_CACHE_INIT);
	pr_debug("cache %s (CACHE%08x) added\n", cache->identifier,
		 cache->debug_id);
}
EXPORT_SYMBOL(fscache_cache_init);

/**
 * fscache_cache_set_io_error - Put a cache in the I/O-error state
 * @cache: The cache whose backing store failed.
 *
 * Later submissions to any object of the cache return -EIO.  Operations
 * already attached are left to finish or be cancelled by the backend.
 *
 * Context: Any context.
 */
void fscache_cache_set_io_error(struct fscache_cache *cache)
{
	if (!test_and_set_bit(FSCACHE_CACHE_IOERROR, &cache->flags))
		pr_err("cache %s: I/O error, new operations are rejected\n",
		       cache->identifier);
}
EXPORT_SYMBOL(fscache_cache_set_io_error);

static bool cache_is_idle(struct fscache_cache *cache)
{
	return atomic_read(&cache->n_busy_objects) == 0;
}

/**
 * fscache_cache_withdraw - Withdraw a cache and wait for its operations
 * @cache: The cache.
 *
 * New objects and new submissions are rejected with -ENOBUFS, every object
 * of the cache starts dying (which cancels its pending operations), and
 * the call waits until no operation is attached to any object and the
 * cache's GC work item has finished.  Objects stay on the cache until the
 * backend retires them with fscache_object_set_dead(); after this returns
 * no operation of the cache is left and the backend may do that and free
 * them.
 *
 * Context: Process context; sleeps until operations in progress complete.
 */
void fscache_cache_withdraw(struct fscache_cache *cache)
{
	struct fscache_object *object;

	might_sleep();
	if (WARN_ONCE(test_and_set_bit(FSCACHE_CACHE_WITHDRAWN, &cache->flags),
		      pr_fmt("cache %s withdrawn twice\n"), cache->identifier)) {
		fscache_stat(FSCACHE_STAT_MISUSE);
		return;
	}

	/*
	 * Cancel callbacks run in here under cache->lock, which is why they
	 * must not sleep.  The lock keeps the backend from retiring and
	 * freeing an object while it is being killed.
	 */
	spin_lock(&cache->lock);
	list_for_each_entry(object, &cache->object_list, cache_link)
		fscache_object_begin_death(object, fscache_object_dying);
	spin_unlock(&cache->lock);

	while (!wait_var_event_timeout(&cache->n_busy_objects,
				       cache_is_idle(cache),
				       FSCACHE_WITHDRAW_WARN_INTERVAL))
		pr_warn("cache %s: withdrawal still waits for %d objects with operations\n",
			cache->identifier, atomic_read(&cache->n_busy_objects));

	/* The last deferred put may have been finished by a GC run still
	 * returning; nothing can queue another one now.
	 */
	flush_work(&cache->op_gc);

	mutex_lock(&fscache_cache_list_lock);
	list_del_init(&cache->link);
	mutex_unlock(&fscache_cache_list_lock);

	fscache_stat(FSCACHE_STAT_CACHE_WITHDRAWN);
	pr_debug("cache %s (CACHE%08x) withdrawn\n", cache->identifier,
		 cache->debug_id);
}
EXPORT_SYMBOL(fscache_cache_withdraw);
