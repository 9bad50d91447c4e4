// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the operation manager: exclusivity, waiting, cancellation,
 * deferred release and withdrawal.
 *
 * Most cases use MYTHREAD operations, which the test itself holds, so that
 * every step is deterministic; the object's counters are checked after
 * each step.  Cases about processors use FAST and SLOW operations and wait
 * for them with deadlines.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "../internal.h"

#ifdef CONFIG_FSCACHE_OPS_STATS
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
#endif

/* Every wait for an asynchronous event in these tests gives up after this. */
#define TEST_DEADLINE	(5 * HZ)

/* An operation with counters of what the manager did to it. */
struct test_op {
	struct fscache_operation op;
	atomic_t	runs;
	atomic_t	cancels;
	atomic_t	releases;
	unsigned int	sleep_ms;	/* how long the processor sleeps */
	bool		requeue_once;	/* processor re-enqueues on its 1st run */
	bool		switch_type;	/* ... after switching FAST and SLOW */
	atomic_t	running;	/* processor runs in progress now */
	atomic_t	overlaps;	/* runs that found another one running */
	int		*order;		/* where the processor logs its index */
	atomic_t	*order_pos;
	int		index;
};

struct test_ctx {
	struct fscache_cache	cache;
	struct fscache_object	object;
	bool			withdrawn;
};

static struct test_op *to_test_op(struct fscache_operation *op)
{
	return container_of(op, struct test_op, op);
}

static void test_op_processor(struct fscache_operation *op)
{
	struct test_op *top = to_test_op(op);

	if (atomic_inc_return(&top->running) > 1)
		atomic_inc(&top->overlaps);
	if (top->order)
		top->order[atomic_inc_return(top->order_pos) - 1] = top->index;
	if (atomic_inc_return(&top->runs) == 1 && top->requeue_once) {
		if (top->switch_type)
			op->type = op->type == FSCACHE_OP_FAST ? FSCACHE_OP_SLOW :
								 FSCACHE_OP_FAST;
		fscache_enqueue_operation(op);
	}
	/* Sleep after the enqueue, so that a second run could overlap. */
	if (top->sleep_ms)
		msleep(top->sleep_ms);
	atomic_dec(&top->running);
}

static void test_op_cancel(struct fscache_operation *op)
{
	atomic_inc(&to_test_op(op)->cancels);
}

static void test_op_release(struct fscache_operation *op)
{
	atomic_inc(&to_test_op(op)->releases);
}

static struct test_op *test_op_new(struct kunit *test,
				   enum fscache_operation_type type,
				   bool exclusive)
{
	struct test_op *top;

	top = kunit_kzalloc(test, sizeof(*top), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, top);
	fscache_operation_init(&top->op, type,
			       type == FSCACHE_OP_MYTHREAD ? NULL :
			       test_op_processor,
			       test_op_cancel, test_op_release);
	if (exclusive)
		fscache_operation_set_exclusive(&top->op);
	return top;
}

static int test_submit(struct test_ctx *ctx, struct test_op *top)
{
	if (fscache_operation_is_exclusive(&top->op))
		return fscache_submit_exclusive_op(&ctx->object, &top->op);
	return fscache_submit_op(&ctx->object, &top->op);
}

/* Poll until @v reaches @want or the deadline passes. */
static bool wait_for_count(atomic_t *v, int want)
{
	unsigned long deadline = jiffies + TEST_DEADLINE;

	while (atomic_read(v) < want) {
		if (time_after(jiffies, deadline))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

/*
 * Snapshot the counters under the object lock and check them outside it,
 * because a failing expectation may sleep.  @line is the caller's, so that
 * a failure names the step.
 */
static void expect_counts(struct kunit *test, struct fscache_object *obj,
			  unsigned int ops, unsigned int inp, unsigned int exc,
			  int line)
{
	unsigned int n_ops, n_in_progress, n_exclusive;

	spin_lock(&obj->lock);
	n_ops = obj->n_ops;
	n_in_progress = obj->n_in_progress;
	n_exclusive = obj->n_exclusive;
	spin_unlock(&obj->lock);

	KUNIT_EXPECT_EQ_MSG(test, n_ops, ops, "counters checked at line %d",
			    line);
	KUNIT_EXPECT_EQ_MSG(test, n_in_progress, inp,
			    "counters checked at line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, n_exclusive, exc,
			    "counters checked at line %d", line);
}

#define EXPECT_COUNTS(test, obj, ops, inp, exc) \
	expect_counts(test, obj, ops, inp, exc, __LINE__)

#define EXPECT_STATE(test, top, st) \
	KUNIT_EXPECT_EQ(test, (int)READ_ONCE((top)->op.state), (int)(st))

static void test_ctx_setup(struct kunit *test, struct test_ctx *ctx,
			   bool available)
{
	fscache_cache_init(&ctx->cache, "kunit-%s", test->name);
	KUNIT_ASSERT_EQ(test, fscache_object_init(&ctx->object, &ctx->cache), 0);
	if (available)
		fscache_object_set_available(&ctx->object);
}

static void test_ctx_teardown(struct kunit *test, struct test_ctx *ctx)
{
	if (ctx->withdrawn)
		return;
	fscache_object_set_dying(&ctx->object);
	KUNIT_EXPECT_EQ(test, fscache_drain_object(&ctx->object, TEST_DEADLINE),
			0);
	KUNIT_EXPECT_EQ(test, fscache_object_set_dead(&ctx->object), 0);
	fscache_cache_withdraw(&ctx->cache);
	ctx->withdrawn = true;
}

static int operation_test_init(struct kunit *test)
{
	struct test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	test_ctx_setup(test, ctx, true);
	test->priv = ctx;
	return 0;
}

static void operation_test_exit(struct kunit *test)
{
	test_ctx_teardown(test, test->priv);
}

/* An exclusive op on an idle available object starts at once. */
static void submit_exclusive_idle_starts(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_IN_PROGRESS);
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_OP_WAITING, &x->op.flags));
	EXPECT_COUNTS(test, &ctx->object, 1, 1, 1);
	KUNIT_EXPECT_EQ(test,
			fscache_wait_for_operation_activation(&x->op, 0), 0);

	fscache_put_operation(&x->op);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_DEAD);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 0);
}

/*
 * A running op, then an exclusive op and a shareable op behind it:
 * completing the first starts only the exclusive op, completing that starts
 * the shareable one.
 */
static void submit_exclusive_waits_in_order(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *a = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *s = test_op_new(test, FSCACHE_OP_MYTHREAD, false);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, a), 0);
	EXPECT_STATE(test, a, FSCACHE_OP_ST_IN_PROGRESS);
	EXPECT_COUNTS(test, &ctx->object, 1, 1, 0);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_PENDING);
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_OP_WAITING, &x->op.flags));
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, s), 0);
	EXPECT_STATE(test, s, FSCACHE_OP_ST_PENDING);
	EXPECT_COUNTS(test, &ctx->object, 3, 1, 1);

	fscache_put_operation(&a->op);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_IN_PROGRESS);
	EXPECT_STATE(test, s, FSCACHE_OP_ST_PENDING);
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_OP_WAITING, &x->op.flags));
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);
	KUNIT_EXPECT_EQ(test,
			fscache_wait_for_operation_activation(&x->op, 0), 0);

	fscache_put_operation(&x->op);
	EXPECT_STATE(test, s, FSCACHE_OP_ST_IN_PROGRESS);
	EXPECT_COUNTS(test, &ctx->object, 1, 1, 0);

	fscache_put_operation(&s->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->releases), 1);
}

/* Pending asynchronous ops start in submission order. */
static void start_pending_fifo_order(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *hold = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *ops[8];
	atomic_t pos = ATOMIC_INIT(0);
	int order[8] = { };
	int i;

	KUNIT_EXPECT_EQ(test, test_submit(ctx, hold), 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		/* Every other op exclusive, so they must run one by one. */
		ops[i] = test_op_new(test, FSCACHE_OP_SLOW, i % 2 == 0);
		ops[i]->order = order;
		ops[i]->order_pos = &pos;
		ops[i]->index = i;
		KUNIT_EXPECT_EQ(test, test_submit(ctx, ops[i]), 0);
		EXPECT_STATE(test, ops[i], FSCACHE_OP_ST_PENDING);
		fscache_put_operation(&ops[i]->op);
	}
	EXPECT_COUNTS(test, &ctx->object, 9, 1, 5);

	fscache_put_operation(&hold->op);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		KUNIT_EXPECT_TRUE(test, wait_for_count(&ops[i]->releases, 1));
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		KUNIT_EXPECT_EQ(test, order[i], i);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
}

/*
 * A running op, an exclusive op waiting, a shareable op behind it.  The
 * shareable op is cancelled and put; the exclusive op still waits for the
 * first and then starts.
 */
static void cancel_shareable_behind_exclusive(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *a = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *s = test_op_new(test, FSCACHE_OP_MYTHREAD, false);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, a), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, s), 0);
	EXPECT_COUNTS(test, &ctx->object, 3, 1, 1);

	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&s->op, false), 0);
	EXPECT_STATE(test, s, FSCACHE_OP_ST_CANCELLED);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 3, 1, 1);

	fscache_put_operation(&s->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->releases), 1);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_PENDING);

	fscache_put_operation(&a->op);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_IN_PROGRESS);
	EXPECT_COUNTS(test, &ctx->object, 1, 1, 1);

	fscache_put_operation(&x->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->cancels), 0);
}

/* Cancelling a pending exclusive op lets the shareable ops behind it start. */
static void cancel_exclusive_starts_shareable(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *a = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *s1 = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *s2 = test_op_new(test, FSCACHE_OP_MYTHREAD, false);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, a), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, s1), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, s2), 0);
	EXPECT_COUNTS(test, &ctx->object, 4, 1, 1);

	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&x->op, false), 0);
	EXPECT_COUNTS(test, &ctx->object, 4, 3, 0);
	EXPECT_STATE(test, s1, FSCACHE_OP_ST_IN_PROGRESS);
	EXPECT_STATE(test, s2, FSCACHE_OP_ST_IN_PROGRESS);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 1);
	KUNIT_EXPECT_EQ(test, fscache_wait_for_operation_activation(&x->op, 0),
			-ECANCELED);

	/* A second cancel changes nothing. */
	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&x->op, false), -EALREADY);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 4, 3, 0);

	fscache_put_operation(&x->op);
	EXPECT_COUNTS(test, &ctx->object, 3, 3, 0);
	fscache_put_operation(&a->op);
	fscache_put_operation(&s1->op);
	fscache_put_operation(&s2->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
}

/*
 * 50 last puts made under the object lock are parked on the cache's GC
 * list; the GC finishes them in batches and runs each release once.
 */
static void put_under_lock_deferred_to_gc(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct fscache_object *object = &ctx->object;
	struct test_op *ops[50];
	unsigned int n_ops, n_in_progress;
	unsigned long deadline;
	int i, released;
#ifdef CONFIG_FSCACHE_OPS_STATS
	unsigned long dfr = fscache_stat_read(FSCACHE_STAT_OP_DEFER);
	unsigned long gc = fscache_stat_read(FSCACHE_STAT_OP_GC);
	unsigned long runs = fscache_stat_read(FSCACHE_STAT_GC_RUN);
	unsigned long requeues = fscache_stat_read(FSCACHE_STAT_GC_REQUEUE);
#endif

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ops[i] = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
		KUNIT_ASSERT_EQ(test, test_submit(ctx, ops[i]), 0);
		/* Half of them complete first, half are still in progress. */
		if (i % 2)
			fscache_op_complete(&ops[i]->op, false);
	}
	EXPECT_COUNTS(test, object, 50, 25, 0);

	spin_lock(&object->lock);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fscache_put_operation(&ops[i]->op);
	/*
	 * Nothing can be released while the lock is held.  Read it here:
	 * once the lock is dropped the GC may run at any moment.
	 */
	released = 0;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		released += atomic_read(&ops[i]->releases);
	n_ops = object->n_ops;
	n_in_progress = object->n_in_progress;
	spin_unlock(&object->lock);
	KUNIT_EXPECT_EQ(test, released, 0);
	KUNIT_EXPECT_EQ(test, n_ops, 50U);
	KUNIT_EXPECT_EQ(test, n_in_progress, 25U);

	deadline = jiffies + TEST_DEADLINE;
	do {
		flush_work(&ctx->cache.op_gc);
		released = 0;
		for (i = 0; i < ARRAY_SIZE(ops); i++)
			released += atomic_read(&ops[i]->releases);
	} while (released < 50 && time_before(jiffies, deadline));

	KUNIT_EXPECT_EQ(test, released, 50);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&ops[i]->releases), 1);
		EXPECT_STATE(test, ops[i], FSCACHE_OP_ST_DEAD);
	}
	KUNIT_EXPECT_TRUE(test, llist_empty(&ctx->cache.op_gc_list));
	EXPECT_COUNTS(test, object, 0, 0, 0);
#ifdef CONFIG_FSCACHE_OPS_STATS
	KUNIT_EXPECT_EQ(test, fscache_stat_read(FSCACHE_STAT_OP_DEFER) - dfr,
			50UL);
	KUNIT_EXPECT_EQ(test, fscache_stat_read(FSCACHE_STAT_OP_GC) - gc, 50UL);
	/* Batches of FSCACHE_OP_GC_BATCH: at least 4 runs, 3 requeues. */
	KUNIT_EXPECT_GE(test, fscache_stat_read(FSCACHE_STAT_GC_RUN) - runs,
			(unsigned long)DIV_ROUND_UP(50, FSCACHE_OP_GC_BATCH));
	KUNIT_EXPECT_GE(test,
			fscache_stat_read(FSCACHE_STAT_GC_REQUEUE) - requeues,
			(unsigned long)DIV_ROUND_UP(50, FSCACHE_OP_GC_BATCH) - 1);
#endif
}

/* A kthread that waits for a MYTHREAD op, as a submitter would. */
struct test_waiter {
	struct fscache_operation *op;
	long			timeout;
	bool			calling;	/* about to call the wait */
	int			result;
	struct completion	done;
};

static int test_waiter_fn(void *data)
{
	struct test_waiter *w = data;

	allow_signal(SIGKILL);
	/* Pairs with the acquire in test_waiter_start(). */
	smp_store_release(&w->calling, true);
	w->result = fscache_wait_for_operation_activation(w->op, w->timeout);
	complete(&w->done);

	/* Stay around until kthread_stop() so the test can reap us. */
	flush_signals(current);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static struct task_struct *test_waiter_start(struct kunit *test,
					     struct test_waiter *w,
					     struct fscache_operation *op,
					     long timeout)
{
	unsigned long deadline = jiffies + TEST_DEADLINE;
	struct task_struct *task;

	w->op = op;
	w->timeout = timeout;
	w->calling = false;
	w->result = 1;
	init_completion(&w->done);
	task = kthread_run(test_waiter_fn, w, "kunit-fscache-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);

	/*
	 * Return once the thread sleeps in the wait: after it set @calling,
	 * the wait is the only place where it can stop running.
	 */
	while (!(smp_load_acquire(&w->calling) && !task_is_running(task)) &&
	       !completion_done(&w->done) && time_before(jiffies, deadline))
		usleep_range(200, 500);
	return task;
}

static void test_waiter_reap(struct task_struct *task)
{
	kthread_stop(task);
	put_task_struct(task);
}

/*
 * The object dies while a MYTHREAD waiter and an exclusive op are pending:
 * the waiter wakes with -ENOBUFS, the exclusive op is cancelled once, and
 * the object drains so that withdrawal completes.
 */
static void object_death_wakes_waiters(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *a = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *x = test_op_new(test, FSCACHE_OP_FAST, true);
	struct test_op *w = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *late;
	struct test_waiter waiter;
	struct task_struct *task;

	KUNIT_EXPECT_EQ(test, test_submit(ctx, a), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	fscache_put_operation(&x->op);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, w), 0);
	EXPECT_COUNTS(test, &ctx->object, 3, 1, 1);

	task = test_waiter_start(test, &waiter, &w->op, MAX_SCHEDULE_TIMEOUT);
	KUNIT_EXPECT_FALSE(test, completion_done(&waiter.done));

	fscache_abort_object(&ctx->object);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&waiter.done,
							    TEST_DEADLINE));
	KUNIT_EXPECT_EQ(test, waiter.result, -ENOBUFS);
	test_waiter_reap(task);

	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 0);

	/* The op in progress may finish; nothing new gets in. */
	late = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, late), -ENOBUFS);
	fscache_put_operation(&late->op);
	fscache_put_operation(&w->op);
	fscache_put_operation(&a->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->cancels), 0);

	KUNIT_EXPECT_EQ(test, fscache_drain_object(&ctx->object, TEST_DEADLINE),
			0);
	KUNIT_EXPECT_EQ(test, fscache_object_set_dead(&ctx->object), 0);
	fscache_cache_withdraw(&ctx->cache);
	ctx->withdrawn = true;
}

/* A waiter behind a running exclusive op times out: its op never starts. */
static void wait_timeout_cancels(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *w = test_op_new(test, FSCACHE_OP_MYTHREAD, false);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, w), 0);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);

	KUNIT_EXPECT_EQ(test,
			fscache_wait_for_operation_activation(&w->op, HZ / 50),
			-ETIMEDOUT);
	EXPECT_STATE(test, w, FSCACHE_OP_ST_CANCELLED);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);

	fscache_put_operation(&x->op);
	EXPECT_STATE(test, w, FSCACHE_OP_ST_CANCELLED);
	EXPECT_COUNTS(test, &ctx->object, 1, 0, 0);
	fscache_put_operation(&w->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->cancels), 1);
}

/* A waiter behind a running exclusive op is killed: its op never starts. */
static void wait_killed_cancels(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *w = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_waiter waiter;
	struct task_struct *task;

	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, w), 0);

	task = test_waiter_start(test, &waiter, &w->op, MAX_SCHEDULE_TIMEOUT);
	KUNIT_EXPECT_FALSE(test, completion_done(&waiter.done));
	send_sig(SIGKILL, task, 1);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&waiter.done,
							    TEST_DEADLINE));
	KUNIT_EXPECT_EQ(test, waiter.result, -EINTR);
	test_waiter_reap(task);

	EXPECT_STATE(test, w, FSCACHE_OP_ST_CANCELLED);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);

	fscache_put_operation(&x->op);
	EXPECT_STATE(test, w, FSCACHE_OP_ST_CANCELLED);
	EXPECT_COUNTS(test, &ctx->object, 1, 0, 0);
	fscache_put_operation(&w->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
}

struct test_delayed_put {
	struct delayed_work	work;
	struct fscache_operation *op;
};

static void test_delayed_put_fn(struct work_struct *work)
{
	struct test_delayed_put *dp =
		container_of(work, struct test_delayed_put, work.work);

	fscache_put_operation(dp->op);
}

/*
 * The exclusive op completes on another context at about the time the
 * waiter times out: per iteration exactly one of "started" and "cancelled"
 * happens, and a cancelled op never starts afterwards.
 */
static void wait_timeout_races_start(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_delayed_put dp;
	unsigned int started = 0, cancelled = 0;
	int i, ret;

	INIT_DELAYED_WORK_ONSTACK(&dp.work, test_delayed_put_fn);
	for (i = 0; i < 200; i++) {
		struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
		struct test_op *w = test_op_new(test, FSCACHE_OP_MYTHREAD, false);

		KUNIT_ASSERT_EQ(test, test_submit(ctx, x), 0);
		KUNIT_ASSERT_EQ(test, test_submit(ctx, w), 0);
		dp.op = &x->op;
		schedule_delayed_work(&dp.work, i % 3);

		ret = fscache_wait_for_operation_activation(&w->op, 1);
		flush_delayed_work(&dp.work);
		if (ret == 0) {
			started++;
			EXPECT_STATE(test, w, FSCACHE_OP_ST_IN_PROGRESS);
			KUNIT_EXPECT_EQ(test, atomic_read(&w->cancels), 0);
		} else {
			cancelled++;
			KUNIT_EXPECT_EQ(test, ret, -ETIMEDOUT);
			EXPECT_STATE(test, w, FSCACHE_OP_ST_CANCELLED);
			KUNIT_EXPECT_EQ(test, atomic_read(&w->cancels), 1);
		}
		fscache_put_operation(&w->op);
		EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&w->releases), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&x->releases), 1);
	}
	destroy_delayed_work_on_stack(&dp.work);
	KUNIT_EXPECT_EQ(test, started + cancelled, 200U);
	kunit_info(test, "started %u, cancelled %u\n", started, cancelled);
}

/* Put of an op never submitted, and of one rejected at submission. */
static void put_unattached_releases_once(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *never = test_op_new(test, FSCACHE_OP_FAST, false);
	struct test_op *rejected = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
#ifdef CONFIG_FSCACHE_OPS_STATS
	unsigned long ini = fscache_stat_read(FSCACHE_STAT_OP_INIT);
	unsigned long rel = fscache_stat_read(FSCACHE_STAT_OP_RELEASE);
#endif

	fscache_put_operation(&never->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&never->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&never->cancels), 0);
	KUNIT_EXPECT_NULL(test, never->op.object);

	fscache_cache_set_io_error(&ctx->cache);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, rejected), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&rejected->cancels), 1);
	KUNIT_EXPECT_NULL(test, rejected->op.object);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	fscache_put_operation(&rejected->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&rejected->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&rejected->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
#ifdef CONFIG_FSCACHE_OPS_STATS
	/* Both ops were initialised before the first reading, none since. */
	KUNIT_EXPECT_EQ(test, fscache_stat_read(FSCACHE_STAT_OP_INIT) - ini, 0UL);
	KUNIT_EXPECT_EQ(test, fscache_stat_read(FSCACHE_STAT_OP_RELEASE) - rel,
			2UL);
#endif
}

/* The cancel callback runs exactly once on each cancellation path. */
static void cancel_callback_once_per_path(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *ok = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *inp = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *marked = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *pend = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
	struct test_op *all1 = test_op_new(test, FSCACHE_OP_SLOW, false);
	struct test_op *all2 = test_op_new(test, FSCACHE_OP_MYTHREAD, true);

	/* Success: never. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, ok), 0);
	fscache_op_complete(&ok->op, false);
	fscache_put_operation(&ok->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&ok->cancels), 0);

	/* In-progress cancel, allowed and not allowed. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, inp), 0);
	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&inp->op, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, atomic_read(&inp->cancels), 0);
	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&inp->op, true), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&inp->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 1, 0, 0);
	fscache_put_operation(&inp->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&inp->cancels), 1);

	/* Completion marked cancelled. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, marked), 0);
	fscache_op_complete(&marked->op, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&marked->cancels), 1);
	EXPECT_STATE(test, marked, FSCACHE_OP_ST_CANCELLED);
	fscache_put_operation(&marked->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&marked->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);

	/* Pending cancel, and cancel-all. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, pend), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, all1), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, all2), 0);
	fscache_put_operation(&all1->op);
	EXPECT_COUNTS(test, &ctx->object, 4, 1, 2);

	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&pend->op, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&pend->cancels), 1);
	KUNIT_EXPECT_EQ(test, fscache_cancel_all_ops(&ctx->object), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&pend->cancels), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&all1->cancels), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&all1->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&all1->runs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&all2->cancels), 1);
	EXPECT_COUNTS(test, &ctx->object, 3, 1, 1);
	KUNIT_EXPECT_EQ(test, fscache_cancel_all_ops(&ctx->object), 0U);

	fscache_put_operation(&pend->op);
	fscache_put_operation(&all2->op);
	fscache_put_operation(&x->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 0);

	/* Rejected at submission. */
	fscache_object_set_dying(&ctx->object);
	ok = test_op_new(test, FSCACHE_OP_FAST, false);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, ok), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, atomic_read(&ok->cancels), 1);
	fscache_put_operation(&ok->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&ok->cancels), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ok->releases), 1);
}

/* A processor that re-enqueues its op runs again with its own reference. */
static void enqueue_from_processor_runs_again(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *op = test_op_new(test, FSCACHE_OP_FAST, false);

	op->requeue_once = true;
	KUNIT_EXPECT_EQ(test, test_submit(ctx, op), 0);
	fscache_put_operation(&op->op);
	KUNIT_EXPECT_TRUE(test, wait_for_count(&op->releases, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&op->runs), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&op->cancels), 0);
	EXPECT_STATE(test, op, FSCACHE_OP_ST_DEAD);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
}

/*
 * A processor that switches its op between FAST and SLOW and re-enqueues
 * it runs again, but never at the same time as the run that queued it.
 */
static void enqueue_switching_type_serialised(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	enum fscache_operation_type types[] = { FSCACHE_OP_FAST,
						FSCACHE_OP_SLOW };
	int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct test_op *op = test_op_new(test, types[i], false);

		op->requeue_once = true;
		op->switch_type = true;
		op->sleep_ms = types[i] == FSCACHE_OP_SLOW ? 50 : 0;
		KUNIT_EXPECT_EQ(test, test_submit(ctx, op), 0);
		fscache_put_operation(&op->op);
		KUNIT_EXPECT_TRUE(test, wait_for_count(&op->releases, 1));
		KUNIT_EXPECT_EQ(test, atomic_read(&op->runs), 2);
		KUNIT_EXPECT_EQ(test, atomic_read(&op->overlaps), 0);
		KUNIT_EXPECT_NE(test, (int)op->op.type, (int)types[i]);
		EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	}
}

/*
 * A pending op put once too often loses the pending list's reference: it
 * is taken off the list with a warning instead of being started later.
 */
static void put_pending_too_often(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *w = test_op_new(test, FSCACHE_OP_MYTHREAD, true);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, w), 0);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 2);

	fscache_put_operation(&w->op);
	fscache_put_operation(&w->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->releases), 1);
	EXPECT_STATE(test, w, FSCACHE_OP_ST_DEAD);
	EXPECT_COUNTS(test, &ctx->object, 1, 1, 1);

	fscache_put_operation(&x->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->releases), 1);
}

/* Completing an op that fscache_cancel_op() cancelled first is no misuse. */
static void complete_after_cancel_quiet(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *op = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
#ifdef CONFIG_FSCACHE_OPS_STATS
	unsigned long misuse = fscache_stat_read(FSCACHE_STAT_MISUSE);
#endif

	KUNIT_EXPECT_EQ(test, test_submit(ctx, op), 0);
	KUNIT_EXPECT_EQ(test, fscache_cancel_op(&op->op, true), 0);
	fscache_op_complete(&op->op, false);
	fscache_op_complete(&op->op, true);
	KUNIT_EXPECT_EQ(test, atomic_read(&op->cancels), 1);
	KUNIT_EXPECT_EQ(test, (int)op->op.error, -ECANCELED);
	EXPECT_STATE(test, op, FSCACHE_OP_ST_CANCELLED);
	fscache_put_operation(&op->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
#ifdef CONFIG_FSCACHE_OPS_STATS
	KUNIT_EXPECT_EQ(test, fscache_stat_read(FSCACHE_STAT_MISUSE), misuse);
#endif
}

/* Enqueue of a pending, complete or released op is rejected. */
static void enqueue_finished_op_rejected(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *pend = test_op_new(test, FSCACHE_OP_FAST, false);
	struct test_op *done = test_op_new(test, FSCACHE_OP_FAST, false);

	/* Pending. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, pend), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&pend->op.usage), 2U);
	KUNIT_EXPECT_EQ(test, fscache_enqueue_operation(&pend->op), -EINVAL);
	KUNIT_EXPECT_EQ(test, refcount_read(&pend->op.usage), 2U);
	EXPECT_STATE(test, pend, FSCACHE_OP_ST_PENDING);
	fscache_put_operation(&x->op);
	fscache_put_operation(&pend->op);
	KUNIT_EXPECT_TRUE(test, wait_for_count(&pend->releases, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&pend->runs), 1);

	/* Complete, with the submitter's reference still held. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, done), 0);
	KUNIT_EXPECT_TRUE(test, wait_for_count(&done->runs, 1));
	flush_work(&done->op.work);
	EXPECT_STATE(test, done, FSCACHE_OP_ST_COMPLETE);
	KUNIT_EXPECT_EQ(test, refcount_read(&done->op.usage), 1U);
	KUNIT_EXPECT_EQ(test, fscache_enqueue_operation(&done->op), -EINVAL);
	KUNIT_EXPECT_EQ(test, refcount_read(&done->op.usage), 1U);

	/* Released: the refcount stays at zero. */
	fscache_put_operation(&done->op);
	EXPECT_STATE(test, done, FSCACHE_OP_ST_DEAD);
	KUNIT_EXPECT_EQ(test, fscache_enqueue_operation(&done->op), -EINVAL);
	KUNIT_EXPECT_EQ(test, refcount_read(&done->op.usage), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&done->runs), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&done->releases), 1);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
}

/* The EXCLUSIVE flag and the submit function must agree. */
static void submit_flag_mismatch_rejected(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);
	struct test_op *s = test_op_new(test, FSCACHE_OP_MYTHREAD, false);

	KUNIT_EXPECT_EQ(test, fscache_submit_op(&ctx->object, &x->op), -EINVAL);
	KUNIT_EXPECT_EQ(test,
			fscache_submit_exclusive_op(&ctx->object, &s->op),
			-EINVAL);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_INITIALISED);
	EXPECT_STATE(test, s, FSCACHE_OP_ST_INITIALISED);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->cancels), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->cancels), 0);

	/* The rejected ops can still be submitted the right way. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, s), 0);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);

	/* A second submission is rejected and changes nothing. */
	KUNIT_EXPECT_EQ(test, test_submit(ctx, s), -EINVAL);
	EXPECT_COUNTS(test, &ctx->object, 2, 1, 1);
	fscache_put_operation(&x->op);
	fscache_put_operation(&s->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);

	KUNIT_EXPECT_EQ(test, fscache_submit_op(NULL, &s->op), -EINVAL);
	KUNIT_EXPECT_EQ(test, fscache_submit_op(&ctx->object, NULL), -EINVAL);
}

/* Ops submitted during lookup and creation wait and start when available. */
static void ops_wait_for_lookup(struct kunit *test)
{
	struct test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct test_op *s = test_op_new(test, FSCACHE_OP_SLOW, false);
	struct test_op *x = test_op_new(test, FSCACHE_OP_MYTHREAD, true);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test_ctx_setup(test, ctx, false);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, s), 0);
	fscache_put_operation(&s->op);
	fscache_object_set_creating(&ctx->object);
	KUNIT_EXPECT_EQ(test, test_submit(ctx, x), 0);
	EXPECT_STATE(test, s, FSCACHE_OP_ST_PENDING);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_PENDING);
	EXPECT_COUNTS(test, &ctx->object, 2, 0, 1);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->runs), 0);

	fscache_object_set_available(&ctx->object);
	KUNIT_EXPECT_TRUE(test, wait_for_count(&s->releases, 1));
	KUNIT_EXPECT_EQ(test,
			fscache_wait_for_operation_activation(&x->op, TEST_DEADLINE),
			0);
	EXPECT_STATE(test, x, FSCACHE_OP_ST_IN_PROGRESS);
	EXPECT_COUNTS(test, &ctx->object, 1, 1, 1);
	fscache_put_operation(&x->op);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);
	test_ctx_teardown(test, ctx);
}

/*
 * Withdrawal waits for slow ops sleeping 100 ms, fast ops in flight and
 * queued GC work; nothing of the cache runs after it returns.
 */
static void withdraw_waits_for_everything(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_op *slow[4], *fast[4], *gc[4];
	int i, total;

	for (i = 0; i < 4; i++) {
		slow[i] = test_op_new(test, FSCACHE_OP_SLOW, false);
		slow[i]->sleep_ms = 100;
		KUNIT_EXPECT_EQ(test, test_submit(ctx, slow[i]), 0);
		fscache_put_operation(&slow[i]->op);

		fast[i] = test_op_new(test, FSCACHE_OP_FAST, false);
		KUNIT_EXPECT_EQ(test, test_submit(ctx, fast[i]), 0);
		fscache_put_operation(&fast[i]->op);

		gc[i] = test_op_new(test, FSCACHE_OP_MYTHREAD, false);
		KUNIT_EXPECT_EQ(test, test_submit(ctx, gc[i]), 0);
	}
	spin_lock(&ctx->object.lock);
	for (i = 0; i < 4; i++)
		fscache_put_operation(&gc[i]->op);
	spin_unlock(&ctx->object.lock);

	fscache_cache_withdraw(&ctx->cache);

	total = 0;
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&slow[i]->runs), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&slow[i]->releases), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&fast[i]->runs), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&fast[i]->releases), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&gc[i]->releases), 1);
		total += atomic_read(&slow[i]->releases) +
			 atomic_read(&fast[i]->releases) +
			 atomic_read(&gc[i]->releases);
	}
	KUNIT_EXPECT_EQ(test, total, 12);
	KUNIT_EXPECT_TRUE(test, llist_empty(&ctx->cache.op_gc_list));
	KUNIT_EXPECT_FALSE(test, work_pending(&ctx->cache.op_gc));
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);

	/* Nothing moves afterwards. */
	msleep(50);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&slow[i]->runs), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&fast[i]->releases), 1);
	}

	KUNIT_EXPECT_EQ(test, fscache_object_set_dead(&ctx->object), 0);
	ctx->withdrawn = true;
}

/* One cell of the rejection matrix. */
struct reject_case {
	enum fscache_object_state state;
	bool ioerror;
	bool exclusive;
	int expected;
};

/* A dying or dead object reports -ENOBUFS before a cache I/O error. */
static const struct reject_case reject_cases[] = {
	{ FSCACHE_OBJECT_LOOKING_UP, false, false, 0 },
	{ FSCACHE_OBJECT_LOOKING_UP, false, true, 0 },
	{ FSCACHE_OBJECT_LOOKING_UP, true, false, -EIO },
	{ FSCACHE_OBJECT_LOOKING_UP, true, true, -EIO },
	{ FSCACHE_OBJECT_CREATING, false, false, 0 },
	{ FSCACHE_OBJECT_CREATING, false, true, 0 },
	{ FSCACHE_OBJECT_CREATING, true, false, -EIO },
	{ FSCACHE_OBJECT_CREATING, true, true, -EIO },
	{ FSCACHE_OBJECT_AVAILABLE, false, false, 0 },
	{ FSCACHE_OBJECT_AVAILABLE, false, true, 0 },
	{ FSCACHE_OBJECT_AVAILABLE, true, false, -EIO },
	{ FSCACHE_OBJECT_AVAILABLE, true, true, -EIO },
	{ FSCACHE_OBJECT_DYING, false, false, -ENOBUFS },
	{ FSCACHE_OBJECT_DYING, false, true, -ENOBUFS },
	{ FSCACHE_OBJECT_DYING, true, false, -ENOBUFS },
	{ FSCACHE_OBJECT_DYING, true, true, -ENOBUFS },
	{ FSCACHE_OBJECT_DEAD, false, false, -ENOBUFS },
	{ FSCACHE_OBJECT_DEAD, false, true, -ENOBUFS },
	{ FSCACHE_OBJECT_DEAD, true, false, -ENOBUFS },
	{ FSCACHE_OBJECT_DEAD, true, true, -ENOBUFS },
};

static const char * const object_state_names[] = {
	"looking-up", "creating", "available", "dying", "dead",
};

static void reject_case_desc(const struct reject_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %s",
		 object_state_names[c->state],
		 c->ioerror ? "ioerror" : "healthy",
		 c->exclusive ? "exclusive" : "shareable");
}

KUNIT_ARRAY_PARAM(reject, reject_cases, reject_case_desc);

/* Each object state against each cache state and submit function. */
static void submit_rejection_matrix(struct kunit *test)
{
	const struct reject_case *c = test->param_value;
	struct test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct test_op *op = test_op_new(test, FSCACHE_OP_MYTHREAD, c->exclusive);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test_ctx_setup(test, ctx, false);
	if (c->state >= FSCACHE_OBJECT_CREATING)
		fscache_object_set_creating(&ctx->object);
	if (c->state >= FSCACHE_OBJECT_AVAILABLE)
		fscache_object_set_available(&ctx->object);
	if (c->state >= FSCACHE_OBJECT_DYING)
		fscache_object_set_dying(&ctx->object);
	if (c->state >= FSCACHE_OBJECT_DEAD)
		KUNIT_EXPECT_EQ(test, fscache_object_set_dead(&ctx->object), 0);
	KUNIT_EXPECT_EQ(test, (int)ctx->object.state, (int)c->state);
	if (c->ioerror)
		fscache_cache_set_io_error(&ctx->cache);

	KUNIT_EXPECT_EQ(test, test_submit(ctx, op), c->expected);
	KUNIT_EXPECT_EQ(test, atomic_read(&op->cancels), c->expected ? 1 : 0);
	EXPECT_COUNTS(test, &ctx->object, c->expected ? 0 : 1,
		      c->expected == 0 && c->state == FSCACHE_OBJECT_AVAILABLE,
		      c->expected == 0 && c->exclusive);
	if (c->expected == 0 && c->state != FSCACHE_OBJECT_AVAILABLE)
		KUNIT_EXPECT_EQ(test, fscache_cancel_op(&op->op, false), 0);
	fscache_put_operation(&op->op);
	KUNIT_EXPECT_EQ(test, atomic_read(&op->releases), 1);
	EXPECT_COUNTS(test, &ctx->object, 0, 0, 0);

	if (c->state == FSCACHE_OBJECT_DEAD) {
		fscache_cache_withdraw(&ctx->cache);
		return;
	}
	test_ctx_teardown(test, ctx);
}

static struct kunit_case operation_test_cases[] = {
	KUNIT_CASE(submit_exclusive_idle_starts),
	KUNIT_CASE(submit_exclusive_waits_in_order),
	KUNIT_CASE(start_pending_fifo_order),
	KUNIT_CASE(cancel_shareable_behind_exclusive),
	KUNIT_CASE(cancel_exclusive_starts_shareable),
	KUNIT_CASE(put_under_lock_deferred_to_gc),
	KUNIT_CASE(object_death_wakes_waiters),
	KUNIT_CASE(wait_timeout_cancels),
	KUNIT_CASE(wait_killed_cancels),
	KUNIT_CASE_SLOW(wait_timeout_races_start),
	KUNIT_CASE(put_unattached_releases_once),
	KUNIT_CASE(cancel_callback_once_per_path),
	KUNIT_CASE(enqueue_from_processor_runs_again),
	KUNIT_CASE(enqueue_switching_type_serialised),
	KUNIT_CASE(put_pending_too_often),
	KUNIT_CASE(complete_after_cancel_quiet),
	KUNIT_CASE(enqueue_finished_op_rejected),
	KUNIT_CASE(submit_flag_mismatch_rejected),
	KUNIT_CASE(ops_wait_for_lookup),
	KUNIT_CASE(withdraw_waits_for_everything),
	KUNIT_CASE_PARAM(submit_rejection_matrix, reject_gen_params),
	{}
};

static struct kunit_suite operation_test_suite = {
	.name = "fscache_ops_operation",
	.init = operation_test_init,
	.exit = operation_test_exit,
	.test_cases = operation_test_cases,
};

kunit_test_suite(operation_test_suite);

MODULE_DESCRIPTION("KUnit tests of the FS-Cache operation manager");
MODULE_LICENSE("GPL");
