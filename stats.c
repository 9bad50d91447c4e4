// SPDX-License-Identifier: GPL-2.0
/*
 * FS-Cache operation manager: per-CPU counters, gauges and the histogram.
 *
 * Every counter lives in per-CPU storage and is bumped with this_cpu_inc(),
 * so counting adds no shared cache line to submit, start or put: each CPU
 * writes only its own copy.  Readers (/proc and the KUnit tests) sum the
 * copies of every possible CPU.  A sum taken while operations run is not a
 * snapshot of one instant, because each copy is read at a slightly
 * different time, but every event is in exactly one copy, so the sums of
 * an idle manager are exact.
 *
 * The event counters and the histogram exist only with
 * CONFIG_FSCACHE_OPS_STATS.  The gauges are always there, because module
 * exit waits on FSCACHE_GAUGE_QUEUED.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <kunit/visibility.h>
#include "internal.h"

DEFINE_PER_CPU(struct fscache_gauges, fscache_gauges);

#ifdef CONFIG_FSCACHE_OPS_STATS
DEFINE_PER_CPU(struct fscache_stats, fscache_stats);
#ifdef FSCACHE_OPS_STATS_SHARED
atomic_long_t fscache_stats_shared[FSCACHE_STAT__NR];
#endif

/* Counts per CPU: [wait or run][column][bucket]. */
struct fscache_hist {
	unsigned long	counts[FSCACHE_HIST__NR_KINDS][FSCACHE_HIST__NR_COLUMNS]
			      [FSCACHE_HIST_NR_BUCKETS];
};

static DEFINE_PER_CPU(struct fscache_hist, fscache_hist);
#endif

/**
 * fscache_stat_read - Sum an event counter over all CPUs
 * @item: The counter.
 *
 * Context: Any context.
 * Return: The number of events counted since the module was loaded, or 0
 * if the counters are compiled out (CONFIG_FSCACHE_OPS_STATS unset).
 */
unsigned long fscache_stat_read(enum fscache_stat_item item)
{
	unsigned long sum = 0;
#ifdef CONFIG_FSCACHE_OPS_STATS
	int cpu;

	if (WARN_ON_ONCE(item >= FSCACHE_STAT__NR))
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu(fscache_stats.events[item], cpu);
#ifdef FSCACHE_OPS_STATS_SHARED
	sum += atomic_long_read(&fscache_stats_shared[item]);
#endif
#endif
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(fscache_stat_read);

/**
 * fscache_gauge_read - Sum a gauge over all CPUs
 * @item: The gauge.
 *
 * A gauge goes up on one CPU and may come down on another, so a single
 * CPU's copy can be negative.  Only the sum means anything.
 *
 * Context: Any context.
 * Return: The current value of the gauge.
 */
long fscache_gauge_read(enum fscache_gauge_item item)
{
	long sum = 0;
	int cpu;

	if (WARN_ON_ONCE(item >= FSCACHE_GAUGE__NR))
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu(fscache_gauges.values[item], cpu);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(fscache_gauge_read);

/**
 * fscache_hist_bucket - Map a duration to its histogram bucket
 * @ns: The duration in nanoseconds.
 *
 * Bucket 0 covers 0 and 1 us.  Bucket b (1 <= b < FSCACHE_HIST_NR_BUCKETS - 1)
 * covers 2^b to 2^(b+1) - 1 us, and the last bucket everything from
 * 2^(FSCACHE_HIST_NR_BUCKETS - 1) us (about 16.8 s) on.  Durations are
 * truncated to whole microseconds first.
 *
 * Context: Any context.
 * Return: The bucket index.
 */
unsigned int fscache_hist_bucket(u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);

	if (us < 2)
		return 0;
	return min_t(unsigned int, ilog2(us), FSCACHE_HIST_NR_BUCKETS - 1);
}
EXPORT_SYMBOL_IF_KUNIT(fscache_hist_bucket);

/**
 * fscache_hist_bucket_min_us - Lower bound of a histogram bucket
 * @bucket: The bucket index.
 *
 * Context: Any context.
 * Return: The smallest duration, in microseconds, that falls in @bucket.
 */
u64 fscache_hist_bucket_min_us(unsigned int bucket)
{
	return bucket == 0 ? 0 : 1ULL << bucket;
}
EXPORT_SYMBOL_IF_KUNIT(fscache_hist_bucket_min_us);

#ifdef CONFIG_FSCACHE_OPS_STATS
static enum fscache_hist_column hist_column(const struct fscache_operation *op)
{
	if (fscache_operation_is_exclusive(op))
		return FSCACHE_HIST_EXCLUSIVE;
	/* The core validates the type at submission; stay in bounds anyway. */
	if (op->run_type >= FSCACHE_OP__NR_TYPES)
		return FSCACHE_HIST_SLOW;
	return (enum fscache_hist_column)op->run_type;
}

static void hist_record(enum fscache_hist_kind kind,
			const struct fscache_operation *op, u64 since, u64 now)
{
	u64 ns = now > since ? now - since : 0;

	this_cpu_inc(fscache_hist.counts[kind][hist_column(op)]
					[fscache_hist_bucket(ns)]);
}

/**
 * fscache_hist_record_wait - Record how long an operation waited to start
 * @op: The operation, just started; its submit_time is set.
 * @now: The start time, in the clock of fscache_now().
 *
 * Context: Any context; called with the object lock held.
 */
void fscache_hist_record_wait(const struct fscache_operation *op, u64 now)
{
	hist_record(FSCACHE_HIST_WAIT, op, op->submit_time, now);
}

/**
 * fscache_hist_record_run - Record how long an operation ran
 * @op: The operation, just completed or cancelled while in progress.
 * @now: The completion time, in the clock of fscache_now().
 *
 * Context: Any context; called with the object lock held.
 */
void fscache_hist_record_run(const struct fscache_operation *op, u64 now)
{
	hist_record(FSCACHE_HIST_RUN, op, op->start_time, now);
}

/**
 * fscache_hist_read - Sum one histogram cell over all CPUs
 * @kind: FSCACHE_HIST_WAIT or FSCACHE_HIST_RUN.
 * @column: Operation type, or FSCACHE_HIST_EXCLUSIVE.
 * @bucket: Bucket index, below FSCACHE_HIST_NR_BUCKETS.
 *
 * Context: Any context.
 * Return: The number of operations recorded in the cell.
 */
unsigned long fscache_hist_read(enum fscache_hist_kind kind,
				enum fscache_hist_column column,
				unsigned int bucket)
{
	unsigned long sum = 0;
	int cpu;

	if (WARN_ON_ONCE(kind >= FSCACHE_HIST__NR_KINDS ||
			 column >= FSCACHE_HIST__NR_COLUMNS ||
			 bucket >= FSCACHE_HIST_NR_BUCKETS))
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu(fscache_hist.counts[kind][column][bucket], cpu);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(fscache_hist_read);
#endif /* CONFIG_FSCACHE_OPS_STATS */

/**
 * fscache_stats_init - Prepare the counters at module load
 *
 * Module per-CPU storage starts zeroed, so there is nothing to allocate;
 * this only checks at build time that the tables agree.
 *
 * Return: 0.
 */
int fscache_stats_init(void)
{
	/* Gauges and histogram columns are indexed by operation type. */
	static_assert(FSCACHE_GAUGE_RUNNING_MYTHREAD + FSCACHE_OP_MYTHREAD ==
		      FSCACHE_GAUGE_RUNNING_MYTHREAD);
	static_assert(FSCACHE_GAUGE_RUNNING_MYTHREAD + FSCACHE_OP_FAST ==
		      FSCACHE_GAUGE_RUNNING_FAST);
	static_assert(FSCACHE_GAUGE_RUNNING_MYTHREAD + FSCACHE_OP_SLOW ==
		      FSCACHE_GAUGE_RUNNING_SLOW);
	static_assert((int)FSCACHE_HIST_MYTHREAD == (int)FSCACHE_OP_MYTHREAD);
	static_assert((int)FSCACHE_HIST_FAST == (int)FSCACHE_OP_FAST);
	static_assert((int)FSCACHE_HIST_SLOW == (int)FSCACHE_OP_SLOW);
	return 0;
}

/**
 * fscache_stats_exit - Check the gauges at module unload
 *
 * Every cache is withdrawn by now, so no operation may still be in
 * progress or have a processor run queued.  A non-zero gauge means an
 * accounting error in the manager; it is logged, not fixed.
 */
void fscache_stats_exit(void)
{
	long running = 0;
	int item;

	for (item = FSCACHE_GAUGE_RUNNING_MYTHREAD;
	     item <= FSCACHE_GAUGE_RUNNING_SLOW; item++)
		running += fscache_gauge_read(item);
	if (running || fscache_gauge_read(FSCACHE_GAUGE_QUEUED))
		pr_warn("unloading with %ld ops in progress and %ld processor runs queued\n",
			running, fscache_gauge_read(FSCACHE_GAUGE_QUEUED));
}
