// SPDX-License-Identifier: GPL-2.0
/*
 * FS-Cache operation manager: object lifecycle.
 *
 * The backend owns its objects and drives them through the states the
 * manager needs: looking up and creating (operations wait), available
 * (operations run), dying (new operations are rejected, pending ones are
 * cancelled) and dead (no operation is left; the backend may free it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/sched.h>
#include "internal.h"

static atomic_t fscache_object_debug_id;

/**
 * fscache_object_init - Initialise an object and add it to a cache
 * @object: The object, usually embedded in the backend's own structure.
 * @cache: The cache it belongs to.
 *
 * The object starts in the looking-up state: operations submitted to it
 * wait until fscache_object_set_available() is called.
 *
 * Context: Process context, may be atomic.
 * Return: 0, or -ENOBUFS if @cache is being withdrawn (the object is then
 * dead and must not be used).
 */
int fscache_object_init(struct fscache_object *object,
			struct fscache_cache *cache)
{
	spin_lock_init(&object->lock);
	object->state = FSCACHE_OBJECT_LOOKING_UP;
	object->flags = 0;
	object->n_ops = 0;
	object->n_in_progress = 0;
	object->n_exclusive = 0;
	INIT_LIST_HEAD(&object->pending_ops);
	INIT_LIST_HEAD(&object->active_ops);
	INIT_LIST_HEAD(&object->cache_link);
	object->cache = cache;
	object->debug_id = atomic_inc_return(&fscache_object_debug_id);

	spin_lock(&cache->lock);
	if (test_bit(FSCACHE_CACHE_WITHDRAWN, &cache->flags)) {
		spin_unlock(&cache->lock);
		object->state = FSCACHE_OBJECT_DEAD;
		return -ENOBUFS;
	}
	list_add_tail(&object->cache_link, &cache->object_list);
	spin_unlock(&cache->lock);

	fscache_stat(FSCACHE_STAT_OBJ_INIT);
	trace_fscache_ops_object(object, fscache_object_new);
	return 0;
}
EXPORT_SYMBOL(fscache_object_init);

/**
 * fscache_object_set_creating - Note that the backend is creating an object
 * @object: An object being looked up.
 *
 * Operations keep waiting.  Ignored if the object is already dying.
 *
 * Context: Process context, may be atomic.
 */
void fscache_object_set_creating(struct fscache_object *object)
{
	spin_lock(&object->lock);
	if (object->state == FSCACHE_OBJECT_LOOKING_UP) {
		object->state = FSCACHE_OBJECT_CREATING;
		trace_fscache_ops_object(object, fscache_object_creating);
	} else {
		WARN_ONCE(object->state != FSCACHE_OBJECT_DYING,
			  pr_fmt("OBJ%08x: set creating in state %u\n"),
			  object->debug_id, object->state);
	}
	spin_unlock(&object->lock);
}
EXPORT_SYMBOL(fscache_object_set_creating);

/**
 * fscache_object_set_available - Let operations run on an object
 * @object: An object being looked up or created.
 *
 * Pending operations start, in submission order.  Ignored if the object
 * is already dying, for instance because it was aborted meanwhile.
 *
 * Context: Process context, may be atomic.
 */
void fscache_object_set_available(struct fscache_object *object)
{
	spin_lock(&object->lock);
	if (object->state == FSCACHE_OBJECT_LOOKING_UP ||
	    object->state == FSCACHE_OBJECT_CREATING) {
		object->state = FSCACHE_OBJECT_AVAILABLE;
		trace_fscache_ops_object(object, fscache_object_available);
		fscache_start_operations(object);
	} else {
		WARN_ONCE(object->state != FSCACHE_OBJECT_DYING,
			  pr_fmt("OBJ%08x: set available in state %u\n"),
			  object->debug_id, object->state);
	}
	spin_unlock(&object->lock);
}
EXPORT_SYMBOL(fscache_object_set_available);

/**
 * fscache_object_set_dying - Stop an object from taking new operations
 * @object: The object.
 *
 * From now on submissions to @object return -ENOBUFS.  Pending operations
 * are cancelled with -ENOBUFS and their waiters woken; operations in
 * progress may finish.  Follow with fscache_drain_object() and
 * fscache_object_set_dead() before freeing the object.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 */
void fscache_object_set_dying(struct fscache_object *object)
{
	fscache_object_begin_death(object, fscache_object_dying);
}
EXPORT_SYMBOL(fscache_object_set_dying);

/**
 * fscache_abort_object - Kill an object after an error
 * @object: The object.
 *
 * Like fscache_object_set_dying(), and also marks the object as killed so
 * that /proc and traces tell an error from an orderly withdrawal.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 */
void fscache_abort_object(struct fscache_object *object)
{
	set_bit(FSCACHE_OBJECT_KILLED, &object->flags);
	fscache_object_begin_death(object, fscache_object_aborted);
}
EXPORT_SYMBOL(fscache_abort_object);

static bool object_is_idle(struct fscache_object *object)
{
	return READ_ONCE(object->n_ops) == 0;
}

/**
 * fscache_drain_object - Wait until no operation is attached to an object
 * @object: The object, normally dying already.
 * @timeout: Maximum wait in jiffies, or MAX_SCHEDULE_TIMEOUT for none.
 *
 * Waits for operations in progress to complete and for every operation to
 * be released, including those whose release the cache's GC finishes.
 * An object that is still available can gain operations again as soon as
 * this returns.
 *
 * Context: Process context; sleeps.
 * Return: 0 when the object has no operations, -ETIMEDOUT otherwise.
 */
int fscache_drain_object(struct fscache_object *object, long timeout)
{
	might_sleep();

	if (timeout < 0 || timeout == MAX_SCHEDULE_TIMEOUT)
		wait_var_event(&object->n_ops, object_is_idle(object));
	else if (!wait_var_event_timeout(&object->n_ops,
					 object_is_idle(object), timeout))
		return -ETIMEDOUT;

	/*
	 * The put that released the last op may still be inside the lock;
	 * taking it once makes sure that put has left the object alone.
	 */
	spin_lock(&object->lock);
	spin_unlock(&object->lock);
	return 0;
}
EXPORT_SYMBOL(fscache_drain_object);

/**
 * fscache_object_set_dead - Retire an object that has no operations
 * @object: The object.
 *
 * Removes the object from its cache.  After this returns 0 the manager no
 * longer touches the object and the backend may free it.  Retiring a dead
 * object again does nothing.
 *
 * Context: Process context, may be atomic.
 * Return: 0, or -EBUSY (with a warning) if operations are still attached;
 * the object is then left as it was.
 */
int fscache_object_set_dead(struct fscache_object *object)
{
	struct fscache_cache *cache = object->cache;

	spin_lock(&object->lock);
	if (object->state == FSCACHE_OBJECT_DEAD) {
		spin_unlock(&object->lock);
		return 0;
	}
	if (WARN_ONCE(object->n_ops,
		      pr_fmt("OBJ%08x: set dead with %u ops attached\n"),
		      object->debug_id, object->n_ops)) {
		spin_unlock(&object->lock);
		fscache_stat(FSCACHE_STAT_MISUSE);
		return -EBUSY;
	}
	object->state = FSCACHE_OBJECT_DEAD;
	trace_fscache_ops_object(object, fscache_object_dead);
	spin_unlock(&object->lock);

	spin_lock(&cache->lock);
	list_del_init(&object->cache_link);
	spin_unlock(&cache->lock);

	fscache_stat(FSCACHE_STAT_OBJ_DEAD);
	return 0;
}
EXPORT_SYMBOL(fscache_object_set_dead);
