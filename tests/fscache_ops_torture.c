// SPDX-License-Identifier: GPL-2.0
/*
 * Torture test of the FS-Cache operation manager.
 *
 * Loading the module starts a controller and a set of submitter threads
 * that hammer a few objects of one cache with a random mix of FAST, SLOW
 * and MYTHREAD operations, some of them exclusive, for @duration seconds.
 * Meanwhile objects die and are replaced while operations are pending,
 * pending operations are cancelled, MYTHREAD waiters time out, and one
 * waiter thread is sent SIGKILL now and then.
 *
 * Every operation body (the processor of an asynchronous operation, or
 * what a MYTHREAD holder does between activation and its put) checks, on
 * entry and exit, counters that this module keeps per object:
 *
 *   - no body runs on an object beside an exclusive one;
 *   - an exclusive operation starts after every operation submitted
 *     before it and before every operation submitted after it (the module
 *     numbers submissions per object under its own lock);
 *   - a body runs once, or once more for each re-enqueue;
 *   - the cancel callback runs at most once, never for an operation that
 *     ran unless its holder asked for it, and every attached operation
 *     either runs or is cancelled;
 *   - the release callback runs exactly once; released structures are
 *     poisoned so that a late access trips the magic check or KASAN;
 *   - fscache_drain_object() returns only when every operation of the
 *     object has been released, and the object's counters are zero then.
 *
 * At the end the controller prints one line for scripts:
 *
 *   fscache_ops_torture: summary ops=N fast=N slow=N mythread=N excl=N
 *	cancelled=N rejected=N violations=N ...
 *
 * The module may be removed at any time; a run cut short prints its
 * summary with complete=0.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <fscache_ops.h>

static unsigned int objects = 8;
module_param(objects, uint, 0444);
MODULE_PARM_DESC(objects, "Objects operated on at once (default 8)");

static unsigned int threads = 4;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "Submitter threads (default 4)");

static unsigned int duration = 10;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "Length of the run in seconds (default 10)");

static unsigned int fast_share = 40;
module_param(fast_share, uint, 0444);
MODULE_PARM_DESC(fast_share, "Weight of FAST operations in the mix (default 40)");

static unsigned int slow_share = 30;
module_param(slow_share, uint, 0444);
MODULE_PARM_DESC(slow_share, "Weight of SLOW operations in the mix (default 30)");

static unsigned int mythread_share = 30;
module_param(mythread_share, uint, 0444);
MODULE_PARM_DESC(mythread_share, "Weight of MYTHREAD operations in the mix (default 30)");

static unsigned int excl_pct = 10;
module_param(excl_pct, uint, 0444);
MODULE_PARM_DESC(excl_pct, "Percentage of exclusive operations (default 10)");

static unsigned int cancel_pct = 5;
module_param(cancel_pct, uint, 0444);
MODULE_PARM_DESC(cancel_pct, "Percentage of submissions cancelled right after (default 5)");

static unsigned int timeout_pct = 5;
module_param(timeout_pct, uint, 0444);
MODULE_PARM_DESC(timeout_pct, "Percentage of MYTHREAD waits with a timeout of 0 or 1 jiffy (default 5)");

static unsigned int requeue_pct = 5;
module_param(requeue_pct, uint, 0444);
MODULE_PARM_DESC(requeue_pct, "Percentage of FAST/SLOW runs that enqueue their op again (default 5)");

static unsigned int death_ms = 20;
module_param(death_ms, uint, 0444);
MODULE_PARM_DESC(death_ms, "Milliseconds between object deaths, 0 for none (default 20)");

static unsigned int sigkill_ms = 3;
module_param(sigkill_ms, uint, 0444);
MODULE_PARM_DESC(sigkill_ms, "Milliseconds between SIGKILLs to the waiter thread, 0 for none (default 3)");

static unsigned int release_delay_us;
module_param(release_delay_us, uint, 0444);
MODULE_PARM_DESC(release_delay_us, "Busy-wait in one release callback of 16 for this many us, like a backend freeing resources (default 0)");

static unsigned int max_inflight = 512;
module_param(max_inflight, uint, 0444);
MODULE_PARM_DESC(max_inflight, "Operations allocated and not yet released, at most (default 512)");

#define TORT_OP_LIVE	0x0f5c0a11u
#define TORT_OP_FREED	0xdeadf5c0u
#define TORT_POISON	0x6b

/* Kinds of body, for the per-type counts of the summary. */
enum tort_kind {
	TORT_MYTHREAD = FSCACHE_OP_MYTHREAD,
	TORT_FAST = FSCACHE_OP_FAST,
	TORT_SLOW = FSCACHE_OP_SLOW,
	TORT__NR_KINDS
};

/*
 * An object slot's current object.  The manager's object is allocated on
 * its own and freed as soon as fscache_object_set_dead() returns, so that
 * the manager touching it afterwards shows up under KASAN.  The counters
 * live on in this structure until the last operation is released.
 */
struct tort_obj {
	struct kref		ref;		/* slot's, and one per op */
	struct fscache_object	*fobj;
	atomic_t		users;		/* threads that may call into fobj */
	spinlock_t		submit_lock;	/* orders submissions with seq */
	u64			next_seq;
	spinlock_t		check_lock;	/* orders body starts */
	u64			max_started_seq;
	u64			last_excl_seq;
	atomic_t		running_shared;
	atomic_t		running_excl;
	atomic_t		unreleased;	/* attached ops not released yet */
	unsigned int		id;
};

struct tort_op {
	struct fscache_operation op;
	u32			magic;
	u8			kind;
	bool			excl;
	bool			attached;
	bool			self_cancel;	/* holder completed it cancelled */
	bool			wait_failed;	/* activation wait returned an error */
	struct tort_obj		*tobj;
	u64			seq;
	atomic_t		runs;		/* body runs started */
	atomic_t		enqueues;	/* re-enqueues asked for */
	atomic_t		live_runs;	/* runs queued or running */
	atomic_t		cancels;
	atomic_t		releases;
};

struct tort_slot {
	spinlock_t		lock;		/* guards cur */
	struct tort_obj		*cur;
};

struct tort_rng {
	u64 s;
};

/*
 * The ops come from a cache of their own, freed one by one at release so
 * that KASAN still catches a late access.  SLAB_NOLEAKTRACE keeps them out
 * of kmemleak: under kmemleak and KASAN each tracked allocation saves
 * four more stack traces, which on UML cost most of the run's CPU time.
 * Leaks of ops are caught anyway, by the n_init and n_released totals and
 * by kmem_cache_destroy() at module exit.
 */
static struct kmem_cache *tort_op_cache;
static struct fscache_cache *tort_cache;
static struct tort_slot *tort_slots;
static struct task_struct *tort_controller;
static struct task_struct **tort_workers;
static struct task_struct *tort_killer;
static struct task_struct *tort_victim;
static struct task_struct *tort_sigkiller;
static unsigned int tort_nr_workers;
static atomic_t tort_obj_ids;

/* Totals, printed in the summary. */
static atomic64_t n_init, n_released, n_body[TORT__NR_KINDS], n_excl;
static atomic64_t n_cancelled, n_rejected, n_timeouts, n_killed;
static atomic64_t n_requeued, n_deaths, n_self_cancel, n_violations;
static atomic_t n_inflight;

#define tort_violation(fmt, ...)					\
do {									\
	atomic64_inc(&n_violations);					\
	pr_err_ratelimited("VIOLATION: " fmt, ##__VA_ARGS__);		\
} while (0)

#define tort_check(cond, fmt, ...)					\
({									\
	bool __bad = !(cond);						\
									\
	if (unlikely(__bad))						\
		tort_violation(fmt, ##__VA_ARGS__);			\
	!__bad;								\
})

/* xorshift64*: cheap and good enough to pick actions. */
static u32 rng_next(struct tort_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (u32)((r->s * 0x2545f4914f6cdd1dULL) >> 32);
}

static bool rng_pct(struct tort_rng *r, unsigned int pct)
{
	return rng_next(r) % 100 < pct;
}

static void rng_seed(struct tort_rng *r)
{
	r->s = ((u64)get_random_u32() << 32) | get_random_u32() | 1;
}

static void tobj_free(struct kref *ref)
{
	kfree(container_of(ref, struct tort_obj, ref));
}

static void tobj_put(struct tort_obj *tobj)
{
	kref_put(&tobj->ref, tobj_free);
}

/*
 * Body checks.  A body starts when a processor runs for the first time or
 * when a MYTHREAD wait returns 0, and ends before the op completes.
 */
static void body_start(struct tort_op *top)
{
	struct tort_obj *tobj = top->tobj;
	int shared, excl;

	if (top->excl) {
		excl = atomic_inc_return(&tobj->running_excl);
		shared = atomic_read(&tobj->running_shared);
		tort_check(excl == 1 && shared == 0,
			   "OBJ%u: exclusive op #%llu started beside %d exclusive and %d shareable ops\n",
			   tobj->id, top->seq, excl - 1, shared);
	} else {
		shared = atomic_inc_return(&tobj->running_shared);
		excl = atomic_read(&tobj->running_excl);
		tort_check(excl == 0,
			   "OBJ%u: shareable op #%llu started beside an exclusive op\n",
			   tobj->id, top->seq);
	}

	spin_lock(&tobj->check_lock);
	tort_check(top->seq > tobj->last_excl_seq || !tobj->last_excl_seq,
		   "OBJ%u: op #%llu started after exclusive op #%llu submitted later\n",
		   tobj->id, top->seq, tobj->last_excl_seq);
	if (top->excl) {
		tort_check(top->seq > tobj->max_started_seq,
			   "OBJ%u: exclusive op #%llu started after op #%llu submitted later\n",
			   tobj->id, top->seq, tobj->max_started_seq);
		tobj->last_excl_seq = top->seq;
	}
	if (top->seq > tobj->max_started_seq)
		tobj->max_started_seq = top->seq;
	spin_unlock(&tobj->check_lock);
}

static void body_end(struct tort_op *top)
{
	struct tort_obj *tobj = top->tobj;

	if (top->excl)
		tort_check(atomic_dec_return(&tobj->running_excl) == 0,
			   "OBJ%u: exclusive count went wrong at the end of op #%llu\n",
			   tobj->id, top->seq);
	else
		tort_check(atomic_dec_return(&tobj->running_shared) >= 0,
			   "OBJ%u: shareable count went negative at the end of op #%llu\n",
			   tobj->id, top->seq);
	atomic64_inc(&n_body[top->kind]);
	if (top->excl)
		atomic64_inc(&n_excl);
}

/* A little work, so that bodies overlap. */
static void body_work(struct tort_op *top, bool may_sleep)
{
	if (may_sleep && (top->seq & 63) == 0)
		usleep_range(20, 50);
	else if (top->excl)
		udelay(2);
	else
		cpu_relax();
}

static void tort_processor(struct fscache_operation *op)
{
	struct tort_op *top = container_of(op, struct tort_op, op);
	int run, enq;

	if (!tort_check(top->magic == TORT_OP_LIVE,
			"OP%08x: processor ran on a freed op (magic %x)\n",
			op->debug_id, top->magic))
		return;

	run = atomic_inc_return(&top->runs);
	enq = atomic_read(&top->enqueues);
	tort_check(run <= 1 + enq,
		   "OP%08x: processor run %d with only %d re-enqueues\n",
		   op->debug_id, run, enq);
	tort_check(READ_ONCE(op->state) == FSCACHE_OP_ST_IN_PROGRESS,
		   "OP%08x: processor ran in state %u\n",
		   op->debug_id, READ_ONCE(op->state));
	if (run == 1)
		body_start(top);

	body_work(top, op->type == FSCACHE_OP_SLOW);

	/* Enqueue again once in a while, switching between FAST and SLOW. */
	if (run == 1 && (top->seq % 100) < requeue_pct) {
		atomic_inc(&top->enqueues);
		atomic_inc(&top->live_runs);
		op->type = op->type == FSCACHE_OP_FAST ? FSCACHE_OP_SLOW :
							 FSCACHE_OP_FAST;
		if (tort_check(fscache_enqueue_operation(op) == 0,
			       "OP%08x: re-enqueue of an op in progress failed\n",
			       op->debug_id))
			atomic64_inc(&n_requeued);
		else
			atomic_dec(&top->live_runs);
	}

	if (atomic_dec_and_test(&top->live_runs))
		body_end(top);
}

static void tort_cancel(struct fscache_operation *op)
{
	struct tort_op *top = container_of(op, struct tort_op, op);
	int n;

	if (!tort_check(top->magic == TORT_OP_LIVE,
			"OP%08x: cancel callback on a freed op (magic %x)\n",
			op->debug_id, top->magic))
		return;
	n = atomic_inc_return(&top->cancels);
	tort_check(n == 1, "OP%08x: cancel callback ran %d times\n",
		   op->debug_id, n);
	tort_check(top->self_cancel || atomic_read(&top->runs) == 0,
		   "OP%08x: cancel callback after the op ran\n", op->debug_id);
	if (!top->self_cancel && test_bit(FSCACHE_OP_ATTACHED, &op->flags))
		atomic64_inc(&n_cancelled);
}

static void tort_release(struct fscache_operation *op)
{
	struct tort_op *top = container_of(op, struct tort_op, op);
	struct tort_obj *tobj = top->tobj;
	int runs, cancels;

	if (!tort_check(top->magic == TORT_OP_LIVE,
			"OP%08x: release of a freed op (magic %x)\n",
			op->debug_id, top->magic))
		return;
	tort_check(atomic_inc_return(&top->releases) == 1,
		   "OP%08x: released twice\n", op->debug_id);

	if (release_delay_us && (top->seq & 15) == 0)
		udelay(release_delay_us);

	runs = atomic_read(&top->runs);
	cancels = atomic_read(&top->cancels);
	if (top->attached) {
		tort_check(runs > 0 || cancels == 1,
			   "OP%08x: released without running or being cancelled\n",
			   op->debug_id);
		tort_check(!top->wait_failed || cancels == 1,
			   "OP%08x: wait failed but no cancel callback ran\n",
			   op->debug_id);
		tort_check(atomic_read(&top->live_runs) == 0 || runs == 0,
			   "OP%08x: released with a processor run outstanding\n",
			   op->debug_id);
		atomic_dec(&tobj->unreleased);
	}

	top->magic = TORT_OP_FREED;
	memset(&top->op, TORT_POISON, sizeof(top->op));
	kmem_cache_free(tort_op_cache, top);
	tobj_put(tobj);

	atomic64_inc(&n_released);
	if (atomic_dec_return(&n_inflight) < max_inflight)
		wake_up_var(&n_inflight);
}

/* Take the slot's current object for a submission. */
static struct tort_obj *slot_get(struct tort_slot *slot)
{
	struct tort_obj *tobj;

	spin_lock(&slot->lock);
	tobj = slot->cur;
	atomic_inc(&tobj->users);
	kref_get(&tobj->ref);
	spin_unlock(&slot->lock);
	return tobj;
}

static void slot_put(struct tort_obj *tobj)
{
	if (atomic_dec_and_test(&tobj->users))
		wake_up_var(&tobj->users);
	tobj_put(tobj);
}

/*
 * Wait for room in the in-flight budget before an object is picked, so
 * that a submitter never waits while it keeps an object from retiring.
 */
static struct tort_op *top_alloc(enum tort_kind kind, bool excl)
{
	struct tort_op *top;

	wait_var_event(&n_inflight,
		       atomic_read(&n_inflight) < max_inflight ||
		       kthread_should_stop());
	top = kmem_cache_zalloc(tort_op_cache, GFP_KERNEL);
	if (!top)
		return NULL;
	atomic_inc(&n_inflight);
	fscache_operation_init(&top->op, (enum fscache_operation_type)kind,
			       kind == TORT_MYTHREAD ? NULL : tort_processor,
			       tort_cancel, tort_release);
	if (excl)
		fscache_operation_set_exclusive(&top->op);
	top->magic = TORT_OP_LIVE;
	top->kind = kind;
	top->excl = excl;
	atomic_set(&top->live_runs, 1);
	atomic64_inc(&n_init);
	return top;
}

/*
 * Submit with a sequence number that matches the manager's order: both
 * are decided under the submission lock of the object.
 */
static int top_submit(struct tort_op *top)
{
	struct tort_obj *tobj = top->tobj;
	int ret;

	spin_lock(&tobj->submit_lock);
	top->seq = ++tobj->next_seq;
	top->attached = true;
	atomic_inc(&tobj->unreleased);
	if (top->excl)
		ret = fscache_submit_exclusive_op(tobj->fobj, &top->op);
	else
		ret = fscache_submit_op(tobj->fobj, &top->op);
	if (ret < 0) {
		top->attached = false;
		atomic_dec(&tobj->unreleased);
	}
	spin_unlock(&tobj->submit_lock);

	if (ret < 0) {
		tort_check(ret == -ENOBUFS,
			   "OBJ%u: submission failed with %d\n", tobj->id, ret);
		tort_check(atomic_read(&top->cancels) == 1,
			   "OP%08x: rejected without its cancel callback\n",
			   top->op.debug_id);
		atomic64_inc(&n_rejected);
	}
	return ret;
}

/* Run a MYTHREAD op after its activation, then finish it one of 3 ways. */
static void mythread_hold(struct tort_op *top, struct tort_rng *rng)
{
	struct fscache_operation *op = &top->op;
	u32 how = rng_next(rng) % 8;

	tort_check(READ_ONCE(op->state) == FSCACHE_OP_ST_IN_PROGRESS,
		   "OP%08x: activated in state %u\n", op->debug_id,
		   READ_ONCE(op->state));
	atomic_inc(&top->runs);
	body_start(top);
	body_work(top, true);
	atomic_dec(&top->live_runs);
	body_end(top);

	if (how == 0) {
		top->self_cancel = true;
		atomic64_inc(&n_self_cancel);
		fscache_op_complete(op, true);
		tort_check(atomic_read(&top->cancels) == 1,
			   "OP%08x: completion as cancelled ran no cancel callback\n",
			   op->debug_id);
	} else if (how < 4) {
		fscache_op_complete(op, false);
	}
	/* Otherwise the caller's put completes it. */
}

static void mythread_wait(struct tort_op *top, struct tort_rng *rng,
			  bool infinite)
{
	long timeout = MAX_SCHEDULE_TIMEOUT;
	int ret;

	/* A zero timeout cancels the op if it has not started yet. */
	if (!infinite && rng_pct(rng, timeout_pct))
		timeout = rng_next(rng) & 1;
	ret = fscache_wait_for_operation_activation(&top->op, timeout);
	if (ret == 0) {
		tort_check(atomic_read(&top->cancels) == 0,
			   "OP%08x: activated after its cancel callback\n",
			   top->op.debug_id);
		mythread_hold(top, rng);
		return;
	}

	tort_check(ret == -ETIMEDOUT || ret == -EINTR || ret == -ENOBUFS ||
		   ret == -ECANCELED,
		   "OP%08x: wait returned %d\n", top->op.debug_id, ret);
	/*
	 * A waiter that times out or is killed while the object dies may
	 * return before the dying path has run the cancel callback, so the
	 * callback is checked at release.
	 */
	top->wait_failed = true;
	if (ret == -ETIMEDOUT)
		atomic64_inc(&n_timeouts);
	else if (ret == -EINTR)
		atomic64_inc(&n_killed);
}

static enum tort_kind pick_kind(struct tort_rng *rng)
{
	u32 total = fast_share + slow_share + mythread_share;
	u32 n = rng_next(rng) % (total ? total : 1);

	if (n < fast_share)
		return TORT_FAST;
	if (n < fast_share + slow_share)
		return TORT_SLOW;
	return TORT_MYTHREAD;
}

/* One operation from allocation to its submitter's put. */
static void tort_one_op(struct tort_rng *rng, enum tort_kind kind,
			bool infinite_wait)
{
	struct tort_slot *slot = &tort_slots[rng_next(rng) % objects];
	bool excl = rng_pct(rng, excl_pct);
	struct tort_obj *tobj;
	struct tort_op *top;

	top = top_alloc(kind, excl);
	if (!top) {
		usleep_range(500, 1000);
		return;
	}
	tobj = slot_get(slot);
	top->tobj = tobj;
	kref_get(&tobj->ref);

	if (top_submit(top) == 0) {
		if (rng_pct(rng, cancel_pct) &&
		    fscache_cancel_op(&top->op, false) == 0)
			tort_check(atomic_read(&top->cancels) == 1,
				   "OP%08x: cancelled without its cancel callback\n",
				   top->op.debug_id);
		else if (kind == TORT_MYTHREAD)
			mythread_wait(top, rng, infinite_wait);
	}
	fscache_put_operation(&top->op);
	slot_put(tobj);
}

static int tort_worker(void *arg)
{
	struct tort_rng rng;

	rng_seed(&rng);
	while (!kthread_should_stop()) {
		tort_one_op(&rng, pick_kind(&rng), false);
		cond_resched();
	}
	return 0;
}

/*
 * The victim waits for MYTHREAD ops without a timeout, so that only
 * SIGKILL from the signal thread ends a wait early.
 */
static int tort_victim_fn(void *arg)
{
	struct tort_rng rng;

	rng_seed(&rng);
	allow_signal(SIGKILL);
	while (!kthread_should_stop()) {
		tort_one_op(&rng, TORT_MYTHREAD, true);
		if (signal_pending(current))
			flush_signals(current);
		cond_resched();
	}
	return 0;
}

static int tort_sigkill_fn(void *arg)
{
	struct task_struct *victim = arg;

	while (!kthread_should_stop()) {
		send_sig(SIGKILL, victim, 1);
		msleep(sigkill_ms);
	}
	return 0;
}

static struct tort_obj *tobj_create(bool available)
{
	struct tort_obj *tobj;

	tobj = kzalloc(sizeof(*tobj), GFP_KERNEL);
	if (!tobj)
		return NULL;
	tobj->fobj = kzalloc(sizeof(*tobj->fobj), GFP_KERNEL);
	if (!tobj->fobj) {
		kfree(tobj);
		return NULL;
	}
	kref_init(&tobj->ref);
	spin_lock_init(&tobj->submit_lock);
	spin_lock_init(&tobj->check_lock);
	tobj->id = atomic_inc_return(&tort_obj_ids);
	if (fscache_object_init(tobj->fobj, tort_cache) < 0) {
		kfree(tobj->fobj);
		kfree(tobj);
		return NULL;
	}
	if (available)
		fscache_object_set_available(tobj->fobj);
	return tobj;
}

static void tobj_kill(struct tort_obj *tobj, bool abort)
{
	if (abort)
		fscache_abort_object(tobj->fobj);
	else
		fscache_object_set_dying(tobj->fobj);
}

/*
 * Retire an object that is dying already: wait until no thread can submit
 * to it and no op is attached, check the counters and free the manager's
 * part.
 */
static void tobj_retire(struct tort_obj *tobj)
{
	struct fscache_object *fobj = tobj->fobj;
	int unreleased;

	wait_var_event(&tobj->users, atomic_read(&tobj->users) == 0);
	if (!tort_check(fscache_drain_object(fobj, 30 * HZ) == 0,
			"OBJ%u: drain timed out with %u ops\n",
			tobj->id, READ_ONCE(fobj->n_ops))) {
		/* Leak it rather than free what the manager still uses. */
		tobj_put(tobj);
		return;
	}

	unreleased = atomic_read(&tobj->unreleased);
	tort_check(unreleased == 0,
		   "OBJ%u: drain returned with %d ops not released yet\n",
		   tobj->id, unreleased);
	tort_check(!fobj->n_ops && !fobj->n_in_progress && !fobj->n_exclusive,
		   "OBJ%u: counters after drain: n_ops %u n_in_progress %u n_exclusive %u\n",
		   tobj->id, fobj->n_ops, fobj->n_in_progress,
		   fobj->n_exclusive);
	tort_check(!atomic_read(&tobj->running_shared) &&
		   !atomic_read(&tobj->running_excl),
		   "OBJ%u: bodies still running after drain\n", tobj->id);
	tort_check(list_empty(&fobj->pending_ops) &&
		   list_empty(&fobj->active_ops),
		   "OBJ%u: op lists not empty after drain\n", tobj->id);
	tort_check(fscache_object_set_dead(fobj) == 0,
		   "OBJ%u: set dead refused\n", tobj->id);

	kfree(fobj);
	tobj->fobj = NULL;
	tobj_put(tobj);
}

/* Replace the object of a random slot now and then. */
static int tort_killer_fn(void *arg)
{
	struct tort_rng rng;

	rng_seed(&rng);
	while (!kthread_should_stop()) {
		struct tort_slot *slot = &tort_slots[rng_next(&rng) % objects];
		bool early = rng_pct(&rng, 50);
		bool abort = rng_pct(&rng, 30);
		struct tort_obj *old, *new;

		msleep(death_ms);

		new = tobj_create(false);
		if (!new)
			continue;

		/*
		 * Half of the deaths start before the replacement is
		 * published, so that submitters see the object dying.
		 */
		spin_lock(&slot->lock);
		old = slot->cur;
		spin_unlock(&slot->lock);
		if (early) {
			tobj_kill(old, abort);
			usleep_range(200, 500);
		}
		spin_lock(&slot->lock);
		slot->cur = new;
		spin_unlock(&slot->lock);
		if (!early)
			tobj_kill(old, abort);

		/* Ops submitted meanwhile wait for the lookup to finish. */
		if (rng_pct(&rng, 50))
			fscache_object_set_creating(new->fobj);
		tobj_retire(old);
		fscache_object_set_available(new->fobj);
		atomic64_inc(&n_deaths);
	}
	return 0;
}

static void tort_print_summary(u64 ns, bool complete)
{
	u64 ms = max_t(u64, div_u64(ns, NSEC_PER_MSEC), 1);
	s64 fast = atomic64_read(&n_body[TORT_FAST]);
	s64 slow = atomic64_read(&n_body[TORT_SLOW]);
	s64 myt = atomic64_read(&n_body[TORT_MYTHREAD]);

	pr_info("ops/s: all %llu fast %llu slow %llu mythread %llu over %llu ms\n",
		div64_u64(atomic64_read(&n_init) * 1000, ms),
		div64_u64(fast * 1000, ms), div64_u64(slow * 1000, ms),
		div64_u64(myt * 1000, ms), ms);
	pr_info("summary ops=%lld fast=%lld slow=%lld mythread=%lld excl=%lld cancelled=%lld rejected=%lld violations=%lld released=%lld timeouts=%lld killed=%lld requeued=%lld self_cancelled=%lld deaths=%lld ms=%llu complete=%d\n",
		atomic64_read(&n_init), fast, slow, myt,
		atomic64_read(&n_excl), atomic64_read(&n_cancelled),
		atomic64_read(&n_rejected), atomic64_read(&n_violations),
		atomic64_read(&n_released), atomic64_read(&n_timeouts),
		atomic64_read(&n_killed), atomic64_read(&n_requeued),
		atomic64_read(&n_self_cancel), atomic64_read(&n_deaths), ms,
		complete);
}

static void tort_stop_threads(void)
{
	unsigned int i;

	if (tort_sigkiller)
		kthread_stop(tort_sigkiller);
	tort_sigkiller = NULL;
	if (tort_killer)
		kthread_stop(tort_killer);
	tort_killer = NULL;

	/* Wake submitters that wait for room in the in-flight budget. */
	for (i = 0; i < tort_nr_workers; i++) {
		if (tort_workers[i]) {
			wake_up_var(&n_inflight);
			kthread_stop(tort_workers[i]);
		}
		tort_workers[i] = NULL;
	}
	if (tort_victim)
		kthread_stop(tort_victim);
	tort_victim = NULL;
}

/* Retire every object, withdraw the cache and check the totals. */
static void tort_teardown(void)
{
	unsigned int i;

	for (i = 0; i < objects; i++) {
		if (tort_slots[i].cur) {
			tobj_kill(tort_slots[i].cur, false);
			tobj_retire(tort_slots[i].cur);
		}
		tort_slots[i].cur = NULL;
	}
	fscache_cache_withdraw(tort_cache);

	if (!wait_var_event_timeout(&n_inflight, !atomic_read(&n_inflight),
				    30 * HZ))
		tort_violation("%d ops never released\n",
			       atomic_read(&n_inflight));
	tort_check(atomic64_read(&n_init) == atomic64_read(&n_released),
		   "%lld ops initialised but %lld released\n",
		   atomic64_read(&n_init), atomic64_read(&n_released));
}

static int tort_controller_fn(void *arg)
{
	u64 start = ktime_get_ns();
	unsigned long end = jiffies + (unsigned long)duration * HZ;
	bool complete;

	while (!kthread_should_stop() && time_before(jiffies, end))
		schedule_timeout_interruptible(min_t(long, HZ / 10,
						     end - jiffies + 1));
	complete = !kthread_should_stop();

	tort_stop_threads();
	tort_teardown();
	tort_print_summary(ktime_get_ns() - start, complete);

	/* A controller that ended on its own waits for module removal. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int __init tort_start_threads(void)
{
	unsigned int i;

	tort_workers = kcalloc(threads, sizeof(*tort_workers), GFP_KERNEL);
	if (!tort_workers)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		tort_workers[i] = kthread_run(tort_worker, NULL,
					      "fscache_tort/%u", i);
		if (IS_ERR(tort_workers[i])) {
			tort_workers[i] = NULL;
			return -ENOMEM;
		}
		tort_nr_workers = i + 1;
	}
	if (death_ms) {
		tort_killer = kthread_run(tort_killer_fn, NULL, "fscache_tort_d");
		if (IS_ERR(tort_killer)) {
			tort_killer = NULL;
			return -ENOMEM;
		}
	}
	if (mythread_share && sigkill_ms) {
		tort_victim = kthread_run(tort_victim_fn, NULL, "fscache_tort_v");
		if (IS_ERR(tort_victim)) {
			tort_victim = NULL;
			return -ENOMEM;
		}
		tort_sigkiller = kthread_run(tort_sigkill_fn, tort_victim,
					     "fscache_tort_k");
		if (IS_ERR(tort_sigkiller)) {
			tort_sigkiller = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

/* Leak the op cache rather than destroy it under ops never released. */
static void tort_op_cache_destroy(void)
{
	if (!atomic_read(&n_inflight))
		kmem_cache_destroy(tort_op_cache);
}

static int __init tort_init(void)
{
	unsigned int i;
	int ret;

	if (!objects || !threads || !duration) {
		pr_err("objects, threads and duration must be positive\n");
		return -EINVAL;
	}
	pr_info("start: objects=%u threads=%u duration=%u fast/slow/mythread=%u/%u/%u excl=%u%% cancel=%u%% timeout=%u%% requeue=%u%% death_ms=%u sigkill_ms=%u release_delay_us=%u\n",
		objects, threads, duration, fast_share, slow_share,
		mythread_share, excl_pct, cancel_pct, timeout_pct,
		requeue_pct, death_ms, sigkill_ms, release_delay_us);

	tort_op_cache = KMEM_CACHE(tort_op, SLAB_NOLEAKTRACE);
	if (!tort_op_cache)
		return -ENOMEM;
	tort_cache = kzalloc(sizeof(*tort_cache), GFP_KERNEL);
	tort_slots = kcalloc(objects, sizeof(*tort_slots), GFP_KERNEL);
	if (!tort_cache || !tort_slots) {
		ret = -ENOMEM;
		goto err_free;
	}
	fscache_cache_init(tort_cache, "torture");
	for (i = 0; i < objects; i++) {
		spin_lock_init(&tort_slots[i].lock);
		tort_slots[i].cur = tobj_create(true);
		if (!tort_slots[i].cur) {
			ret = -ENOMEM;
			goto err_teardown;
		}
	}

	ret = tort_start_threads();
	if (ret < 0)
		goto err_threads;

	tort_controller = kthread_run(tort_controller_fn, NULL, "fscache_tort_c");
	if (IS_ERR(tort_controller)) {
		ret = PTR_ERR(tort_controller);
		tort_controller = NULL;
		goto err_threads;
	}
	return 0;

err_threads:
	tort_stop_threads();
err_teardown:
	tort_teardown();
err_free:
	kfree(tort_workers);
	kfree(tort_slots);
	kfree(tort_cache);
	tort_op_cache_destroy();
	return ret;
}

static void __exit tort_exit(void)
{
	kthread_stop(tort_controller);
	/*
	 * Release callbacks run in workers of the manager; the last one may
	 * still be returning from this module after it counted itself.
	 */
	msleep(20);
	kfree(tort_workers);
	kfree(tort_slots);
	kfree(tort_cache);
	tort_op_cache_destroy();
}

module_init(tort_init);
module_exit(tort_exit);

MODULE_DESCRIPTION("Torture test of the FS-Cache operation manager");
MODULE_AUTHOR("The fscache-ops developers");
MODULE_LICENSE("GPL");
