/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sample cache backend for the FS-Cache operation manager: declarations
 * shared by its source files.
 */
#ifndef _FSCACHE_SAMPLE_H
#define _FSCACHE_SAMPLE_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <fscache_ops.h>

/*
 * Bytes that one run of a copy or read-back operation moves.  Chunk
 * buffers come from kmalloc() because release functions must not sleep,
 * which rules out vfree(); 32 KiB is the largest size the page allocator
 * still treats as a cheap request (order 3).
 */
#define SAMPLE_CHUNK_SIZE	(32 * 1024)

/* Regular files the walk accepts before it gives up on a source tree. */
#define SAMPLE_MAX_FILES	200000

/* How long the MYTHREAD check waits for its operation to start. */
#define SAMPLE_CHECK_TIMEOUT	(60 * HZ)

/*
 * VFS calls take a struct mnt_idmap from Linux 6.3 on, a struct
 * user_namespace before; samples/Kbuild looks for mnt_idmap() in the
 * kernel's headers.
 */
#ifdef SAMPLE_HAVE_MNT_IDMAP
#define sample_mnt_idmap(mnt)	mnt_idmap(mnt)
#define sample_file_idmap(file)	file_mnt_idmap(file)
#else
#define sample_mnt_idmap(mnt)	mnt_user_ns(mnt)
#define sample_file_idmap(file)	file_mnt_user_ns(file)
#endif

/* Which operations of a file the backend is waiting for. */
enum sample_stage {
	SAMPLE_STAGE_IDLE,	/* not started */
	SAMPLE_STAGE_COPY,	/* set-up, pre-size, copy, checksums */
	SAMPLE_STAGE_VERIFY,	/* attributes, check, read-back */
	SAMPLE_STAGE_DONE,	/* result counted, files closed */
};

/* How a file ended. */
enum sample_result {
	SAMPLE_RESULT_NONE,
	SAMPLE_RESULT_VERIFIED,	/* every byte read back equal */
	SAMPLE_RESULT_MISMATCH,	/* read back, but some byte or size differed */
	SAMPLE_RESULT_FAILED,	/* an I/O or set-up error on this file */
	SAMPLE_RESULT_REJECTED,	/* the manager rejected one of its operations */
	SAMPLE_RESULT_STOPPED,	/* the module was unloaded first */
};

/**
 * struct sample_file - One regular file of the source tree and its object.
 * @object: The cache object; one per file.
 * @link: Entry in sample.files, sorted by @path.
 * @event: Entry in sample.events when the operations of a stage are gone.
 * @path: Path relative to both source_dir and backing_dir.
 * @index: Position in sample.files, for the fail_file parameter.
 * @src: The source file, open while the file is in flight.
 * @back: The backing file, opened by the set-up operation.
 * @size: Size of the source file when it was opened.
 * @chunk_crcs: CRC32 of each chunk of the source, from the copy stage.
 * @nr_chunks: Entries in @chunk_crcs.
 * @stage_refs: Operations of the current stage not yet released, plus one
 *	that the thread holds while it submits them.
 * @stage: What the thread does when @stage_refs reaches zero.
 * @error: The first error of the file, 0 if none.
 * @rejected: Set when the manager rejected one of its submissions.
 * @io_failed: Set when a write to the backing file failed.
 * @mismatched_chunks: Chunks whose read-back differed from the source.
 * @object_live: Set while @object is on the cache and not yet retired.
 * @result: How the file ended.
 */
struct sample_file {
	struct fscache_object	object;
	struct list_head	link;
	struct llist_node	event;
	char			*path;
	unsigned int		index;
	struct file		*src;
	struct file		*back;
	loff_t			size;
	u32			*chunk_crcs;
	unsigned int		nr_chunks;
	atomic_t		stage_refs;
	enum sample_stage	stage;
	int			error;
	bool			rejected;
	bool			io_failed;
	atomic_t		mismatched_chunks;
	bool			object_live;
	enum sample_result	result;
};

/* Counters for the report; every field only goes up. */
struct sample_stats {
	atomic_t	files_verified;
	atomic_t	files_mismatched;
	atomic_t	files_failed;
	atomic_t	files_rejected;
	atomic_t	files_stopped;
	atomic64_t	bytes_total;
	atomic64_t	bytes_copied;
	atomic64_t	bytes_verified;
	atomic_t	ops_fast;
	atomic_t	ops_slow;
	atomic_t	ops_mythread;
	atomic_t	ops_exclusive;
	atomic_t	ops_deferred;
	atomic_t	ops_enqueued;
	atomic_t	ops_cancelled;
	atomic_t	rejected_eio;
	atomic_t	rejected_nobufs;
	atomic_t	rejected_other;
	atomic_t	backing_existed;
};

enum sample_run_state {
	SAMPLE_RUNNING,
	SAMPLE_COMPLETE,
	SAMPLE_STOPPED,
};

/**
 * struct sample - The backend's state; there is one instance.
 * @cache: The cache over backing_dir.
 * @root: Object for backing_dir itself; set-up operations run on it.
 * @files: Every regular file of the source tree, sorted by path.
 * @nr_files: Entries in @files.
 * @nr_skipped: Entries of the source tree that are neither regular files
 *	nor folders (symbolic links, devices, sockets, FIFOs).
 * @fault_file: The file whose backing write fails, or NULL.
 * @thread: The thread that drives the files through their stages.
 * @events: Files whose current stage has no operation left.
 * @wq: Where @thread waits for @events.
 * @live_ops: Operations allocated and not yet released; module exit waits
 *	for zero before it frees the files.
 * @stopping: Set by module exit; operations stop early.
 * @state: enum sample_run_state.
 * @start: When @thread started.
 * @end: When @thread finished.
 * @stats: Counters for the report.
 */
struct sample {
	struct fscache_cache	cache;
	struct fscache_object	root;
	struct list_head	files;
	unsigned int		nr_files;
	unsigned int		nr_skipped;
	struct sample_file	*fault_file;
	struct task_struct	*thread;
	struct llist_head	events;
	wait_queue_head_t	wq;
	atomic_t		live_ops;
	bool			stopping;
	int			state;
	ktime_t			start;
	ktime_t			end;
	struct sample_stats	stats;
};

extern struct sample sample;
extern char *sample_source_dir;
extern char *sample_backing_dir;
extern unsigned int sample_in_flight;

/* sample_walk.c */
char *sample_source_path(const struct sample_file *file);
char *sample_backing_path(const struct sample_file *file);
int sample_walk_tree(void);
void sample_free_files(void);

/* sample_ops.c */
int sample_thread_fn(void *unused);
u64 sample_elapsed_ms(void);
u64 sample_rate_tenths(u64 bytes, u64 ms);

#endif /* _FSCACHE_SAMPLE_H */
