/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FS-Cache asynchronous operation manager: the interface for cache backends.
 *
 * A backend embeds a struct fscache_operation in its own request structure,
 * initialises it with fscache_operation_init() and submits it against one of
 * its objects.  The manager decides when the operation may run: shareable
 * operations run together, an exclusive operation runs alone on its object
 * and everything submitted after it waits until it completes, and nothing
 * runs on an object that is still being looked up or created.
 *
 * Lock legend for the fields below:
 *   (C) cache->lock
 *   (O) object->lock
 *   (I) set before the structure is published, read-only afterwards
 *   (A) atomic or bit operations, no lock
 *
 * See Documentation/operations.rst for the model and the procedure.
 */
#ifndef _FSCACHE_OPS_H
#define _FSCACHE_OPS_H

#include <linux/bitops.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct fscache_cache;
struct fscache_object;
struct fscache_operation;

/* Bits in fscache_cache::flags. */
enum fscache_cache_flag {
	FSCACHE_CACHE_IOERROR,		/* set when the backing store failed */
	FSCACHE_CACHE_WITHDRAWN,	/* set when withdrawal began */
};

/**
 * struct fscache_cache - A cache: one backing store of a backend.
 * @identifier: Name for logs and /proc, set by fscache_cache_init() (I).
 * @flags: FSCACHE_CACHE_* bits (A).
 * @lock: Protects @object_list.
 * @object_list: The cache's objects, linked by fscache_object::cache_link (C).
 * @n_busy_objects: Objects that have at least one operation attached (A).
 * @op_gc_list: Operations whose last put was deferred (A).
 * @op_gc: Work item that finishes the operations on @op_gc_list.
 * @link: Entry in the manager's list of caches.
 * @debug_id: Unique number for traces and /proc (I).
 */
struct fscache_cache {
	char			identifier[36];
	unsigned long		flags;
	spinlock_t		lock;		/* protects object_list */
	struct list_head	object_list;
	atomic_t		n_busy_objects;
	struct llist_head	op_gc_list;
	struct work_struct	op_gc;
	struct list_head	link;
	unsigned int		debug_id;
};

/**
 * enum fscache_object_state - Lifecycle of an object, as the manager sees it.
 * @FSCACHE_OBJECT_LOOKING_UP: The backend is looking the object up; ops wait.
 * @FSCACHE_OBJECT_CREATING: The backend is creating it; ops wait.
 * @FSCACHE_OBJECT_AVAILABLE: Ops run.
 * @FSCACHE_OBJECT_DYING: Being withdrawn or aborted; new ops are rejected
 *	and pending ones were cancelled, ops in progress may still finish.
 * @FSCACHE_OBJECT_DEAD: No ops left; the backend may free the object.
 * @FSCACHE_OBJECT__NR_STATES: Number of states, for tables.
 */
enum fscache_object_state {
	FSCACHE_OBJECT_LOOKING_UP,
	FSCACHE_OBJECT_CREATING,
	FSCACHE_OBJECT_AVAILABLE,
	FSCACHE_OBJECT_DYING,
	FSCACHE_OBJECT_DEAD,
	FSCACHE_OBJECT__NR_STATES
};

/* Bits in fscache_object::flags. */
enum fscache_object_flag {
	FSCACHE_OBJECT_KILLED,		/* set when aborted on an error */
};

/**
 * struct fscache_object - A cached object on which operations are run.
 * @lock: Protects the fields marked (O) and the state of attached ops.
 * @state: Lifecycle state (O).
 * @flags: FSCACHE_OBJECT_* bits (A).
 * @n_ops: Operations attached: pending, in progress, or finished but not
 *	yet released (O).
 * @n_in_progress: Operations started and not yet completed (O).
 * @n_exclusive: Exclusive operations pending or in progress (O).
 * @pending_ops: Operations waiting to start, in submission order (O).
 * @active_ops: Operations in progress, for the per-object listing (O).
 * @cache: The cache the object belongs to (I).
 * @cache_link: Entry in fscache_cache::object_list (C).
 * @debug_id: Unique number for traces and /proc (I).
 */
struct fscache_object {
	spinlock_t		lock;		/* see the legend above */
	enum fscache_object_state state;
	unsigned long		flags;
	unsigned int		n_ops;
	unsigned int		n_in_progress;
	unsigned int		n_exclusive;
	struct list_head	pending_ops;
	struct list_head	active_ops;
	struct fscache_cache	*cache;
	struct list_head	cache_link;
	unsigned int		debug_id;
};

/**
 * enum fscache_operation_type - Who provides the CPU time for an operation.
 * @FSCACHE_OP_MYTHREAD: The submitter runs it itself after activation.
 * @FSCACHE_OP_FAST: The processor runs on the system workqueue and must
 *	not sleep.
 * @FSCACHE_OP_SLOW: The processor runs on the manager's unbound workqueue
 *	and may sleep.
 * @FSCACHE_OP__NR_TYPES: Number of types, for tables.
 */
enum fscache_operation_type {
	FSCACHE_OP_MYTHREAD,
	FSCACHE_OP_FAST,
	FSCACHE_OP_SLOW,
	FSCACHE_OP__NR_TYPES
};

/**
 * enum fscache_operation_state - Where an operation is in its life.
 * @FSCACHE_OP_ST_INITIALISED: Initialised, not yet submitted.
 * @FSCACHE_OP_ST_PENDING: Attached, waiting on the object's pending list.
 * @FSCACHE_OP_ST_IN_PROGRESS: Started; holds the object's effective lock.
 * @FSCACHE_OP_ST_COMPLETE: Finished successfully.
 * @FSCACHE_OP_ST_CANCELLED: Rejected at submission or cancelled.
 * @FSCACHE_OP_ST_DEAD: Released; must not be touched again.
 * @FSCACHE_OP_ST__NR_STATES: Number of states, for tables.
 */
enum fscache_operation_state {
	FSCACHE_OP_ST_INITIALISED,
	FSCACHE_OP_ST_PENDING,
	FSCACHE_OP_ST_IN_PROGRESS,
	FSCACHE_OP_ST_COMPLETE,
	FSCACHE_OP_ST_CANCELLED,
	FSCACHE_OP_ST_DEAD,
	FSCACHE_OP_ST__NR_STATES
};

/* Bits in fscache_operation::flags. */
enum fscache_operation_flag {
	FSCACHE_OP_EXCLUSIVE,	/* set when the op must run alone */
	FSCACHE_OP_WAITING,	/* set while a MYTHREAD submitter waits */
	FSCACHE_OP_SUBMITTED,	/* set by the first submission attempt */
	FSCACHE_OP_ATTACHED,	/* set when the op counts in object->n_ops */
	FSCACHE_OP_ON_SLOW_WQ,	/* set when the last run went to the slow wq */
	FSCACHE_OP_SWITCH_WQ,	/* set when a run waits to change workqueue */
};

typedef void (*fscache_operation_processor_t)(struct fscache_operation *op);
typedef void (*fscache_operation_cancel_t)(struct fscache_operation *op);
typedef void (*fscache_operation_release_t)(struct fscache_operation *op);

/**
 * struct fscache_operation - An operation on a cache object.
 * @work: Work item that runs @processor for FAST and SLOW operations.
 * @pend_link: Entry in the object's pending or active list (O).
 * @gc_link: Entry in the cache's deferred-release list after the last put.
 * @object: Object the operation is attached to, NULL until then (O).
 * @flags: FSCACHE_OP_* bits (A).
 * @state: enum fscache_operation_state (O once attached).
 * @type: enum fscache_operation_type; may be changed by the holder of an
 *	operation in progress before it calls fscache_enqueue_operation().
 * @run_type: The type the operation had when it started (O).
 * @error: Why the operation was cancelled: 0, or a small negative errno
 *	chosen by the manager (O).
 * @usage: Reference count (A).
 * @n_queued: Runs of @processor queued and not yet finished (O).
 * @debug_id: Unique number for traces and /proc (I).
 * @processor: Work function of FAST and SLOW operations.
 * @cancel: Called exactly once if the operation is rejected or cancelled,
 *	never after success.  It runs without the object lock but possibly in
 *	atomic context, so it must not sleep.  @object is NULL when it runs
 *	for a rejection at submission.  May be NULL.
 * @release: Called exactly once after the last put, when the manager no
 *	longer touches the operation; it frees the structure embedding it.
 *	It runs in the context of the last put or in the cache's GC work
 *	item, with the object lock held if the operation was attached, so it
 *	must not sleep nor call the manager about that object, except to put
 *	other operations.  May be NULL if the operation is not dynamically
 *	allocated.
 * @submit_time: When the operation was submitted, in ns (O).
 * @start_time: When the operation started, in ns (O).
 */
struct fscache_operation {
	struct work_struct	work;
	struct list_head	pend_link;
	struct llist_node	gc_link;
	struct fscache_object	*object;
	unsigned long		flags;
	u8			state;
	u8			type;
	u8			run_type;
	s8			error;
	refcount_t		usage;
	atomic_t		n_queued;
	unsigned int		debug_id;
	fscache_operation_processor_t processor;
	fscache_operation_cancel_t cancel;
	fscache_operation_release_t release;
	u64			submit_time;
	u64			start_time;
};

/* Operations. */
void fscache_operation_init(struct fscache_operation *op,
			    enum fscache_operation_type type,
			    fscache_operation_processor_t processor,
			    fscache_operation_cancel_t cancel,
			    fscache_operation_release_t release);
int fscache_submit_op(struct fscache_object *object,
		      struct fscache_operation *op);
int fscache_submit_exclusive_op(struct fscache_object *object,
				struct fscache_operation *op);
int fscache_wait_for_operation_activation(struct fscache_operation *op,
					  long timeout);
int fscache_enqueue_operation(struct fscache_operation *op);
void fscache_op_complete(struct fscache_operation *op, bool cancelled);
int fscache_cancel_op(struct fscache_operation *op, bool cancel_in_progress);
unsigned int fscache_cancel_all_ops(struct fscache_object *object);
void fscache_get_operation(struct fscache_operation *op);
void fscache_put_operation(struct fscache_operation *op);

/**
 * fscache_operation_is_exclusive - Test whether an operation is exclusive.
 * @op: The operation.
 *
 * Return: true if FSCACHE_OP_EXCLUSIVE is set on @op.
 */
static inline bool fscache_operation_is_exclusive(const struct fscache_operation *op)
{
	return test_bit(FSCACHE_OP_EXCLUSIVE, &op->flags);
}

/**
 * fscache_operation_set_exclusive - Mark an operation exclusive.
 * @op: An initialised operation that has not been submitted yet.
 *
 * An exclusive operation must be submitted with
 * fscache_submit_exclusive_op(); the manager rejects any other pairing.
 */
static inline void fscache_operation_set_exclusive(struct fscache_operation *op)
{
	set_bit(FSCACHE_OP_EXCLUSIVE, &op->flags);
}

/* Objects. */
int fscache_object_init(struct fscache_object *object,
			struct fscache_cache *cache);
void fscache_object_set_creating(struct fscache_object *object);
void fscache_object_set_available(struct fscache_object *object);
void fscache_object_set_dying(struct fscache_object *object);
void fscache_abort_object(struct fscache_object *object);
int fscache_drain_object(struct fscache_object *object, long timeout);
int fscache_object_set_dead(struct fscache_object *object);

/* Caches. */
__printf(2, 3)
void fscache_cache_init(struct fscache_cache *cache, const char *fmt, ...);
void fscache_cache_set_io_error(struct fscache_cache *cache);
void fscache_cache_withdraw(struct fscache_cache *cache);

#endif /* _FSCACHE_OPS_H */
