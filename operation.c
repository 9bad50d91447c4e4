// SPDX-License-Identifier: GPL-2.0
/*
 * FS-Cache operation manager: operations.
 *
 * An operation is attached to an object by submission and holds the object's
 * "effective lock" from the moment it starts until it completes.  Shareable
 * operations hold it together; an exclusive operation holds it alone, and
 * every operation submitted after an exclusive one waits behind it on the
 * object's FIFO pending list.
 *
 * Counters of an object have one owner each, so that no path can move one
 * of them twice:
 *   n_ops          rises when an op is attached, falls when it is released;
 *   n_in_progress  rises when an op starts, falls when it completes (or is
 *                  cancelled while in progress);
 *   n_exclusive    rises when an exclusive op is attached, falls when it
 *                  completes or is cancelled.
 * The op's state, changed only under the object lock, says which of these
 * transitions are still to come.
 *
 * References: the submitter owns the one fscache_operation_init() gives.
 * The pending list holds one while the op waits, and each queued run of the
 * processor holds one.  The last put completes an op still in progress,
 * detaches it from its object and calls ->release().  If the object lock
 * cannot be taken in the context of that put, the detaching is deferred to
 * the cache's GC work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/sched.h>
#include <linux/wait_bit.h>
#include <linux/delay.h>
#include "internal.h"

atomic_t fscache_op_debug_id;

/*
 * Reject an API misuse: warn once per call site, count it, and let the
 * caller return an error instead of corrupting the object's accounting.
 */
#define fscache_misuse(cond, fmt, ...)					\
({									\
	bool __misused = !!(cond);					\
									\
	if (unlikely(__misused)) {					\
		fscache_stat(FSCACHE_STAT_MISUSE);			\
		WARN_ONCE(1, pr_fmt(fmt), ##__VA_ARGS__);		\
	}								\
	unlikely(__misused);						\
})

static void fscache_op_work(struct work_struct *work);

/**
 * fscache_operation_init - Initialise an operation before its submission
 * @op: The operation, usually embedded in the backend's own structure.
 * @type: Who runs it: FSCACHE_OP_MYTHREAD, FSCACHE_OP_FAST or FSCACHE_OP_SLOW.
 * @processor: Work function for FAST and SLOW operations, or NULL.
 * @cancel: Called once if the operation is rejected or cancelled, or NULL.
 * @release: Called once after the last reference is put, or NULL.
 *
 * The caller owns the single reference the operation starts with.  Call
 * fscache_operation_set_exclusive() after this for an exclusive operation.
 *
 * Context: Any context.
 */
void fscache_operation_init(struct fscache_operation *op,
			    enum fscache_operation_type type,
			    fscache_operation_processor_t processor,
			    fscache_operation_cancel_t cancel,
			    fscache_operation_release_t release)
{
	INIT_WORK(&op->work, fscache_op_work);
	INIT_LIST_HEAD(&op->pend_link);
	op->object = NULL;
	op->flags = 0;
	op->state = FSCACHE_OP_ST_INITIALISED;
	op->type = type;
	op->run_type = type;
	op->error = 0;
	refcount_set(&op->usage, 1);
	atomic_set(&op->n_queued, 0);
	op->debug_id = atomic_inc_return(&fscache_op_debug_id);
	op->processor = processor;
	op->cancel = cancel;
	op->release = release;
	op->submit_time = 0;
	op->start_time = 0;

	fscache_stat(FSCACHE_STAT_OP_INIT);
	trace_fscache_ops_op(op, 0, fscache_op_trace_init);
}
EXPORT_SYMBOL(fscache_operation_init);

/* Call ->release(); nothing of the manager touches @op afterwards. */
static void op_release(struct fscache_operation *op)
{
	op->state = FSCACHE_OP_ST_DEAD;
	fscache_stat(FSCACHE_STAT_OP_RELEASE);
	trace_fscache_ops_op(op, op->object ? op->object->debug_id : 0,
			     fscache_op_trace_release);
	/* A put after this one then meets refcount_t's warning, not the object. */
	op->object = NULL;
	if (op->release)
		op->release(op);
}

/*
 * Mark an op in progress as complete or cancelled and give up its share of
 * the object's effective lock.  Returns false if the op was not in progress.
 */
static bool op_complete_locked(struct fscache_object *object,
			       struct fscache_operation *op, bool cancelled)
	__must_hold(&object->lock)
{
	lockdep_assert_held(&object->lock);

	if (op->state != FSCACHE_OP_ST_IN_PROGRESS)
		return false;

	fscache_hist_record_run(op, fscache_now());
	op->state = cancelled ? FSCACHE_OP_ST_CANCELLED : FSCACHE_OP_ST_COMPLETE;
	list_del_init(&op->pend_link);
	object->n_in_progress--;
	if (fscache_operation_is_exclusive(op))
		object->n_exclusive--;
	fscache_gauge_dec(FSCACHE_GAUGE_RUNNING_MYTHREAD + op->run_type);
	fscache_stat(cancelled ? FSCACHE_STAT_OP_CANCEL :
				 FSCACHE_STAT_OP_COMPLETE);
	trace_fscache_ops_op(op, object->debug_id,
			     cancelled ? fscache_op_trace_cancel :
					 fscache_op_trace_complete);

	if (object->n_in_progress == 0)
		fscache_start_operations(object);
	return true;
}

/*
 * A pending op lost its last reference: a caller put one reference too
 * many and so took the pending list's.  Take the op off the list so that
 * nothing starts it after its release, and fix the counters.
 */
static void op_unlink_overput_locked(struct fscache_object *object,
				     struct fscache_operation *op)
	__must_hold(&object->lock)
{
	fscache_stat(FSCACHE_STAT_MISUSE);
	WARN_ONCE(1, pr_fmt("OP%08x: put too often while pending\n"),
		  op->debug_id);

	list_del_init(&op->pend_link);
	op->state = FSCACHE_OP_ST_CANCELLED;
	if (fscache_operation_is_exclusive(op))
		object->n_exclusive--;
	if (test_bit(FSCACHE_OP_WAITING, &op->flags))
		clear_and_wake_up_bit(FSCACHE_OP_WAITING, &op->flags);
	fscache_start_operations(object);
}

/*
 * Finish an op whose last reference is gone, with the object lock held:
 * complete it if it is still in progress (the procedure lets a MYTHREAD
 * holder finish its op with a plain put), call ->release(), and only then
 * stop counting it in n_ops.  Drains and cache withdrawal wait for n_ops,
 * so they cannot return while a release callback of the backend runs.
 */
static void op_finish_release(struct fscache_object *object,
			      struct fscache_operation *op)
	__releases(&object->lock)
{
	lockdep_assert_held(&object->lock);

	op_complete_locked(object, op, false);
	if (op->state == FSCACHE_OP_ST_PENDING)
		op_unlink_overput_locked(object, op);
	clear_bit(FSCACHE_OP_ATTACHED, &op->flags);
	op_release(op);

	object->n_ops--;
	if (object->n_ops == 0) {
		wake_up_var(&object->n_ops);
		fscache_cache_note_idle(object->cache);
	}
	spin_unlock(&object->lock);
}

/*
 * Hand an op whose last reference is gone to the cache's GC, because the
 * object lock cannot be taken here.  The op keeps counting in n_ops until
 * the GC detaches it, which keeps the object and the cache alive.
 */
static void op_defer_release(struct fscache_operation *op)
{
	struct fscache_cache *cache = op->object->cache;

	fscache_stat(FSCACHE_STAT_OP_DEFER);
	trace_fscache_ops_op(op, op->object->debug_id, fscache_op_trace_defer);

	/*
	 * A GC run already queued may finish the op as soon as it is on the
	 * list, and a withdrawal could then free the cache before the
	 * queue_work() below.  Counting the cache busy across both steps
	 * keeps withdrawal waiting until the work item is queued.
	 */
	fscache_cache_note_busy(cache);
	llist_add(&op->gc_link, &cache->op_gc_list);
	queue_work(fscache_gc_wq, &cache->op_gc);
	fscache_cache_note_idle(cache);
}

/*
 * Whether the last put of an op may try the object lock here.  Interrupt
 * context never does: the object lock is not interrupt-safe, so the put is
 * deferred instead.  On a uniprocessor kernel a spinlock holder cannot be
 * preempted, so the lock can only be held by the context this put runs in,
 * and spin_trylock() there either succeeds regardless or reports a bug.
 * Any atomic context therefore counts as "cannot take it", which on a
 * kernel without preemption counting defers every last put.
 */
static bool op_put_may_lock(void)
{
	if (in_interrupt())
		return false;
	return IS_ENABLED(CONFIG_SMP) || (preemptible() && !irqs_disabled());
}

static void op_last_put(struct fscache_operation *op)
{
	struct fscache_object *object = op->object;

	if (!test_bit(FSCACHE_OP_ATTACHED, &op->flags)) {
		op_release(op);
		return;
	}

	if (!op_put_may_lock() || !spin_trylock(&object->lock)) {
		op_defer_release(op);
		return;
	}
	op_finish_release(object, op);
}

/*
 * Drop a reference; returns true if it was the last.  The ids are read
 * first because after a put that was not the last another holder may free
 * the op at once.
 */
static bool op_dec_ref(struct fscache_operation *op,
		       enum fscache_op_ref_trace why)
{
	unsigned int debug_id = op->debug_id;
	unsigned int object_id = op->object ? op->object->debug_id : 0;
	int old;

	if (__refcount_dec_and_test(&op->usage, &old)) {
		trace_fscache_ops_op_ref(debug_id, object_id, 0, why);
		return true;
	}
	trace_fscache_ops_op_ref(debug_id, object_id, old - 1, why);
	return false;
}

static void op_put(struct fscache_operation *op, enum fscache_op_ref_trace why)
{
	if (op_dec_ref(op, why))
		op_last_put(op);
}

/* Drop a reference with the object lock held: a last put is deferred. */
static void op_put_locked(struct fscache_object *object,
			  struct fscache_operation *op,
			  enum fscache_op_ref_trace why)
	__must_hold(&object->lock)
{
	lockdep_assert_held(&object->lock);

	if (op_dec_ref(op, why))
		op_defer_release(op);
}

static void op_get(struct fscache_operation *op, enum fscache_op_ref_trace why)
{
	int old;

	__refcount_inc(&op->usage, &old);
	trace_fscache_ops_op_ref(op->debug_id,
				 op->object ? op->object->debug_id : 0,
				 old + 1, why);
}

/**
 * fscache_get_operation - Take an extra reference on an operation
 * @op: The operation; the caller must already hold a reference.
 *
 * Context: Any context.
 */
void fscache_get_operation(struct fscache_operation *op)
{
	op_get(op, fscache_op_ref_get_user);
}
EXPORT_SYMBOL(fscache_get_operation);

/**
 * fscache_put_operation - Drop a reference on an operation
 * @op: The operation.
 *
 * The last put completes an operation still in progress, detaches it from
 * its object (which may start operations waiting behind it) and calls its
 * release function.  If the object lock cannot be taken in this context,
 * for instance because the caller holds it, the detaching and the release
 * are deferred to the cache's GC work item.  An operation that was never
 * attached (not submitted, or rejected) is released at once.
 *
 * The release function may therefore run in this context or in the GC
 * work item; it must not sleep.
 *
 * Context: Any context, including interrupt context and with the object
 * lock held.
 */
void fscache_put_operation(struct fscache_operation *op)
{
	op_put(op, fscache_op_ref_put_user);
}
EXPORT_SYMBOL(fscache_put_operation);

static struct workqueue_struct *op_workqueue(bool slow)
{
	return slow ? fscache_op_wq : system_wq;
}

/*
 * Queue one run of the processor; the caller provides the reference that
 * the run will drop.  Returns false, with that reference dropped, if a run
 * was queued already and this one merged into it.
 *
 * A workqueue only keeps a work item from running twice at once on that
 * same workqueue.  If the op's type changed while a run is queued or
 * running on the other one, the new run is handed over when that run ends
 * (see fscache_op_work()), so the processor never runs concurrently with
 * itself.
 */
static bool op_queue(struct fscache_object *object,
		     struct fscache_operation *op)
	__must_hold(&object->lock)
{
	bool slow = op->type == FSCACHE_OP_SLOW;

	lockdep_assert_held(&object->lock);

	if (atomic_read(&op->n_queued) > 0 &&
	    slow != test_bit(FSCACHE_OP_ON_SLOW_WQ, &op->flags)) {
		if (test_and_set_bit(FSCACHE_OP_SWITCH_WQ, &op->flags))
			goto merged;
	} else {
		assign_bit(FSCACHE_OP_ON_SLOW_WQ, &op->flags, slow);
		if (!queue_work(op_workqueue(slow), &op->work))
			goto merged;
	}

	atomic_inc(&op->n_queued);
	fscache_gauge_inc(FSCACHE_GAUGE_QUEUED);
	fscache_stat(FSCACHE_STAT_OP_ENQUEUE);
	trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_enqueue);
	return true;

merged:
	op_put_locked(object, op, fscache_op_ref_put_queue_busy);
	return false;
}

/*
 * Start an op: it takes its share of the effective lock and either its
 * waiter is woken or its processor is queued.  @from_pending is true when
 * the op holds the pending list's reference, which a queued run inherits
 * and a MYTHREAD op drops.
 */
static void op_start(struct fscache_object *object,
		     struct fscache_operation *op, bool from_pending)
	__must_hold(&object->lock)
{
	lockdep_assert_held(&object->lock);

	op->state = FSCACHE_OP_ST_IN_PROGRESS;
	op->run_type = op->type;
	/* Starting at submission: the clock was read moments ago. */
	op->start_time = from_pending ? fscache_now() : op->submit_time;
	list_move_tail(&op->pend_link, &object->active_ops);
	object->n_in_progress++;
	fscache_hist_record_wait(op, op->start_time);
	fscache_gauge_inc(FSCACHE_GAUGE_RUNNING_MYTHREAD + op->run_type);
	fscache_stat(FSCACHE_STAT_OP_RUN);
	trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_start);

	if (op->type == FSCACHE_OP_MYTHREAD) {
		/* Only op_pend() sets WAITING, so only a pending op has a waiter. */
		if (from_pending) {
			op_put_locked(object, op, fscache_op_ref_put_pend);
			/* Pairs with the acquire in wait_on_bit() of the waiter. */
			clear_and_wake_up_bit(FSCACHE_OP_WAITING, &op->flags);
		}
		return;
	}

	if (!from_pending)
		op_get(op, fscache_op_ref_get_queue);
	op_queue(object, op);
}

/* True if an exclusive op holds the object's effective lock. */
static bool object_exclusive_in_progress(struct fscache_object *object)
{
	struct fscache_operation *first;

	first = list_first_entry_or_null(&object->active_ops,
					 struct fscache_operation, pend_link);
	return first && fscache_operation_is_exclusive(first);
}

/**
 * fscache_start_operations - Start the pending operations that may run now
 * @object: The object, with its lock held.
 *
 * Pending operations start in submission order.  A run of shareable ones
 * starts together; an exclusive one starts only when nothing is in
 * progress, and nothing behind it starts until it completes.
 *
 * Context: Object lock held.
 */
void fscache_start_operations(struct fscache_object *object)
	__must_hold(&object->lock)
{
	struct fscache_operation *op;

	lockdep_assert_held(&object->lock);

	if (object->state != FSCACHE_OBJECT_AVAILABLE)
		return;

	while ((op = list_first_entry_or_null(&object->pending_ops,
					      struct fscache_operation,
					      pend_link))) {
		if (fscache_operation_is_exclusive(op)) {
			if (object->n_in_progress > 0)
				break;
			op_start(object, op, true);
			break;
		}
		if (object_exclusive_in_progress(object))
			break;
		op_start(object, op, true);
	}
}

/*
 * Take a pending op off its list as cancelled.  The caller finishes the
 * cancellation with op_finish_cancel() after dropping the lock.
 */
static void op_cancel_pending_locked(struct fscache_object *object,
				     struct fscache_operation *op, int error,
				     struct list_head *cancelled)
	__must_hold(&object->lock)
{
	lockdep_assert_held(&object->lock);

	op->state = FSCACHE_OP_ST_CANCELLED;
	op->error = error;
	list_move_tail(&op->pend_link, cancelled);
	if (fscache_operation_is_exclusive(op))
		object->n_exclusive--;
	fscache_stat(FSCACHE_STAT_OP_CANCEL);
	trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_cancel);
}

/*
 * Run the cancel callback of an op taken off the pending list, wake its
 * waiter and drop the pending list's reference.
 */
static void op_finish_cancel(struct fscache_operation *op)
{
	if (op->cancel)
		op->cancel(op);
	if (test_bit(FSCACHE_OP_WAITING, &op->flags))
		clear_and_wake_up_bit(FSCACHE_OP_WAITING, &op->flags);
	op_put(op, fscache_op_ref_put_pend);
}

/* Finish every cancellation collected on @cancelled. */
static void ops_finish_cancel(struct list_head *cancelled)
{
	struct fscache_operation *op, *next;

	list_for_each_entry_safe(op, next, cancelled, pend_link) {
		list_del_init(&op->pend_link);
		op_finish_cancel(op);
	}
}

/*
 * Cancel every pending op of an object with @error.  Returns how many were
 * cancelled; their callbacks run after the object lock is dropped.
 */
static unsigned int object_cancel_pending(struct fscache_object *object,
					  int error)
{
	struct fscache_operation *op, *next;
	unsigned int n = 0;
	LIST_HEAD(cancelled);

	spin_lock(&object->lock);
	list_for_each_entry_safe(op, next, &object->pending_ops, pend_link) {
		op_cancel_pending_locked(object, op, error, &cancelled);
		n++;
	}
	spin_unlock(&object->lock);

	ops_finish_cancel(&cancelled);
	return n;
}

/**
 * fscache_cancel_all_ops - Cancel every pending operation of an object
 * @object: The object.
 *
 * Each pending operation is taken off the list, its cancel callback runs,
 * its MYTHREAD waiter (if any) is woken and gets -ECANCELED, and the
 * pending list's reference is dropped.  Operations in progress are left
 * alone.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 * Return: The number of operations cancelled.
 */
unsigned int fscache_cancel_all_ops(struct fscache_object *object)
{
	return object_cancel_pending(object, -ECANCELED);
}
EXPORT_SYMBOL(fscache_cancel_all_ops);

/*
 * Make the object reject submissions and
 * cancel what is pending with -ENOBUFS.  Returns false if it was already
 * dying or dead.
 */
bool fscache_object_begin_death(struct fscache_object *object,
				enum fscache_object_trace why)
{
	struct fscache_operation *op, *next;
	LIST_HEAD(cancelled);

	spin_lock(&object->lock);
	if (object->state >= FSCACHE_OBJECT_DYING) {
		spin_unlock(&object->lock);
		return false;
	}
	object->state = FSCACHE_OBJECT_DYING;
	trace_fscache_ops_object(object, why);
	list_for_each_entry_safe(op, next, &object->pending_ops, pend_link)
		op_cancel_pending_locked(object, op, -ENOBUFS, &cancelled);
	spin_unlock(&object->lock);

	ops_finish_cancel(&cancelled);
	return true;
}

/*
 * Check a submission for misuse before anything is changed.  Nothing is
 * counted against the object if this fails.
 */
static int op_check_submission(struct fscache_object *object,
			       struct fscache_operation *op, bool exclusive)
{
	if (fscache_misuse(!op || !object, "submit with NULL %s\n",
			   op ? "object" : "operation"))
		return -EINVAL;
	if (fscache_misuse(op->type >= FSCACHE_OP__NR_TYPES,
			   "OP%08x: invalid type %u\n", op->debug_id, op->type))
		return -EINVAL;
	if (fscache_misuse(op->type != FSCACHE_OP_MYTHREAD && !op->processor,
			   "OP%08x: asynchronous op without a processor\n",
			   op->debug_id))
		return -EINVAL;
	if (fscache_misuse(fscache_operation_is_exclusive(op) != exclusive,
			   "OP%08x: EXCLUSIVE flag %s but submitted %s\n",
			   op->debug_id,
			   exclusive ? "clear" : "set",
			   exclusive ? "as exclusive" : "as shareable"))
		return -EINVAL;
	if (fscache_misuse(!refcount_read(&op->usage),
			   "OP%08x: submit of a released op\n", op->debug_id))
		return -EINVAL;
	if (fscache_misuse(test_and_set_bit(FSCACHE_OP_SUBMITTED, &op->flags),
			   "OP%08x: submitted twice (state %u)\n",
			   op->debug_id, op->state))
		return -EINVAL;
	return 0;
}

/* The errno that keeps @object from taking an op now, or 0 if it can. */
static int object_submit_error(const struct fscache_object *object)
	__must_hold(&object->lock)
{
	const struct fscache_cache *cache = object->cache;

	if (object->state >= FSCACHE_OBJECT_DYING ||
	    test_bit(FSCACHE_OBJECT_KILLED, &object->flags)) {
		fscache_stat(FSCACHE_STAT_REJ_DEAD);
		return -ENOBUFS;
	}
	if (test_bit(FSCACHE_CACHE_IOERROR, &cache->flags)) {
		fscache_stat(FSCACHE_STAT_REJ_IOERR);
		return -EIO;
	}
	if (test_bit(FSCACHE_CACHE_WITHDRAWN, &cache->flags)) {
		fscache_stat(FSCACHE_STAT_REJ_WITHDRAWN);
		return -ENOBUFS;
	}
	return 0;
}

/* True if a new op may start at once instead of waiting. */
static bool object_can_start(const struct fscache_object *object,
			     bool exclusive)
	__must_hold(&object->lock)
{
	if (object->state != FSCACHE_OBJECT_AVAILABLE ||
	    !list_empty(&object->pending_ops))
		return false;
	if (exclusive)
		return object->n_in_progress == 0;
	return object->n_exclusive == 0;
}

static void op_attach(struct fscache_object *object,
		      struct fscache_operation *op, bool exclusive)
	__must_hold(&object->lock)
{
	op->object = object;
	op->submit_time = fscache_now();
	set_bit(FSCACHE_OP_ATTACHED, &op->flags);
	if (object->n_ops++ == 0)
		fscache_cache_note_busy(object->cache);
	if (exclusive)
		object->n_exclusive++;
	trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_submit);
}

static void op_pend(struct fscache_object *object,
		    struct fscache_operation *op)
	__must_hold(&object->lock)
{
	op->state = FSCACHE_OP_ST_PENDING;
	op_get(op, fscache_op_ref_get_pend);
	if (op->type == FSCACHE_OP_MYTHREAD)
		set_bit(FSCACHE_OP_WAITING, &op->flags);
	list_add_tail(&op->pend_link, &object->pending_ops);
	fscache_stat(FSCACHE_STAT_OP_PEND);
	trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_pend);
}

static int fscache_submit(struct fscache_object *object,
			  struct fscache_operation *op, bool exclusive)
{
	int ret;

	ret = op_check_submission(object, op, exclusive);
	if (ret < 0)
		return ret;

	spin_lock(&object->lock);
	ret = object_submit_error(object);
	if (ret < 0) {
		op->state = FSCACHE_OP_ST_CANCELLED;
		op->error = ret;
		fscache_stat(FSCACHE_STAT_OP_REJECT);
		trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_reject);
		spin_unlock(&object->lock);

		if (op->cancel)
			op->cancel(op);
		return ret;
	}

	op_attach(object, op, exclusive);
	if (object_can_start(object, exclusive))
		op_start(object, op, false);
	else
		op_pend(object, op);
	spin_unlock(&object->lock);
	return 0;
}

/**
 * fscache_submit_op - Submit a shareable operation on an object
 * @object: The object to operate on.
 * @op: An initialised operation without FSCACHE_OP_EXCLUSIVE.
 *
 * The operation starts at once if the object is available and no exclusive
 * operation is pending or in progress; otherwise it waits on the object's
 * pending list, behind everything submitted before it.  A MYTHREAD
 * submitter then calls fscache_wait_for_operation_activation().
 *
 * On success the manager holds the references it needs; the caller keeps
 * its own and must put it when done.  On failure the operation is not
 * attached: its cancel callback has run (for -ENOBUFS and -EIO) and the
 * caller disposes of it with fscache_put_operation().
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 * Return: 0 if the operation was started or queued; -ENOBUFS if the object
 * is dying, dead or killed or the cache is withdrawn; -EIO if the cache is
 * in the I/O-error state; -EINVAL on misuse (a warning is logged).
 */
int fscache_submit_op(struct fscache_object *object,
		      struct fscache_operation *op)
{
	return fscache_submit(object, op, false);
}
EXPORT_SYMBOL(fscache_submit_op);

/**
 * fscache_submit_exclusive_op - Submit an exclusive operation on an object
 * @object: The object to operate on.
 * @op: An initialised operation with FSCACHE_OP_EXCLUSIVE set.
 *
 * The operation starts at once if the object is available and idle;
 * otherwise it waits until every operation submitted before it has
 * completed.  Operations submitted after it wait until it completes.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 * Return: As for fscache_submit_op().
 */
int fscache_submit_exclusive_op(struct fscache_object *object,
				struct fscache_operation *op)
{
	return fscache_submit(object, op, true);
}
EXPORT_SYMBOL(fscache_submit_exclusive_op);

/**
 * fscache_cancel_op - Cancel an operation
 * @op: The operation; the caller holds a reference.
 * @cancel_in_progress: Whether an operation in progress may be cancelled.
 *
 * A pending operation is taken off the pending list (which may let the
 * operations behind it start), its cancel callback runs and its waiter is
 * woken.  An operation in progress is cancelled only if
 * @cancel_in_progress is true: it then gives up the object's effective
 * lock at once, and its processor, if running, finishes on its own.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 * Return: 0 if the operation was cancelled; -EBUSY if it is in progress
 * (and @cancel_in_progress is false) or complete; -EALREADY if it was
 * cancelled before; -EINVAL if it was never attached.
 */
int fscache_cancel_op(struct fscache_operation *op, bool cancel_in_progress)
{
	struct fscache_object *object = op->object;
	LIST_HEAD(cancelled);
	int ret;

	if (fscache_misuse(!test_bit(FSCACHE_OP_ATTACHED, &op->flags),
			   "OP%08x: cancel of an op not attached (state %u)\n",
			   op->debug_id, op->state))
		return -EINVAL;

	spin_lock(&object->lock);
	switch (op->state) {
	case FSCACHE_OP_ST_PENDING:
		op_cancel_pending_locked(object, op, -ECANCELED, &cancelled);
		fscache_start_operations(object);
		ret = 0;
		break;
	case FSCACHE_OP_ST_IN_PROGRESS:
		if (!cancel_in_progress) {
			ret = -EBUSY;
			break;
		}
		op->error = -ECANCELED;
		op_complete_locked(object, op, true);
		ret = 0;
		break;
	case FSCACHE_OP_ST_COMPLETE:
		ret = -EBUSY;
		break;
	default:
		ret = -EALREADY;
		break;
	}
	spin_unlock(&object->lock);

	if (!list_empty(&cancelled))
		ops_finish_cancel(&cancelled);
	else if (ret == 0 && op->cancel)
		op->cancel(op);
	return ret;
}
EXPORT_SYMBOL(fscache_cancel_op);

/**
 * fscache_op_complete - Complete an operation in progress
 * @op: The operation; the caller holds a reference.
 * @cancelled: True to record it as cancelled and run its cancel callback.
 *
 * The operation gives up its share of the object's effective lock, which
 * may start operations waiting for it.  The caller still puts its
 * reference afterwards.  An asynchronous operation is completed
 * automatically when its processor returns, so only a processor that keeps
 * the operation going past its return, or a MYTHREAD holder that wants to
 * mark it cancelled, needs this.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 */
void fscache_op_complete(struct fscache_operation *op, bool cancelled)
{
	struct fscache_object *object = op->object;
	bool done;
	u8 state;

	if (fscache_misuse(!test_bit(FSCACHE_OP_ATTACHED, &op->flags),
			   "OP%08x: complete of an op not attached (state %u)\n",
			   op->debug_id, op->state))
		return;

	spin_lock(&object->lock);
	state = op->state;
	if (cancelled && state == FSCACHE_OP_ST_IN_PROGRESS)
		op->error = -ECANCELED;
	done = op_complete_locked(object, op, cancelled);
	spin_unlock(&object->lock);

	/* Losing a race with fscache_cancel_op() is not misuse. */
	if (!done && state == FSCACHE_OP_ST_CANCELLED)
		return;
	if (fscache_misuse(!done, "OP%08x: complete in state %u\n",
			   op->debug_id, state))
		return;
	if (cancelled && op->cancel)
		op->cancel(op);
}
EXPORT_SYMBOL(fscache_op_complete);

/**
 * fscache_enqueue_operation - Queue a run of an operation's processor
 * @op: An operation in progress (or cancelled, so that it can clean up);
 *	the caller holds a reference.
 *
 * The run takes a reference of its own.  The holder may change op->type
 * between FSCACHE_OP_FAST and FSCACHE_OP_SLOW before calling this.  A
 * processor may call this on its own operation; the operation then stays
 * in progress until the last queued run returns.
 *
 * Context: Process context, may be atomic; the object lock must not be
 * held.
 * Return: 0 if a run was queued or one was queued already; -EINVAL on
 * misuse: the operation is pending, complete, released, never attached,
 * or has no processor.
 */
int fscache_enqueue_operation(struct fscache_operation *op)
{
	struct fscache_object *object = op->object;
	int ret = -EINVAL;
	u8 state;

	if (fscache_misuse(!test_bit(FSCACHE_OP_ATTACHED, &op->flags),
			   "OP%08x: enqueue of an op not attached (state %u)\n",
			   op->debug_id, op->state))
		return -EINVAL;
	if (fscache_misuse(!op->processor || op->type == FSCACHE_OP_MYTHREAD ||
			   op->type >= FSCACHE_OP__NR_TYPES,
			   "OP%08x: enqueue of an op that has no processor to run\n",
			   op->debug_id))
		return -EINVAL;

	spin_lock(&object->lock);
	state = op->state;
	if (state == FSCACHE_OP_ST_IN_PROGRESS ||
	    state == FSCACHE_OP_ST_CANCELLED) {
		op_get(op, fscache_op_ref_get_queue);
		op_queue(object, op);
		ret = 0;
	}
	spin_unlock(&object->lock);

	fscache_misuse(ret < 0, "OP%08x: enqueue in state %u\n",
		       op->debug_id, state);
	return ret;
}
EXPORT_SYMBOL(fscache_enqueue_operation);

/*
 * Queue the run that op_queue() held back while a run on the other
 * workqueue was in flight.  Its reference and its count in n_queued were
 * taken then.  Nothing else can have queued the work item meanwhile.
 */
static void op_switch_workqueue(struct fscache_operation *op)
{
	bool slow = op->type == FSCACHE_OP_SLOW;

	assign_bit(FSCACHE_OP_ON_SLOW_WQ, &op->flags, slow);
	WARN_ON_ONCE(!queue_work(op_workqueue(slow), &op->work));
}

/*
 * Run the processor of a FAST or SLOW operation.  The run owns one
 * reference.  If no other run was queued while the processor ran, the
 * operation is complete.
 */
static void fscache_op_work(struct work_struct *work)
{
	struct fscache_operation *op =
		container_of(work, struct fscache_operation, work);
	struct fscache_object *object = op->object;

	op->processor(op);

	/*
	 * n_queued changes only under the object lock, so an enqueue either
	 * happens before this and keeps the op in progress, or finds it
	 * complete.
	 */
	spin_lock(&object->lock);
	if (atomic_dec_return(&op->n_queued) == 0)
		op_complete_locked(object, op, false);
	else if (test_and_clear_bit(FSCACHE_OP_SWITCH_WQ, &op->flags))
		op_switch_workqueue(op);

	/* If this run held the last reference, finish the op here too. */
	if (op_dec_ref(op, fscache_op_ref_put_queue))
		op_finish_release(object, op);
	else
		spin_unlock(&object->lock);

	/*
	 * Last: module exit waits for this gauge to fall to zero.
	 * NOTE: the return from this function still runs in module text
	 * after the decrement; nothing but the time module removal takes
	 * covers that window, as for any work item on a shared workqueue.
	 */
	fscache_gauge_dec(FSCACHE_GAUGE_QUEUED);
}

/**
 * fscache_wait_for_operation_activation - Wait for a MYTHREAD op to start
 * @op: A submitted MYTHREAD operation; the caller holds a reference.
 * @timeout: Maximum wait in jiffies, or MAX_SCHEDULE_TIMEOUT for none.
 *
 * Returns at once if the operation started at submission.  If the wait is
 * ended by a fatal signal or by @timeout, the operation is cancelled; if it
 * started just before that cancellation, the caller owns it as usual and
 * gets 0.  Whatever the result, the caller still puts its reference.
 *
 * Context: Process context; sleeps.
 * Return: 0 if the operation is in progress and the caller may run it;
 * -ENOBUFS if it was cancelled because the object died; -ECANCELED if it
 * was cancelled otherwise; -EINTR on a fatal signal; -ETIMEDOUT on
 * timeout; -EINVAL on misuse.
 */
int fscache_wait_for_operation_activation(struct fscache_operation *op,
					  long timeout)
{
	int ret;

	might_sleep();
	if (fscache_misuse(!test_bit(FSCACHE_OP_ATTACHED, &op->flags) &&
			   op->state != FSCACHE_OP_ST_CANCELLED,
			   "OP%08x: wait on an op not submitted (state %u)\n",
			   op->debug_id, op->state))
		return -EINVAL;
	if (fscache_misuse(op->type != FSCACHE_OP_MYTHREAD,
			   "OP%08x: wait on an op of type %u, not MYTHREAD\n",
			   op->debug_id, op->type))
		return -EINVAL;

	/* Pairs with the release in clear_and_wake_up_bit(). */
	if (test_bit_acquire(FSCACHE_OP_WAITING, &op->flags)) {
		fscache_stat(FSCACHE_STAT_WAIT);
		if (timeout < 0 || timeout == MAX_SCHEDULE_TIMEOUT)
			ret = wait_on_bit(&op->flags, FSCACHE_OP_WAITING,
					  TASK_KILLABLE);
		else
			ret = wait_on_bit_timeout(&op->flags,
						  FSCACHE_OP_WAITING,
						  TASK_KILLABLE, timeout);
		if (ret && fscache_cancel_op(op, false) == 0) {
			if (ret == -EINTR) {
				fscache_stat(FSCACHE_STAT_WAIT_INTR);
				return -EINTR;
			}
			fscache_stat(FSCACHE_STAT_WAIT_TIMEOUT);
			return -ETIMEDOUT;
		}
		/*
		 * Otherwise it started, or another caller cancelled it, before
		 * we could.  A canceller clears WAITING only after the cancel
		 * callback, so waiting for that keeps the callback ahead of
		 * our return; the canceller is already running, so this is
		 * short.
		 */
		if (ret)
			wait_on_bit(&op->flags, FSCACHE_OP_WAITING,
				    TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(op->state) != FSCACHE_OP_ST_CANCELLED)
			fscache_stat(FSCACHE_STAT_WAIT_WOKEN);
	}

	if (READ_ONCE(op->state) == FSCACHE_OP_ST_CANCELLED) {
		fscache_stat(FSCACHE_STAT_WAIT_CANCELLED);
		return op->error ? op->error : -ECANCELED;
	}
	return 0;
}
EXPORT_SYMBOL(fscache_wait_for_operation_activation);

/**
 * fscache_op_gc - Finish the operations whose last put was deferred
 * @work: The cache's op_gc work item.
 *
 * Works in batches of FSCACHE_OP_GC_BATCH so that one busy cache cannot
 * hold a worker for long; a run that leaves operations behind queues the
 * work item again.
 *
 * Context: Workqueue.
 */
void fscache_op_gc(struct work_struct *work)
{
	struct fscache_cache *cache =
		container_of(work, struct fscache_cache, op_gc);
	struct fscache_operation *op, *next;
	struct llist_node *batch, *rest = NULL, *last = NULL;
	unsigned int n = 0;

	batch = llist_reverse_order(llist_del_all(&cache->op_gc_list));
	fscache_stat(FSCACHE_STAT_GC_RUN);

	llist_for_each_entry_safe(op, next, batch, gc_link) {
		struct fscache_object *object = op->object;

		if (n++ == FSCACHE_OP_GC_BATCH) {
			rest = &op->gc_link;
			break;
		}
		fscache_stat(FSCACHE_STAT_OP_GC);
		trace_fscache_ops_op(op, object->debug_id, fscache_op_trace_gc);
		spin_lock(&object->lock);
		op_finish_release(object, op);
	}

	if (rest) {
		for (last = rest; last->next; last = last->next)
			;
		llist_add_batch(rest, last, &cache->op_gc_list);
		fscache_stat(FSCACHE_STAT_GC_REQUEUE);
		queue_work(fscache_gc_wq, &cache->op_gc);
	}
}

/* Wait until no processor run of ours is queued or running. */
void fscache_op_wait_for_queued(void)
{
	while (fscache_gauge_read(FSCACHE_GAUGE_QUEUED) > 0)
		msleep(20);
}
