// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the FS-Cache operation manager against the kernel
 * primitives it is built on.
 *
 * Loading the module runs every benchmark @rounds times and logs the
 * median and the spread of the rounds, each figure beside a baseline
 * measured the same way in the same boot:
 *
 *   fast      FAST shareable ops (init, submit, processor, release) per
 *             second, against queue_work() of as many plain work items on
 *             the system workqueue;
 *   slow      the same with SLOW ops, against an unbound WQ_MEM_RECLAIM
 *             workqueue with the manager's max_active;
 *   mythread  MYTHREAD submit and put on an idle object per second,
 *             against a loop doing the same number of spin lock/unlock
 *             pairs and reference count operations;
 *   handoff   nanoseconds from the put of the last shareable op to the
 *             start of the exclusive FAST op waiting behind it, against
 *             the queue_work() to start latency of a plain work item;
 *   scale_*   one object and one thread per online CPU, MYTHREAD and FAST
 *             ops per second summed over the CPUs, against the lock-pair
 *             loop on per-CPU locks; the host compares boots with 1 and
 *             2 CPUs;
 *   costs     the time of one call of each primitive that the paths above
 *             use (clock reads, atomics, lock pairs, per-CPU increments,
 *             wake-ups with nobody waiting), to explain the ratios.
 *
 * Each result is one line a script can parse:
 *
 *   fscache_ops_bench: result test=fast unit=ops/s ours=N base=N
 *	ratio=R spread=P%/P% rounds=N cpus=N
 *
 * and a table of all of them follows.  The costs are lines of their own:
 *
 *   fscache_ops_bench: cost what=local_clock ps=N rounds=N
 *
 * in picoseconds per call, the median of the rounds, loop included.  The
 * module stays loaded until it is removed; it keeps nothing running.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <fscache_ops.h>

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Rounds of each benchmark (default 7, at most 31)");

static unsigned int nr_ops = 50000;
module_param(nr_ops, uint, 0444);
MODULE_PARM_DESC(nr_ops, "Operations per round (default 50000)");

static unsigned int handoffs = 200;
module_param(handoffs, uint, 0444);
MODULE_PARM_DESC(handoffs, "Exclusive hand-offs per round (default 200)");

static unsigned int scale_ms = 300;
module_param(scale_ms, uint, 0444);
MODULE_PARM_DESC(scale_ms, "Length of one scaling round in ms (default 300)");

static unsigned int slow_max_active = 16;
module_param(slow_max_active, uint, 0444);
MODULE_PARM_DESC(slow_max_active, "max_active of the baseline slow workqueue; match fscache_ops (default 16)");

static char *tests = "fast,slow,mythread,handoff,scale,costs";
module_param(tests, charp, 0444);
MODULE_PARM_DESC(tests, "Comma-separated benchmarks to run (default all)");

#define BENCH_MAX_ROUNDS	31
#define BENCH_MAX_RESULTS	8
#define BENCH_SCALE_BATCH	256

/* What a round measures: a rate (higher is better) or a latency. */
enum bench_unit {
	BENCH_RATE,
	BENCH_NS,
};

struct bench_result {
	const char	*name;
	enum bench_unit	unit;
	u64		ours[BENCH_MAX_ROUNDS];
	u64		base[BENCH_MAX_ROUNDS];
};

static struct bench_result bench_results[BENCH_MAX_RESULTS];
static unsigned int bench_nr_results;

static struct fscache_cache *bench_cache;
static struct fscache_object *bench_objects;	/* one per possible CPU */
static unsigned int bench_nr_objects;		/* initialised so far */
static struct workqueue_struct *bench_slow_wq;

/* Counts of one batch; the last of the batch completes bench_done. */
static atomic_t bench_left;
static DECLARE_COMPLETION(bench_done);

static void bench_count_one(void)
{
	if (atomic_dec_and_test(&bench_left))
		complete(&bench_done);
}

static u64 rate(u64 n, u64 ns)
{
	return div64_u64(n * NSEC_PER_SEC, max_t(u64, ns, 1));
}

/* ---- fast and slow: a batch of asynchronous ops against work items ---- */

static void bench_noop_processor(struct fscache_operation *op)
{
}

static void bench_count_release(struct fscache_operation *op)
{
	bench_count_one();
}

static void bench_count_work(struct work_struct *work)
{
	bench_count_one();
}

static u64 bench_async_ops(struct fscache_operation *ops,
			   enum fscache_operation_type type)
{
	struct fscache_object *object = &bench_objects[0];
	unsigned int i;
	u64 start;

	reinit_completion(&bench_done);
	atomic_set(&bench_left, nr_ops);
	start = ktime_get_ns();
	for (i = 0; i < nr_ops; i++) {
		struct fscache_operation *op = &ops[i];

		fscache_operation_init(op, type, bench_noop_processor, NULL,
				       bench_count_release);
		if (fscache_submit_op(object, op) < 0)
			pr_warn_once("submission failed\n");
		fscache_put_operation(op);
	}
	wait_for_completion(&bench_done);
	return rate(nr_ops, ktime_get_ns() - start);
}

static u64 bench_async_works(struct work_struct *works,
			     struct workqueue_struct *wq)
{
	unsigned int i;
	u64 start;

	reinit_completion(&bench_done);
	atomic_set(&bench_left, nr_ops);
	start = ktime_get_ns();
	for (i = 0; i < nr_ops; i++) {
		INIT_WORK(&works[i], bench_count_work);
		queue_work(wq, &works[i]);
	}
	wait_for_completion(&bench_done);
	return rate(nr_ops, ktime_get_ns() - start);
}

static void bench_async(struct bench_result *res,
			enum fscache_operation_type type)
{
	struct workqueue_struct *wq =
		type == FSCACHE_OP_FAST ? system_wq : bench_slow_wq;
	struct fscache_operation *ops;
	struct work_struct *works;
	unsigned int r;

	ops = kvcalloc(nr_ops, sizeof(*ops), GFP_KERNEL);
	works = kvcalloc(nr_ops, sizeof(*works), GFP_KERNEL);
	if (!ops || !works) {
		pr_err("%s: no memory for %u ops\n", res->name, nr_ops);
		goto out;
	}

	/* Alternate, so that drift in the machine hits both alike. */
	for (r = 0; r < rounds; r++) {
		res->ours[r] = bench_async_ops(ops, type);
		res->base[r] = bench_async_works(works, wq);
		cond_resched();
	}
out:
	kvfree(works);
	kvfree(ops);
}

/* ---- mythread: submit and put on an idle object ---- */

/*
 * fscache_operation_init() uses INIT_WORK(), so an op on the stack would
 * trip the debugobjects checks of a debug kernel; the ops of the
 * single-threaded benchmarks are static instead.
 */
static struct fscache_operation bench_mythread_op;
static struct fscache_operation bench_shared_op;

static u64 bench_mythread_ops(void)
{
	struct fscache_operation *op = &bench_mythread_op;
	struct fscache_object *object = &bench_objects[0];
	unsigned int i;
	u64 start;

	start = ktime_get_ns();
	for (i = 0; i < nr_ops; i++) {
		fscache_operation_init(op, FSCACHE_OP_MYTHREAD, NULL, NULL,
				       NULL);
		if (fscache_submit_op(object, op) < 0)
			pr_warn_once("submission failed\n");
		fscache_put_operation(op);
	}
	return rate(nr_ops, ktime_get_ns() - start);
}

/*
 * What submit and put do at the least: take and drop the object lock for
 * the submission and again for the last put, set and drop the reference
 * count, and number the op.  noinline keeps the compiler from merging the
 * iterations.
 */
static noinline void bench_lock_pairs_once(spinlock_t *lock, refcount_t *ref,
					   atomic_t *id)
{
	refcount_set(ref, 1);
	atomic_inc_return(id);
	spin_lock(lock);
	spin_unlock(lock);
	if (refcount_dec_and_test(ref)) {
		spin_lock(lock);
		spin_unlock(lock);
	}
}

static u64 bench_lock_pairs(spinlock_t *lock, u64 deadline, u64 *count)
{
	refcount_t ref;
	atomic_t id = ATOMIC_INIT(0);
	unsigned int i;
	u64 start, n = 0;

	start = ktime_get_ns();
	do {
		for (i = 0; i < nr_ops; i++)
			bench_lock_pairs_once(lock, &ref, &id);
		n += nr_ops;
	} while (deadline && ktime_get_ns() < deadline);
	if (count)
		*count = n;
	return rate(n, ktime_get_ns() - start);
}

/* The lock of the single-threaded baseline, static for lockdep. */
static DEFINE_SPINLOCK(bench_baseline_lock);

static void bench_mythread(struct bench_result *res)
{
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		res->ours[r] = bench_mythread_ops();
		res->base[r] = bench_lock_pairs(&bench_baseline_lock, 0, NULL);
		cond_resched();
	}
}

/* ---- handoff: last shareable put to exclusive start ---- */

struct bench_timed {
	union {
		struct fscache_operation op;
		struct work_struct	work;
	};
	u64			started;
	struct completion	done;
};

static void bench_timed_processor(struct fscache_operation *op)
{
	struct bench_timed *t = container_of(op, struct bench_timed, op);

	t->started = ktime_get_ns();
	complete(&t->done);
}

static void bench_timed_work(struct work_struct *work)
{
	struct bench_timed *t = container_of(work, struct bench_timed, work);

	t->started = ktime_get_ns();
	complete(&t->done);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median_u64(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

static struct bench_timed bench_excl;

static u64 bench_handoff_ops(u64 *lat)
{
	struct fscache_operation *shared = &bench_shared_op;
	struct fscache_object *object = &bench_objects[0];
	struct bench_timed *excl = &bench_excl;
	unsigned int i;
	u64 put_at;

	for (i = 0; i < handoffs; i++) {
		fscache_operation_init(shared, FSCACHE_OP_MYTHREAD, NULL, NULL,
				       NULL);
		fscache_submit_op(object, shared);
		fscache_wait_for_operation_activation(shared,
						      MAX_SCHEDULE_TIMEOUT);

		init_completion(&excl->done);
		fscache_operation_init(&excl->op, FSCACHE_OP_FAST,
				       bench_timed_processor, NULL, NULL);
		fscache_operation_set_exclusive(&excl->op);
		fscache_submit_exclusive_op(object, &excl->op);

		put_at = ktime_get_ns();
		fscache_put_operation(shared);
		wait_for_completion(&excl->done);
		lat[i] = excl->started - put_at;

		/* Let the exclusive op finish before its memory is reused. */
		fscache_put_operation(&excl->op);
		fscache_drain_object(object, MAX_SCHEDULE_TIMEOUT);
	}
	return median_u64(lat, handoffs);
}

static u64 bench_handoff_works(u64 *lat)
{
	struct bench_timed t;
	unsigned int i;
	u64 queued_at;

	for (i = 0; i < handoffs; i++) {
		init_completion(&t.done);
		INIT_WORK_ONSTACK(&t.work, bench_timed_work);
		queued_at = ktime_get_ns();
		queue_work(system_wq, &t.work);
		wait_for_completion(&t.done);
		flush_work(&t.work);
		destroy_work_on_stack(&t.work);
		lat[i] = t.started - queued_at;
	}
	return median_u64(lat, handoffs);
}

static void bench_handoff(struct bench_result *res)
{
	unsigned int r;
	u64 *lat;

	lat = kcalloc(handoffs, sizeof(*lat), GFP_KERNEL);
	if (!lat)
		return;
	for (r = 0; r < rounds; r++) {
		res->ours[r] = bench_handoff_ops(lat);
		res->base[r] = bench_handoff_works(lat);
		cond_resched();
	}
	kfree(lat);
}

/* ---- scaling: one object and one thread per CPU ---- */

enum bench_scale_kind {
	BENCH_SCALE_MYTHREAD,
	BENCH_SCALE_FAST,
	BENCH_SCALE_BASE,
};

struct bench_scaler {
	struct fscache_object	*object;
	enum bench_scale_kind	kind;
	u64			deadline;
	u64			count;
	atomic_t		left;
	struct completion	batch_done;
	struct completion	finished;
	spinlock_t		lock;		/* of the baseline loop */
	struct fscache_operation mythread_op;
	struct fscache_operation ops[BENCH_SCALE_BATCH];
};

/* Per-CPU scalers, indexed like bench_objects. */
static struct bench_scaler **bench_scalers;

/*
 * The manager clears op->object before the release callback, so the
 * scaler is found by the op's address in its batch.
 */
static void bench_scale_fast_release(struct fscache_operation *op)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct bench_scaler *s = bench_scalers[cpu];

		if (op < s->ops || op >= s->ops + BENCH_SCALE_BATCH)
			continue;
		if (atomic_dec_and_test(&s->left))
			complete(&s->batch_done);
		return;
	}
	pr_warn_once("released an op of no scaler\n");
}

static int bench_scale_fn(void *arg)
{
	struct bench_scaler *s = arg;
	struct fscache_operation *op = &s->mythread_op;
	unsigned int i;

	switch (s->kind) {
	case BENCH_SCALE_MYTHREAD:
		do {
			for (i = 0; i < BENCH_SCALE_BATCH; i++) {
				fscache_operation_init(op, FSCACHE_OP_MYTHREAD,
						       NULL, NULL, NULL);
				fscache_submit_op(s->object, op);
				fscache_put_operation(op);
			}
			s->count += BENCH_SCALE_BATCH;
		} while (ktime_get_ns() < s->deadline);
		break;
	case BENCH_SCALE_FAST:
		do {
			reinit_completion(&s->batch_done);
			atomic_set(&s->left, BENCH_SCALE_BATCH);
			for (i = 0; i < BENCH_SCALE_BATCH; i++) {
				fscache_operation_init(&s->ops[i],
						       FSCACHE_OP_FAST,
						       bench_noop_processor,
						       NULL,
						       bench_scale_fast_release);
				fscache_submit_op(s->object, &s->ops[i]);
				fscache_put_operation(&s->ops[i]);
			}
			wait_for_completion(&s->batch_done);
			s->count += BENCH_SCALE_BATCH;
		} while (ktime_get_ns() < s->deadline);
		break;
	case BENCH_SCALE_BASE:
		bench_lock_pairs(&s->lock, s->deadline, &s->count);
		break;
	}
	complete(&s->finished);
	return 0;
}

/* Run one thread per online CPU for scale_ms; return the summed rate. */
static u64 bench_scale_round(enum bench_scale_kind kind)
{
	unsigned int cpu, n = 0;
	u64 start, total = 0;

	start = ktime_get_ns();
	for_each_online_cpu(cpu) {
		struct bench_scaler *s = bench_scalers[cpu];
		struct task_struct *t;

		s->kind = kind;
		s->count = 0;
		s->deadline = start + (u64)scale_ms * NSEC_PER_MSEC;
		init_completion(&s->finished);
		t = kthread_create(bench_scale_fn, s, "fscache_bench/%u", cpu);
		if (IS_ERR(t)) {
			complete(&s->finished);
			continue;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		n++;
	}
	for_each_online_cpu(cpu) {
		wait_for_completion(&bench_scalers[cpu]->finished);
		total += bench_scalers[cpu]->count;
	}
	return rate(total, ktime_get_ns() - start);
}

static void bench_scale(struct bench_result *res_myt,
			struct bench_result *res_fast)
{
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		res_myt->ours[r] = bench_scale_round(BENCH_SCALE_MYTHREAD);
		res_fast->ours[r] = bench_scale_round(BENCH_SCALE_FAST);
		res_myt->base[r] = bench_scale_round(BENCH_SCALE_BASE);
		res_fast->base[r] = res_myt->base[r];
	}
}

/* ---- costs: the primitives one at a time ---- */

static DEFINE_SPINLOCK(bench_cost_lock);
static atomic_t bench_cost_atomic;
static DEFINE_PER_CPU(unsigned long, bench_cost_counter);
static unsigned long bench_cost_word;

static noinline void bench_cost_loop(void)
{
	barrier();
}

static noinline void bench_cost_local_clock(void)
{
	u64 t = local_clock();

	OPTIMIZER_HIDE_VAR(t);
}

static noinline void bench_cost_ktime(void)
{
	u64 t = ktime_get_ns();

	OPTIMIZER_HIDE_VAR(t);
}

static noinline void bench_cost_atomic_inc(void)
{
	atomic_inc_return(&bench_cost_atomic);
}

static noinline void bench_cost_bitop(void)
{
	set_bit(0, &bench_cost_word);
}

static noinline void bench_cost_lock_pair(void)
{
	spin_lock(&bench_cost_lock);
	spin_unlock(&bench_cost_lock);
}

static noinline void bench_cost_this_cpu_inc(void)
{
	this_cpu_inc(bench_cost_counter);
}

static noinline void bench_cost_wake_up_var(void)
{
	wake_up_var(&bench_cost_atomic);
}

static noinline void bench_cost_wake_up_bit(void)
{
	wake_up_bit(&bench_cost_word, 1);
}

static const struct {
	const char	*what;
	void		(*fn)(void);
} bench_costs[] = {
	{ "empty_call",		bench_cost_loop },
	{ "local_clock",	bench_cost_local_clock },
	{ "ktime_get_ns",	bench_cost_ktime },
	{ "atomic_inc_return",	bench_cost_atomic_inc },
	{ "set_bit",		bench_cost_bitop },
	{ "spin_lock_pair",	bench_cost_lock_pair },
	{ "this_cpu_inc",	bench_cost_this_cpu_inc },
	{ "wake_up_var_idle",	bench_cost_wake_up_var },
	{ "wake_up_bit_idle",	bench_cost_wake_up_bit },
};

/* Picoseconds per call of @fn, over nr_ops calls. */
static u64 bench_cost_once(void (*fn)(void))
{
	unsigned int i;
	u64 start;

	start = ktime_get_ns();
	for (i = 0; i < nr_ops; i++)
		fn();
	return div64_u64((ktime_get_ns() - start) * 1000, nr_ops);
}

static void bench_cost(void)
{
	u64 ps[BENCH_MAX_ROUNDS];
	unsigned int c, r;

	for (c = 0; c < ARRAY_SIZE(bench_costs); c++) {
		for (r = 0; r < rounds; r++) {
			ps[r] = bench_cost_once(bench_costs[c].fn);
			cond_resched();
		}
		pr_info("cost what=%s ps=%llu rounds=%u\n", bench_costs[c].what,
			median_u64(ps, rounds), rounds);
	}
}

/* ---- reporting ---- */

static struct bench_result *bench_new_result(const char *name,
					     enum bench_unit unit)
{
	struct bench_result *res = &bench_results[bench_nr_results++];

	res->name = name;
	res->unit = unit;
	return res;
}

struct bench_stat {
	u64 median, min, max;
};

static struct bench_stat bench_stat(const u64 *v)
{
	u64 sorted[BENCH_MAX_ROUNDS];
	struct bench_stat st;

	memcpy(sorted, v, rounds * sizeof(*v));
	st.median = median_u64(sorted, rounds);
	st.min = sorted[0];
	st.max = sorted[rounds - 1];
	return st;
}

/* (max - min) / median, in tenths of a percent. */
static u64 spread_permille(const struct bench_stat *st)
{
	return div64_u64((st->max - st->min) * 1000, max_t(u64, st->median, 1));
}

static void bench_report(void)
{
	unsigned int i;

	for (i = 0; i < bench_nr_results; i++) {
		struct bench_result *res = &bench_results[i];
		struct bench_stat o = bench_stat(res->ours);
		struct bench_stat b = bench_stat(res->base);
		u64 ratio = div64_u64(o.median * 1000, max_t(u64, b.median, 1));
		u64 so = spread_permille(&o), sb = spread_permille(&b);

		pr_info("result test=%s unit=%s ours=%llu base=%llu ratio=%llu.%03llu spread=%llu.%llu%%/%llu.%llu%% rounds=%u cpus=%u\n",
			res->name, res->unit == BENCH_RATE ? "ops/s" : "ns",
			o.median, b.median, ratio / 1000, ratio % 1000,
			so / 10, so % 10, sb / 10, sb % 10, rounds,
			num_online_cpus());
	}

	pr_info("table: %-14s %12s %12s %8s %14s\n", "benchmark", "ours",
		"baseline", "ratio", "spread o/b %");
	for (i = 0; i < bench_nr_results; i++) {
		struct bench_result *res = &bench_results[i];
		struct bench_stat o = bench_stat(res->ours);
		struct bench_stat b = bench_stat(res->base);
		u64 ratio = div64_u64(o.median * 1000, max_t(u64, b.median, 1));
		u64 so = spread_permille(&o), sb = spread_permille(&b);

		pr_info("table: %-14s %12llu %12llu %4llu.%03llu %6llu.%llu/%llu.%llu\n",
			res->name, o.median, b.median, ratio / 1000,
			ratio % 1000, so / 10, so % 10, sb / 10, sb % 10);
	}
	pr_info("sizes: struct fscache_operation=%zu struct fscache_object=%zu struct fscache_cache=%zu struct work_struct=%zu\n",
		sizeof(struct fscache_operation), sizeof(struct fscache_object),
		sizeof(struct fscache_cache), sizeof(struct work_struct));
}

static bool bench_wanted(const char *name)
{
	size_t len = strlen(name);
	const char *p = tests;

	while (p && *p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static int __init bench_setup(void)
{
	unsigned int cpu;

	bench_cache = kzalloc(sizeof(*bench_cache), GFP_KERNEL);
	bench_objects = kcalloc(nr_cpu_ids, sizeof(*bench_objects),
				GFP_KERNEL);
	bench_scalers = kcalloc(nr_cpu_ids, sizeof(*bench_scalers),
				GFP_KERNEL);
	if (!bench_cache || !bench_objects || !bench_scalers)
		return -ENOMEM;

	bench_slow_wq = alloc_workqueue("fscache_bench_slow",
					WQ_UNBOUND | WQ_MEM_RECLAIM,
					slow_max_active);
	if (!bench_slow_wq)
		return -ENOMEM;

	fscache_cache_init(bench_cache, "bench");
	for_each_possible_cpu(cpu) {
		struct bench_scaler *s;

		if (fscache_object_init(&bench_objects[cpu], bench_cache) < 0)
			return -ENOBUFS;
		bench_nr_objects = cpu + 1;
		fscache_object_set_available(&bench_objects[cpu]);

		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s)
			return -ENOMEM;
		s->object = &bench_objects[cpu];
		spin_lock_init(&s->lock);
		init_completion(&s->batch_done);
		bench_scalers[cpu] = s;
	}
	return 0;
}

static void bench_cleanup(void)
{
	unsigned int cpu;

	if (bench_nr_objects) {
		fscache_cache_withdraw(bench_cache);
		for (cpu = 0; cpu < bench_nr_objects; cpu++)
			fscache_object_set_dead(&bench_objects[cpu]);
	}
	if (bench_scalers)
		for_each_possible_cpu(cpu)
			kfree(bench_scalers[cpu]);
	if (bench_slow_wq)
		destroy_workqueue(bench_slow_wq);
	kfree(bench_scalers);
	kfree(bench_objects);
	kfree(bench_cache);
}

static int __init bench_init(void)
{
	int ret;

	if (!rounds || rounds > BENCH_MAX_ROUNDS || !nr_ops || !handoffs) {
		pr_err("rounds must be 1 to %d; nr_ops and handoffs positive\n",
		       BENCH_MAX_ROUNDS);
		return -EINVAL;
	}
	ret = bench_setup();
	if (ret < 0) {
		bench_cleanup();
		return ret;
	}

	pr_info("start: rounds=%u nr_ops=%u handoffs=%u scale_ms=%u slow_max_active=%u cpus=%u tests=%s\n",
		rounds, nr_ops, handoffs, scale_ms, slow_max_active,
		num_online_cpus(), tests);
	if (bench_wanted("fast"))
		bench_async(bench_new_result("fast", BENCH_RATE),
			    FSCACHE_OP_FAST);
	if (bench_wanted("slow"))
		bench_async(bench_new_result("slow", BENCH_RATE),
			    FSCACHE_OP_SLOW);
	if (bench_wanted("mythread"))
		bench_mythread(bench_new_result("mythread", BENCH_RATE));
	if (bench_wanted("handoff"))
		bench_handoff(bench_new_result("handoff", BENCH_NS));
	if (bench_wanted("scale"))
		bench_scale(bench_new_result("scale_mythread", BENCH_RATE),
			    bench_new_result("scale_fast", BENCH_RATE));
	bench_report();
	if (bench_wanted("costs"))
		bench_cost();
	pr_info("done\n");
	return 0;
}

static void __exit bench_exit(void)
{
	bench_cleanup();
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_DESCRIPTION("Benchmark of the FS-Cache operation manager");
MODULE_AUTHOR("The fscache-ops developers");
MODULE_LICENSE("GPL");
