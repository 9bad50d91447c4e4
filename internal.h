/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FS-Cache operation manager: declarations private to the module.
 */
#ifndef _FSCACHE_OPS_INTERNAL_H
#define _FSCACHE_OPS_INTERNAL_H

#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <fscache_ops.h>
#include <trace/events/fscache_ops.h>

/* Deferred puts that one run of a cache's GC work item finishes at most. */
#define FSCACHE_OP_GC_BATCH	16

/*
 * Event counters.  Each one only ever goes up; /proc/fs/fscache/stats sums
 * the per-CPU copies when it is read.  The FSCACHE_STAT_OP_* group is the
 * one mainline's "Ops" rows show.
 */
enum fscache_stat_item {
	FSCACHE_STAT_OP_PEND,		/* submitted and made to wait */
	FSCACHE_STAT_OP_RUN,		/* started */
	FSCACHE_STAT_OP_ENQUEUE,	/* processor runs queued */
	FSCACHE_STAT_OP_CANCEL,		/* cancelled after attachment */
	FSCACHE_STAT_OP_REJECT,		/* rejected at submission */
	FSCACHE_STAT_OP_INIT,		/* initialised */
	FSCACHE_STAT_OP_DEFER,		/* last put deferred to the GC */
	FSCACHE_STAT_OP_RELEASE,	/* released */
	FSCACHE_STAT_OP_GC,		/* deferred puts finished by the GC */
	FSCACHE_STAT_OP_COMPLETE,	/* completed successfully */
	FSCACHE_STAT_REJ_DEAD,		/* rejected: object dying or dead */
	FSCACHE_STAT_REJ_IOERR,		/* rejected: cache I/O error */
	FSCACHE_STAT_REJ_WITHDRAWN,	/* rejected: cache withdrawn */
	FSCACHE_STAT_MISUSE,		/* API misuse caught and rejected */
	FSCACHE_STAT_WAIT,		/* MYTHREAD submitters that had to wait */
	FSCACHE_STAT_WAIT_WOKEN,	/* ... and were started */
	FSCACHE_STAT_WAIT_CANCELLED,	/* ... and found the op cancelled */
	FSCACHE_STAT_WAIT_INTR,		/* ... and were killed */
	FSCACHE_STAT_WAIT_TIMEOUT,	/* ... and timed out */
	FSCACHE_STAT_GC_RUN,		/* GC work item runs */
	FSCACHE_STAT_GC_REQUEUE,	/* GC runs that left work for the next */
	FSCACHE_STAT_OBJ_INIT,		/* objects initialised */
	FSCACHE_STAT_OBJ_DEAD,		/* objects declared dead */
	FSCACHE_STAT_CACHE_INIT,	/* caches initialised */
	FSCACHE_STAT_CACHE_WITHDRAWN,	/* caches withdrawn */
	FSCACHE_STAT__NR
};

/*
 * Gauges: values that go up and down.  They are kept even when the event
 * counters are compiled out, because module exit waits on the QUEUED one.
 */
enum fscache_gauge_item {
	FSCACHE_GAUGE_RUNNING_MYTHREAD,	/* in progress, by type ... */
	FSCACHE_GAUGE_RUNNING_FAST,
	FSCACHE_GAUGE_RUNNING_SLOW,
	FSCACHE_GAUGE_QUEUED,		/* processor runs queued or running */
	FSCACHE_GAUGE__NR
};

struct fscache_stats {
	unsigned long	events[FSCACHE_STAT__NR];
};

struct fscache_gauges {
	long		values[FSCACHE_GAUGE__NR];
};

#if defined(CONFIG_FSCACHE_OPS_STATS) && defined(FSCACHE_OPS_STATS_SHARED)
/*
 * Benchmark builds only (tests/bench.sh passes -DFSCACHE_OPS_STATS_SHARED):
 * one array of atomics shared by all CPUs, to price the per-CPU copies.
 */
extern atomic_long_t fscache_stats_shared[FSCACHE_STAT__NR];

static inline void fscache_stat(enum fscache_stat_item item)
{
	atomic_long_inc(&fscache_stats_shared[item]);
}
#elif defined(CONFIG_FSCACHE_OPS_STATS)
DECLARE_PER_CPU(struct fscache_stats, fscache_stats);

static inline void fscache_stat(enum fscache_stat_item item)
{
	this_cpu_inc(fscache_stats.events[item]);
}
#else
static inline void fscache_stat(enum fscache_stat_item item)
{
}
#endif

DECLARE_PER_CPU(struct fscache_gauges, fscache_gauges);

static inline void fscache_gauge_inc(enum fscache_gauge_item item)
{
	this_cpu_inc(fscache_gauges.values[item]);
}

static inline void fscache_gauge_dec(enum fscache_gauge_item item)
{
	this_cpu_dec(fscache_gauges.values[item]);
}

/* stats.c */
unsigned long fscache_stat_read(enum fscache_stat_item item);
long fscache_gauge_read(enum fscache_gauge_item item);
#ifdef CONFIG_FSCACHE_OPS_STATS
void fscache_hist_record_wait(const struct fscache_operation *op, u64 now);
void fscache_hist_record_run(const struct fscache_operation *op, u64 now);
#else
static inline void fscache_hist_record_wait(const struct fscache_operation *op,
					    u64 now)
{
}

static inline void fscache_hist_record_run(const struct fscache_operation *op,
					   u64 now)
{
}
#endif

/*
 * Histogram of queue wait (submit to start) and run time (start to
 * completion), in power-of-two microsecond buckets: 0-1 us, 2-3 us,
 * 4-7 us, ..., and a last bucket for 2^24 us (about 16.8 s) and more.
 */
#define FSCACHE_HIST_NR_BUCKETS	25

enum fscache_hist_kind {
	FSCACHE_HIST_WAIT,
	FSCACHE_HIST_RUN,
	FSCACHE_HIST__NR_KINDS
};

/* Columns: the operation's run type, or exclusive whatever its type. */
enum fscache_hist_column {
	FSCACHE_HIST_MYTHREAD,
	FSCACHE_HIST_FAST,
	FSCACHE_HIST_SLOW,
	FSCACHE_HIST_EXCLUSIVE,
	FSCACHE_HIST__NR_COLUMNS
};

unsigned int fscache_hist_bucket(u64 ns);
u64 fscache_hist_bucket_min_us(unsigned int bucket);
#ifdef CONFIG_FSCACHE_OPS_STATS
unsigned long fscache_hist_read(enum fscache_hist_kind kind,
				enum fscache_hist_column column,
				unsigned int bucket);
#endif
int fscache_stats_init(void);
void fscache_stats_exit(void);

/* main.c */
extern struct workqueue_struct *fscache_op_wq;
extern struct workqueue_struct *fscache_gc_wq;

/* cache.c */
extern struct list_head fscache_cache_list;
extern struct mutex fscache_cache_list_lock;

/* A cache becomes busy when one of its objects gets its first op. */
static inline void fscache_cache_note_busy(struct fscache_cache *cache)
{
	atomic_inc(&cache->n_busy_objects);
}

/* Wakes a withdrawal waiting for the last busy object to go idle. */
static inline void fscache_cache_note_idle(struct fscache_cache *cache)
{
	if (atomic_dec_and_test(&cache->n_busy_objects))
		wake_up_var(&cache->n_busy_objects);
}

void fscache_op_gc(struct work_struct *work);

/* operation.c */
void fscache_start_operations(struct fscache_object *object);
bool fscache_object_begin_death(struct fscache_object *object,
				enum fscache_object_trace why);
void fscache_op_wait_for_queued(void);
extern atomic_t fscache_op_debug_id;

/* proc.c */
#ifdef CONFIG_PROC_FS
int fscache_proc_init(void);
void fscache_proc_exit(void);
#else
static inline int fscache_proc_init(void)
{
	return 0;
}

static inline void fscache_proc_exit(void)
{
}
#endif

/*
 * Timestamps for the histogram and the ages in /proc.  local_clock() is
 * much cheaper than ktime_get_ns() and is monotonic on each CPU; readers
 * clamp the rare negative difference between two CPUs to zero.
 */
static inline u64 fscache_now(void)
{
	return local_clock();
}

#endif /* _FSCACHE_OPS_INTERNAL_H */
