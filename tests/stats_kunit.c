// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the statistics: each event counter moves exactly as the
 * operation it counts, the gauges follow operations in progress, and the
 * histogram files each operation under its type and duration.
 *
 * Every case takes a snapshot of all counters and does one step with real
 * operations on a real cache and object.  Then it checks the difference
 * of every counter: the ones the step counts must move by the expected
 * amount, and all the others must stay put.  The counters are global, so
 * the cases rely on nothing else submitting operations while they run.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "../internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Every wait for an asynchronous event gives up after this. */
#define STATS_DEADLINE	(5 * HZ)

static const char *const stat_names[] = {
	[FSCACHE_STAT_OP_PEND]		= "pend",
	[FSCACHE_STAT_OP_RUN]		= "run",
	[FSCACHE_STAT_OP_ENQUEUE]	= "enq",
	[FSCACHE_STAT_OP_CANCEL]	= "can",
	[FSCACHE_STAT_OP_REJECT]	= "rej",
	[FSCACHE_STAT_OP_INIT]		= "ini",
	[FSCACHE_STAT_OP_DEFER]		= "dfr",
	[FSCACHE_STAT_OP_RELEASE]	= "rel",
	[FSCACHE_STAT_OP_GC]		= "gc",
	[FSCACHE_STAT_OP_COMPLETE]	= "complete",
	[FSCACHE_STAT_REJ_DEAD]		= "rej dead",
	[FSCACHE_STAT_REJ_IOERR]	= "rej ioerr",
	[FSCACHE_STAT_REJ_WITHDRAWN]	= "rej wdrawn",
	[FSCACHE_STAT_MISUSE]		= "misuse",
	[FSCACHE_STAT_WAIT]		= "wait",
	[FSCACHE_STAT_WAIT_WOKEN]	= "wait woken",
	[FSCACHE_STAT_WAIT_CANCELLED]	= "wait cancelled",
	[FSCACHE_STAT_WAIT_INTR]	= "wait intr",
	[FSCACHE_STAT_WAIT_TIMEOUT]	= "wait tmo",
	[FSCACHE_STAT_GC_RUN]		= "gc runs",
	[FSCACHE_STAT_GC_REQUEUE]	= "gc requeue",
	[FSCACHE_STAT_OBJ_INIT]		= "objects init",
	[FSCACHE_STAT_OBJ_DEAD]		= "objects dead",
	[FSCACHE_STAT_CACHE_INIT]	= "caches init",
	[FSCACHE_STAT_CACHE_WITHDRAWN]	= "caches withdrawn",
};

static_assert(ARRAY_SIZE(stat_names) == FSCACHE_STAT__NR);

struct stats_snapshot {
	unsigned long	v[FSCACHE_STAT__NR];
};

struct stat_delta {
	enum fscache_stat_item	item;
	unsigned long		delta;
};

static void snapshot_take(struct stats_snapshot *s)
{
	int i;

	for (i = 0; i < FSCACHE_STAT__NR; i++)
		s->v[i] = fscache_stat_read(i);
}

static unsigned long expected_delta(enum fscache_stat_item item,
				    const struct stat_delta *expected, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (expected[i].item == item)
			return expected[i].delta;
	return 0;
}

/*
 * Check that from @before to @after each counter listed in @expected moved
 * by its delta and every other one stayed put; then make @after the new
 * @before, so that the next step is checked on its own.
 */
static void check_deltas(struct kunit *test, struct stats_snapshot *before,
			 const struct stats_snapshot *after,
			 const struct stat_delta *expected, size_t n)
{
	int i;

	for (i = 0; i < FSCACHE_STAT__NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, after->v[i] - before->v[i],
				    expected_delta(i, expected, n),
				    "counter %s", stat_names[i]);
	*before = *after;
}

#define DELTAS(...)	((const struct stat_delta[]){ __VA_ARGS__ })
#define N_DELTAS(...)	(sizeof(DELTAS(__VA_ARGS__)) / sizeof(struct stat_delta))

/*
 * EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_RUN, 1 }, ...) checks the
 * counters now against ctx->snap, which then moves on to now.
 */
#define EXPECT_DELTAS(test, ctx, ...)					\
	expect_deltas(test, ctx, DELTAS(__VA_ARGS__), N_DELTAS(__VA_ARGS__))
#define EXPECT_NO_DELTAS(test, ctx)	expect_deltas(test, ctx, NULL, 0)

static void skip_unless_stats(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_FSCACHE_OPS_STATS))
		kunit_skip(test, "counters compiled out (CONFIG_FSCACHE_OPS_STATS unset)");
}

/*
 * Whether a last put made in process context, without the object lock,
 * takes the lock itself rather than deferring to the GC.  See
 * object_trylock_for_put(): on a uniprocessor kernel that cannot tell
 * whether the caller is atomic (no preempt count), every last put defers.
 */
static bool put_is_direct(void)
{
	return IS_ENABLED(CONFIG_SMP) || IS_ENABLED(CONFIG_PREEMPT_COUNT);
}

struct stats_op {
	struct fscache_operation op;
	struct completion	entered;	/* processor started its 1st run */
	struct completion	proceed;	/* the 1st run may return */
	bool			block_first_run;
	atomic_t		runs;
	atomic_t		releases;
};

static struct stats_op *to_stats_op(struct fscache_operation *op)
{
	return container_of(op, struct stats_op, op);
}

static void stats_op_processor(struct fscache_operation *op)
{
	struct stats_op *sop = to_stats_op(op);

	if (atomic_inc_return(&sop->runs) == 1 && sop->block_first_run) {
		complete(&sop->entered);
		wait_for_completion_timeout(&sop->proceed, STATS_DEADLINE);
	}
}

static void stats_op_release(struct fscache_operation *op)
{
	atomic_inc(&to_stats_op(op)->releases);
}

static struct stats_op *stats_op_new(struct kunit *test,
				     enum fscache_operation_type type,
				     bool exclusive)
{
	struct stats_op *sop;

	sop = kunit_kzalloc(test, sizeof(*sop), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sop);
	init_completion(&sop->entered);
	init_completion(&sop->proceed);
	fscache_operation_init(&sop->op, type,
			       type == FSCACHE_OP_MYTHREAD ? NULL :
			       stats_op_processor,
			       NULL, stats_op_release);
	if (exclusive)
		fscache_operation_set_exclusive(&sop->op);
	return sop;
}

/* Snapshots live here rather than on the stack, which KASAN inflates. */
struct stats_ctx {
	struct fscache_cache	cache;
	struct fscache_object	object;
	struct stats_snapshot	snap;	/* counters at the last check */
	struct stats_snapshot	now;
	struct stats_snapshot	start;
	bool			retired;
};

static void expect_deltas(struct kunit *test, struct stats_ctx *ctx,
			  const struct stat_delta *expected, size_t n)
{
	snapshot_take(&ctx->now);
	check_deltas(test, &ctx->snap, &ctx->now, expected, n);
}

/* Each case gets a cache with one object that is still being looked up. */
static int stats_test_init(struct kunit *test)
{
	struct stats_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	fscache_cache_init(&ctx->cache, "kunit-stats");
	if (fscache_object_init(&ctx->object, &ctx->cache)) {
		fscache_cache_withdraw(&ctx->cache);
		return -ENOBUFS;
	}
	test->priv = ctx;
	return 0;
}

static void stats_ctx_retire(struct kunit *test, struct stats_ctx *ctx)
{
	if (ctx->retired)
		return;
	fscache_object_set_dying(&ctx->object);
	KUNIT_EXPECT_EQ(test, fscache_drain_object(&ctx->object,
						   STATS_DEADLINE), 0);
	fscache_cache_withdraw(&ctx->cache);
	KUNIT_EXPECT_EQ(test, fscache_object_set_dead(&ctx->object), 0);
	ctx->retired = true;
}

static void stats_test_exit(struct kunit *test)
{
	stats_ctx_retire(test, test->priv);
}

/* Run the cache's GC until its list is empty and no run is queued. */
static void gc_drain(struct kunit *test, struct fscache_cache *cache)
{
	unsigned long deadline = jiffies + STATS_DEADLINE;

	do {
		flush_work(&cache->op_gc);
	} while ((work_pending(&cache->op_gc) ||
		  !llist_empty(&cache->op_gc_list)) &&
		 time_before(jiffies, deadline));
	KUNIT_EXPECT_TRUE(test, llist_empty(&cache->op_gc_list));
}

/*
 * Drop the test's last reference in process context and check that the
 * op was released, directly or through the GC.  @completes is true if the
 * op was still in progress, so that the put completes it.
 */
static void put_last_ref(struct kunit *test, struct stats_ctx *ctx,
			 struct stats_op *sop, bool completes)
{
	unsigned long complete = completes ? 1 : 0;

	fscache_put_operation(&sop->op);
	if (put_is_direct()) {
		EXPECT_DELTAS(test, ctx,
			      { FSCACHE_STAT_OP_RELEASE, 1 },
			      { FSCACHE_STAT_OP_COMPLETE, complete });
	} else {
		gc_drain(test, &ctx->cache);
		EXPECT_DELTAS(test, ctx,
			      { FSCACHE_STAT_OP_DEFER, 1 },
			      { FSCACHE_STAT_OP_GC, 1 },
			      { FSCACHE_STAT_GC_RUN, 1 },
			      { FSCACHE_STAT_OP_RELEASE, 1 },
			      { FSCACHE_STAT_OP_COMPLETE, complete });
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&sop->releases), 1);
}

/* Wait until a processor run is over, including the work item's tail. */
static void wait_op_complete(struct kunit *test, struct stats_op *sop)
{
	unsigned long deadline = jiffies + STATS_DEADLINE;

	while (READ_ONCE(sop->op.state) != FSCACHE_OP_ST_COMPLETE &&
	       time_before(jiffies, deadline))
		usleep_range(500, 1000);
	flush_work(&sop->op.work);
	KUNIT_EXPECT_EQ(test, (int)READ_ONCE(sop->op.state),
			(int)FSCACHE_OP_ST_COMPLETE);
}

/* Initialising an op counts ini; putting it unsubmitted counts rel. */
static void stats_init_and_release(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop;

	skip_unless_stats(test);
	snapshot_take(&ctx->snap);

	sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_INIT, 1 });

	fscache_put_operation(&sop->op);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_RELEASE, 1 });
	KUNIT_EXPECT_EQ(test, atomic_read(&sop->releases), 1);
}

/* A submission that starts at once counts run and not pend. */
static void stats_submit_starts(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop;

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	snapshot_take(&ctx->snap);

	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_RUN, 1 });

	/* The op started at submission, so the submitter does not wait. */
	KUNIT_EXPECT_EQ(test,
			fscache_wait_for_operation_activation(&sop->op, 0), 0);
	EXPECT_NO_DELTAS(test, ctx);

	fscache_op_complete(&sop->op, false);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_COMPLETE, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* A submission to an object being looked up counts pend, then run. */
static void stats_submit_pends(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, true);

	skip_unless_stats(test);
	snapshot_take(&ctx->snap);

	KUNIT_ASSERT_EQ(test,
			fscache_submit_exclusive_op(&ctx->object, &sop->op), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_PEND, 1 });

	fscache_object_set_creating(&ctx->object);
	EXPECT_NO_DELTAS(test, ctx);

	fscache_object_set_available(&ctx->object);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_RUN, 1 });

	/* The last put of an op in progress completes it. */
	put_last_ref(test, ctx, sop, true);
}

/* Queuing a processor run counts enq, once per run. */
static void stats_enqueue(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_SLOW, false);

	skip_unless_stats(test);
	sop->block_first_run = true;
	fscache_object_set_available(&ctx->object);
	snapshot_take(&ctx->snap);

	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&sop->entered,
							    STATS_DEADLINE));
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_RUN, 1 },
		      { FSCACHE_STAT_OP_ENQUEUE, 1 });

	/* The first run is still in the processor, so this queues another. */
	KUNIT_EXPECT_EQ(test, fscache_enqueue_operation(&sop->op), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_ENQUEUE, 1 });

	complete(&sop->proceed);
	wait_op_complete(test, sop);
	KUNIT_EXPECT_EQ(test, atomic_read(&sop->runs), 2);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_COMPLETE, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* A fast op counts run and enq at submission, complete when it returns. */
static void stats_fast_op_completes(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_FAST, false);

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	snapshot_take(&ctx->snap);

	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	wait_op_complete(test, sop);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_RUN, 1 },
		      { FSCACHE_STAT_OP_ENQUEUE, 1 },
		      { FSCACHE_STAT_OP_COMPLETE, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* Cancelling a pending op counts can and nothing else. */
static void stats_cancel_pending(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);

	skip_unless_stats(test);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	snapshot_take(&ctx->snap);

	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&sop->op, false), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_CANCEL, 1 });

	/* A second cancel finds nothing to do and counts nothing. */
	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&sop->op, false), -EALREADY);
	EXPECT_NO_DELTAS(test, ctx);

	put_last_ref(test, ctx, sop, false);
}

/* Cancelling an op in progress counts can instead of complete. */
static void stats_cancel_in_progress(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	snapshot_take(&ctx->snap);

	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&sop->op, false), -EBUSY);
	EXPECT_NO_DELTAS(test, ctx);

	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&sop->op, true), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_CANCEL, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* A submission to a dying object counts rej and rej dead. */
static void stats_reject_dead(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	fscache_object_set_dying(&ctx->object);
	snapshot_take(&ctx->snap);

	KUNIT_EXPECT_EQ(test, fscache_submit_op(&ctx->object, &sop->op),
			-ENOBUFS);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_REJECT, 1 },
		      { FSCACHE_STAT_REJ_DEAD, 1 });

	/* A rejected op was never attached: its put releases it at once. */
	fscache_put_operation(&sop->op);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_RELEASE, 1 });
}

/* A submission to a cache in the I/O-error state counts rej and ioerr. */
static void stats_reject_ioerr(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	fscache_cache_set_io_error(&ctx->cache);
	snapshot_take(&ctx->snap);

	KUNIT_EXPECT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), -EIO);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_REJECT, 1 },
		      { FSCACHE_STAT_REJ_IOERR, 1 });

	fscache_put_operation(&sop->op);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OP_RELEASE, 1 });
}

/*
 * The last put made under the object lock counts dfr; the GC run that
 * finishes it counts gc, rel and one GC run.
 */
static void stats_put_under_lock_deferred(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	int released;

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	fscache_op_complete(&sop->op, false);
	snapshot_take(&ctx->snap);
	ctx->start = ctx->snap;

	spin_lock(&ctx->object.lock);
	fscache_put_operation(&sop->op);
	snapshot_take(&ctx->now);
	released = atomic_read(&sop->releases);
	spin_unlock(&ctx->object.lock);

	/*
	 * On SMP the GC run may have begun, and counted itself and the op,
	 * before it blocked on the lock; it cannot have released the op.
	 */
	KUNIT_EXPECT_LE(test, ctx->now.v[FSCACHE_STAT_GC_RUN] -
			ctx->snap.v[FSCACHE_STAT_GC_RUN], 1UL);
	KUNIT_EXPECT_LE(test, ctx->now.v[FSCACHE_STAT_OP_GC] -
			ctx->snap.v[FSCACHE_STAT_OP_GC], 1UL);
	ctx->now.v[FSCACHE_STAT_GC_RUN] = ctx->snap.v[FSCACHE_STAT_GC_RUN];
	ctx->now.v[FSCACHE_STAT_OP_GC] = ctx->snap.v[FSCACHE_STAT_OP_GC];
	check_deltas(test, &ctx->snap, &ctx->now,
		     DELTAS({ FSCACHE_STAT_OP_DEFER, 1 }), 1);
	KUNIT_EXPECT_EQ(test, released, 0);

	gc_drain(test, &ctx->cache);
	ctx->snap = ctx->start;
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_DEFER, 1 },
		      { FSCACHE_STAT_OP_GC, 1 },
		      { FSCACHE_STAT_GC_RUN, 1 },
		      { FSCACHE_STAT_OP_RELEASE, 1 });
	KUNIT_EXPECT_EQ(test, atomic_read(&sop->releases), 1);
}

/* More deferred puts than one GC run takes: the GC requeues itself. */
static void stats_gc_requeue(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	const unsigned long n = FSCACHE_OP_GC_BATCH + 1;
	struct stats_op *sops[FSCACHE_OP_GC_BATCH + 1];
	unsigned long runs, requeues;
	unsigned int i;

	skip_unless_stats(test);
	fscache_object_set_available(&ctx->object);
	for (i = 0; i < n; i++) {
		sops[i] = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
		KUNIT_ASSERT_EQ(test,
				fscache_submit_op(&ctx->object, &sops[i]->op), 0);
	}
	snapshot_take(&ctx->snap);

	spin_lock(&ctx->object.lock);
	for (i = 0; i < n; i++)
		fscache_put_operation(&sops[i]->op);
	spin_unlock(&ctx->object.lock);
	gc_drain(test, &ctx->cache);

	snapshot_take(&ctx->now);
	runs = ctx->now.v[FSCACHE_STAT_GC_RUN] - ctx->snap.v[FSCACHE_STAT_GC_RUN];
	requeues = ctx->now.v[FSCACHE_STAT_GC_REQUEUE] -
		   ctx->snap.v[FSCACHE_STAT_GC_REQUEUE];
	if (IS_ENABLED(CONFIG_SMP)) {
		/*
		 * A run may start while the puts are still being made and
		 * take a partial list, so only bounds hold.
		 */
		KUNIT_EXPECT_GE(test, runs, 2UL);
		KUNIT_EXPECT_LE(test, requeues, runs - 1);
	} else {
		/* Nothing runs under the spinlock: one full batch, then one. */
		KUNIT_EXPECT_EQ(test, runs, 2UL);
		KUNIT_EXPECT_EQ(test, requeues, 1UL);
	}
	ctx->now.v[FSCACHE_STAT_GC_RUN] = ctx->snap.v[FSCACHE_STAT_GC_RUN];
	ctx->now.v[FSCACHE_STAT_GC_REQUEUE] = ctx->snap.v[FSCACHE_STAT_GC_REQUEUE];
	check_deltas(test, &ctx->snap, &ctx->now,
		     DELTAS({ FSCACHE_STAT_OP_DEFER, n },
			    { FSCACHE_STAT_OP_GC, n },
			    { FSCACHE_STAT_OP_RELEASE, n },
			    { FSCACHE_STAT_OP_COMPLETE, n }), 4);
}

/* A kernel thread that waits for activation, so the test can act on it. */
struct stats_waiter {
	struct fscache_operation *op;
	long			timeout;
	bool			calling;	/* about to call the wait */
	int			result;
	struct completion	done;
	struct task_struct	*task;
};

static int stats_waiter_fn(void *data)
{
	struct stats_waiter *w = data;

	allow_signal(SIGKILL);
	/* Pairs with the acquire in stats_waiter_start(). */
	smp_store_release(&w->calling, true);
	w->result = fscache_wait_for_operation_activation(w->op, w->timeout);
	complete(&w->done);

	flush_signals(current);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Start a waiter and return once it sleeps in the wait, so that what the
 * test does next happens while the submitter waits.  Once the thread has
 * set @calling, the only place it can leave TASK_RUNNING before its
 * completion is the wait, and the wait has been counted by then.  Before
 * that the thread may not have run yet, and its state says nothing.
 */
static void stats_waiter_start(struct kunit *test, struct stats_waiter *w,
			       struct fscache_operation *op, long timeout)
{
	unsigned long deadline = jiffies + STATS_DEADLINE;

	w->op = op;
	w->timeout = timeout;
	w->calling = false;
	w->result = 1;
	init_completion(&w->done);
	w->task = kthread_run(stats_waiter_fn, w, "kunit-stats-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(w->task));
	get_task_struct(w->task);

	/* Pairs with the release in stats_waiter_fn(). */
	while (!(smp_load_acquire(&w->calling) && !task_is_running(w->task)) &&
	       !completion_done(&w->done) && time_before(jiffies, deadline))
		usleep_range(200, 500);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
}

static int stats_waiter_finish(struct kunit *test, struct stats_waiter *w)
{
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&w->done,
							    STATS_DEADLINE));
	kthread_stop(w->task);
	put_task_struct(w->task);
	return w->result;
}

/* A waiter woken by the start of its op counts wait and woken. */
static void stats_wait_woken(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct stats_waiter w;

	skip_unless_stats(test);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	snapshot_take(&ctx->snap);

	stats_waiter_start(test, &w, &sop->op, MAX_SCHEDULE_TIMEOUT);
	fscache_object_set_available(&ctx->object);
	KUNIT_EXPECT_EQ(test, stats_waiter_finish(test, &w), 0);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_RUN, 1 },
		      { FSCACHE_STAT_WAIT, 1 },
		      { FSCACHE_STAT_WAIT_WOKEN, 1 });

	put_last_ref(test, ctx, sop, true);
}

/* A waiter whose op is cancelled counts wait and cancelled. */
static void stats_wait_cancelled(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct stats_waiter w;

	skip_unless_stats(test);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	snapshot_take(&ctx->snap);

	stats_waiter_start(test, &w, &sop->op, MAX_SCHEDULE_TIMEOUT);
	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&sop->op, false), 0);
	KUNIT_EXPECT_EQ(test, stats_waiter_finish(test, &w), -ECANCELED);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_CANCEL, 1 },
		      { FSCACHE_STAT_WAIT, 1 },
		      { FSCACHE_STAT_WAIT_CANCELLED, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* A waiter that times out counts wait and tmo, and its op is cancelled. */
static void stats_wait_timeout(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);

	skip_unless_stats(test);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	snapshot_take(&ctx->snap);

	KUNIT_EXPECT_EQ(test,
			fscache_wait_for_operation_activation(&sop->op, HZ / 50),
			-ETIMEDOUT);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_CANCEL, 1 },
		      { FSCACHE_STAT_WAIT, 1 },
		      { FSCACHE_STAT_WAIT_TIMEOUT, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* A waiter killed by a fatal signal counts wait and intr. */
static void stats_wait_killed(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct stats_waiter w;

	skip_unless_stats(test);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	snapshot_take(&ctx->snap);

	stats_waiter_start(test, &w, &sop->op, MAX_SCHEDULE_TIMEOUT);
	send_sig(SIGKILL, w.task, 1);
	KUNIT_EXPECT_EQ(test, stats_waiter_finish(test, &w), -EINTR);
	EXPECT_DELTAS(test, ctx,
		      { FSCACHE_STAT_OP_CANCEL, 1 },
		      { FSCACHE_STAT_WAIT, 1 },
		      { FSCACHE_STAT_WAIT_INTR, 1 });

	put_last_ref(test, ctx, sop, false);
}

/* Object and cache lifecycles count init, dead and withdrawn. */
static void stats_object_and_cache_lifecycle(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct fscache_object *late;
	struct fscache_cache *cache;
	struct fscache_object *object;

	skip_unless_stats(test);
	cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	object = kunit_kzalloc(test, sizeof(*object), GFP_KERNEL);
	late = kunit_kzalloc(test, sizeof(*late), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	KUNIT_ASSERT_NOT_NULL(test, object);
	KUNIT_ASSERT_NOT_NULL(test, late);
	snapshot_take(&ctx->snap);

	fscache_cache_init(cache, "kunit-stats-lifecycle");
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_CACHE_INIT, 1 });

	KUNIT_ASSERT_EQ(test, fscache_object_init(object, cache), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OBJ_INIT, 1 });

	fscache_object_set_available(object);
	fscache_object_set_dying(object);
	EXPECT_NO_DELTAS(test, ctx);

	fscache_cache_withdraw(cache);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_CACHE_WITHDRAWN, 1 });

	/* An object refused by a withdrawn cache is not counted. */
	KUNIT_EXPECT_EQ(test, fscache_object_init(late, cache), -ENOBUFS);
	EXPECT_NO_DELTAS(test, ctx);

	KUNIT_EXPECT_EQ(test, fscache_object_set_dead(object), 0);
	EXPECT_DELTAS(test, ctx, { FSCACHE_STAT_OBJ_DEAD, 1 });

	/* Retiring it again is a no-op and counts nothing. */
	KUNIT_EXPECT_EQ(test, fscache_object_set_dead(object), 0);
	EXPECT_NO_DELTAS(test, ctx);
}

/* The gauges follow ops in progress by type and queued processor runs. */
static void stats_gauges_follow_ops(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_op *m = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct stats_op *s = stats_op_new(test, FSCACHE_OP_SLOW, false);
	long mythread, slow, queued;

	mythread = fscache_gauge_read(FSCACHE_GAUGE_RUNNING_MYTHREAD);
	slow = fscache_gauge_read(FSCACHE_GAUGE_RUNNING_SLOW);
	queued = fscache_gauge_read(FSCACHE_GAUGE_QUEUED);
	s->block_first_run = true;
	fscache_object_set_available(&ctx->object);

	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &m->op), 0);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &s->op), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&s->entered,
							    STATS_DEADLINE));
	KUNIT_EXPECT_EQ(test,
			fscache_gauge_read(FSCACHE_GAUGE_RUNNING_MYTHREAD),
			mythread + 1);
	KUNIT_EXPECT_EQ(test, fscache_gauge_read(FSCACHE_GAUGE_RUNNING_SLOW),
			slow + 1);
	KUNIT_EXPECT_EQ(test, fscache_gauge_read(FSCACHE_GAUGE_QUEUED),
			queued + 1);

	fscache_op_complete(&m->op, false);
	KUNIT_EXPECT_EQ(test,
			fscache_gauge_read(FSCACHE_GAUGE_RUNNING_MYTHREAD),
			mythread);

	complete(&s->proceed);
	wait_op_complete(test, s);
	KUNIT_EXPECT_EQ(test, fscache_gauge_read(FSCACHE_GAUGE_RUNNING_SLOW),
			slow);
	KUNIT_EXPECT_EQ(test, fscache_gauge_read(FSCACHE_GAUGE_QUEUED), queued);

	fscache_put_operation(&m->op);
	fscache_put_operation(&s->op);
}

/* Bucket b >= 1 holds [2^b, 2^(b+1)) us; the last one is open-ended. */
static void stats_hist_bucket_bounds(struct kunit *test)
{
	const u64 us = NSEC_PER_USEC;
	unsigned int b;

	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(999), 0U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(2 * us - 1), 0U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(2 * us), 1U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(4 * us - 1), 1U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(4 * us), 2U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(7 * us), 2U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(8 * us), 3U);
	KUNIT_EXPECT_EQ(test, fscache_hist_bucket(U64_MAX),
			(unsigned int)FSCACHE_HIST_NR_BUCKETS - 1);

	for (b = 1; b < FSCACHE_HIST_NR_BUCKETS; b++) {
		u64 low = fscache_hist_bucket_min_us(b) * us;

		KUNIT_EXPECT_EQ_MSG(test, fscache_hist_bucket(low), b,
				    "lower bound of bucket %u", b);
		KUNIT_EXPECT_EQ_MSG(test, fscache_hist_bucket(low - 1), b - 1,
				    "just below bucket %u", b);
	}
	/* The last bucket starts at 2^24 us, about 16.8 s. */
	KUNIT_EXPECT_EQ(test,
			fscache_hist_bucket_min_us(FSCACHE_HIST_NR_BUCKETS - 1),
			1ULL << 24);
}

#ifdef CONFIG_FSCACHE_OPS_STATS
static unsigned long hist_sum(enum fscache_hist_kind kind,
			      enum fscache_hist_column column,
			      unsigned int from_bucket)
{
	unsigned long sum = 0;
	unsigned int b;

	for (b = from_bucket; b < FSCACHE_HIST_NR_BUCKETS; b++)
		sum += fscache_hist_read(kind, column, b);
	return sum;
}

struct hist_totals {
	unsigned long	v[FSCACHE_HIST__NR_KINDS][FSCACHE_HIST__NR_COLUMNS];
};

static void hist_totals_take(struct hist_totals *t)
{
	int kind, col;

	for (kind = 0; kind < FSCACHE_HIST__NR_KINDS; kind++)
		for (col = 0; col < FSCACHE_HIST__NR_COLUMNS; col++)
			t->v[kind][col] = hist_sum(kind, col, 0);
}

/* Check that only column @col of both kinds grew, by one. */
static void expect_hist_column(struct kunit *test,
			       const struct hist_totals *before,
			       enum fscache_hist_column col)
{
	struct hist_totals after;
	int kind, c;

	hist_totals_take(&after);
	for (kind = 0; kind < FSCACHE_HIST__NR_KINDS; kind++)
		for (c = 0; c < FSCACHE_HIST__NR_COLUMNS; c++)
			KUNIT_EXPECT_EQ_MSG(test,
					    after.v[kind][c] - before->v[kind][c],
					    c == col ? 1UL : 0UL,
					    "kind %d column %d", kind, c);
}
#endif

/*
 * Each op is recorded once as a wait and once as a run, in the column of
 * its type, or in the exclusive column if it is exclusive.
 */
static void stats_hist_columns(struct kunit *test)
{
#ifdef CONFIG_FSCACHE_OPS_STATS
	struct stats_ctx *ctx = test->priv;
	struct hist_totals before;
	struct stats_op *sop;

	fscache_object_set_available(&ctx->object);

	hist_totals_take(&before);
	sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	fscache_put_operation(&sop->op);
	gc_drain(test, &ctx->cache);
	expect_hist_column(test, &before, FSCACHE_HIST_MYTHREAD);

	hist_totals_take(&before);
	sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, true);
	KUNIT_ASSERT_EQ(test,
			fscache_submit_exclusive_op(&ctx->object, &sop->op), 0);
	fscache_put_operation(&sop->op);
	gc_drain(test, &ctx->cache);
	expect_hist_column(test, &before, FSCACHE_HIST_EXCLUSIVE);

	hist_totals_take(&before);
	sop = stats_op_new(test, FSCACHE_OP_FAST, false);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	wait_op_complete(test, sop);
	fscache_put_operation(&sop->op);
	gc_drain(test, &ctx->cache);
	expect_hist_column(test, &before, FSCACHE_HIST_FAST);

	hist_totals_take(&before);
	sop = stats_op_new(test, FSCACHE_OP_SLOW, false);
	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	wait_op_complete(test, sop);
	fscache_put_operation(&sop->op);
	gc_drain(test, &ctx->cache);
	expect_hist_column(test, &before, FSCACHE_HIST_SLOW);
#else
	skip_unless_stats(test);
#endif
}

/* An op held for 20 ms lands in a run bucket of 20 ms or more. */
static void stats_hist_run_time(struct kunit *test)
{
#ifdef CONFIG_FSCACHE_OPS_STATS
	struct stats_ctx *ctx = test->priv;
	unsigned int bucket = fscache_hist_bucket(20 * NSEC_PER_MSEC);
	struct stats_op *sop = stats_op_new(test, FSCACHE_OP_MYTHREAD, false);
	unsigned long long_runs, all_runs;

	fscache_object_set_available(&ctx->object);
	long_runs = hist_sum(FSCACHE_HIST_RUN, FSCACHE_HIST_MYTHREAD, bucket);
	all_runs = hist_sum(FSCACHE_HIST_RUN, FSCACHE_HIST_MYTHREAD, 0);

	KUNIT_ASSERT_EQ(test, fscache_submit_op(&ctx->object, &sop->op), 0);
	msleep(20);
	fscache_op_complete(&sop->op, false);

	KUNIT_EXPECT_EQ(test,
			hist_sum(FSCACHE_HIST_RUN, FSCACHE_HIST_MYTHREAD, bucket),
			long_runs + 1);
	KUNIT_EXPECT_EQ(test,
			hist_sum(FSCACHE_HIST_RUN, FSCACHE_HIST_MYTHREAD, 0),
			all_runs + 1);
	fscache_put_operation(&sop->op);
#else
	skip_unless_stats(test);
#endif
}

static struct stats_snapshot suite_start;

static int stats_suite_init(struct kunit_suite *suite)
{
	snapshot_take(&suite_start);
	return 0;
}

/* Once every op of the suite is released, ini and rel moved together. */
static void stats_idle_init_equals_release(struct kunit *test)
{
	struct stats_ctx *ctx = test->priv;
	struct stats_snapshot *now = &ctx->now;

	skip_unless_stats(test);
	snapshot_take(now);
	KUNIT_EXPECT_GT(test, now->v[FSCACHE_STAT_OP_INIT] -
			suite_start.v[FSCACHE_STAT_OP_INIT], 0UL);
	KUNIT_EXPECT_EQ(test,
			now->v[FSCACHE_STAT_OP_INIT] -
			suite_start.v[FSCACHE_STAT_OP_INIT],
			now->v[FSCACHE_STAT_OP_RELEASE] -
			suite_start.v[FSCACHE_STAT_OP_RELEASE]);
	KUNIT_EXPECT_EQ(test, fscache_gauge_read(FSCACHE_GAUGE_QUEUED), 0L);
}

static struct kunit_case stats_test_cases[] = {
	KUNIT_CASE(stats_init_and_release),
	KUNIT_CASE(stats_submit_starts),
	KUNIT_CASE(stats_submit_pends),
	KUNIT_CASE(stats_enqueue),
	KUNIT_CASE(stats_fast_op_completes),
	KUNIT_CASE(stats_cancel_pending),
	KUNIT_CASE(stats_cancel_in_progress),
	KUNIT_CASE(stats_reject_dead),
	KUNIT_CASE(stats_reject_ioerr),
	KUNIT_CASE(stats_put_under_lock_deferred),
	KUNIT_CASE(stats_gc_requeue),
	KUNIT_CASE(stats_wait_woken),
	KUNIT_CASE(stats_wait_cancelled),
	KUNIT_CASE(stats_wait_timeout),
	KUNIT_CASE(stats_wait_killed),
	KUNIT_CASE(stats_object_and_cache_lifecycle),
	KUNIT_CASE(stats_gauges_follow_ops),
	KUNIT_CASE(stats_hist_bucket_bounds),
	KUNIT_CASE(stats_hist_columns),
	KUNIT_CASE(stats_hist_run_time),
	/* Keep last: it checks the cases above released every op. */
	KUNIT_CASE(stats_idle_init_equals_release),
	{}
};

static struct kunit_suite stats_test_suite = {
	.name		= "fscache_ops_stats",
	.suite_init	= stats_suite_init,
	.init		= stats_test_init,
	.exit		= stats_test_exit,
	.test_cases	= stats_test_cases,
};

kunit_test_suite(stats_test_suite);
