// SPDX-License-Identifier: GPL-2.0
/*
 * Sample cache backend: the operations and the thread that drives them.
 *
 * Each file goes through two stages, and every operation of a stage holds a
 * count on the file (sample_file::stage_refs).  When the last operation of
 * a stage is released, the file is posted to the thread, which starts the
 * next stage.  Per file, in submission order:
 *
 *   copy stage, submitted while the object is still being looked up, so
 *   every operation waits (the report counts these as deferred):
 *     1. pre-size   SLOW, exclusive: vfs_truncate() to the source's size
 *     2. copy       SLOW: one chunk per run, re-enqueued until the end;
 *                   each chunk is handed to
 *     3. checksum   FAST: CRC32 of the chunk in memory, kept per chunk
 *     0. set-up     SLOW on the root object, submitted last: looks the
 *                   backing file up, creates it and its folders, and makes
 *                   the file's object available, which starts 1 to 3
 *
 *   verify stage:
 *     4. attributes SLOW, exclusive: notify_change() copies the mode and
 *                   the times of the source
 *     5. check      MYTHREAD, run by the thread once 4 completes: the
 *                   backing file exists and has the right size and mode
 *     6. read-back  SLOW: one chunk per run, compared byte for byte with
 *                   the source and handed to
 *     7. re-check   FAST: CRC32 of the read-back chunk against 3's
 *
 * So on every object exclusive and shareable operations alternate, and the
 * manager has to hold each exclusive one until the shareable ones before it
 * are done, and the shareable ones after it until it is done.
 *
 * A failed write to a backing file puts the cache in the I/O-error state:
 * the manager rejects every later submission with -EIO, and the files that
 * were verified before keep their result.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>
#include "sample.h"

/**
 * struct sample_op - An operation of the sample backend.
 * @op: The manager's part.
 * @file: The file the operation works for.
 * @buf: A chunk of data: owned by a checksum operation, or the source
 *	chunk buffer of a read-back operation.  Freed on release.
 * @len: Bytes in @buf that a checksum operation covers.
 * @pos: Next file position of a copy or read-back operation; the chunk a
 *	checksum operation covers starts here.
 */
struct sample_op {
	struct fscache_operation op;
	struct sample_file	*file;
	void			*buf;
	size_t			len;
	loff_t			pos;
};

static inline struct sample_op *to_sample_op(struct fscache_operation *op)
{
	return container_of(op, struct sample_op, op);
}

/* Keep the first error of a file. */
static void sample_file_set_error(struct sample_file *file, int error)
{
	cmpxchg(&file->error, 0, error);
}

/* Drop a count on the stage; the last one hands the file to the thread. */
static void sample_file_put_stage(struct sample_file *file)
{
	if (atomic_dec_and_test(&file->stage_refs)) {
		llist_add(&file->event, &sample.events);
		wake_up(&sample.wq);
	}
}

/*
 * Called for rejection at submission as well as for cancellation; only the
 * latter finds the operation attached.  May run in atomic context.
 */
static void sample_op_cancel(struct fscache_operation *op)
{
	struct sample_op *sop = to_sample_op(op);

	if (test_bit(FSCACHE_OP_ATTACHED, &op->flags))
		atomic_inc(&sample.stats.ops_cancelled);
	sample_file_set_error(sop->file, op->error ? op->error : -ECANCELED);
}

/*
 * The manager calls this after the last put, with the object lock held if
 * the operation was attached, so nothing here may sleep or call the
 * manager about that object.
 */
static void sample_op_release(struct fscache_operation *op)
{
	struct sample_op *sop = to_sample_op(op);

	sample_file_put_stage(sop->file);
	kfree(sop->buf);
	kfree(sop);

	/* Last: module exit frees the files once this reaches zero. */
	if (atomic_dec_and_test(&sample.live_ops))
		wake_up_var(&sample.live_ops);
}

static struct sample_op *sample_op_alloc(struct sample_file *file,
					 enum fscache_operation_type type,
					 fscache_operation_processor_t processor,
					 bool exclusive)
{
	struct sample_op *sop;

	sop = kzalloc(sizeof(*sop), GFP_KERNEL);
	if (!sop) {
		sample_file_set_error(file, -ENOMEM);
		return NULL;
	}
	sop->file = file;
	atomic_inc(&file->stage_refs);
	atomic_inc(&sample.live_ops);

	fscache_operation_init(&sop->op, type, processor, sample_op_cancel,
			       sample_op_release);
	if (exclusive)
		fscache_operation_set_exclusive(&sop->op);
	return sop;
}

static void sample_count_submission(struct fscache_operation *op)
{
	if (fscache_operation_is_exclusive(op))
		atomic_inc(&sample.stats.ops_exclusive);
	else if (op->type == FSCACHE_OP_FAST)
		atomic_inc(&sample.stats.ops_fast);
	else if (op->type == FSCACHE_OP_SLOW)
		atomic_inc(&sample.stats.ops_slow);
	else
		atomic_inc(&sample.stats.ops_mythread);

	/*
	 * The submitter's reference keeps the operation alive, and an
	 * operation that started at once never goes back to pending, so a
	 * pending state seen here means it waited.  One that waited and
	 * started already is missed: the count is a lower bound.
	 */
	if (READ_ONCE(op->state) == FSCACHE_OP_ST_PENDING)
		atomic_inc(&sample.stats.ops_deferred);
}

static void sample_count_rejection(struct sample_file *file, int ret)
{
	switch (ret) {
	case -EIO:
		atomic_inc(&sample.stats.rejected_eio);
		break;
	case -ENOBUFS:
		atomic_inc(&sample.stats.rejected_nobufs);
		break;
	default:
		atomic_inc(&sample.stats.rejected_other);
		break;
	}
	file->rejected = true;
	sample_file_set_error(file, ret);
}

/*
 * Submit @sop against @object and drop the submitter's reference, unless
 * @keep_ref.  On failure the operation is rejected and, without @keep_ref,
 * released here.
 */
static int sample_submit(struct fscache_object *object, struct sample_op *sop,
			 bool keep_ref)
{
	struct fscache_operation *op = &sop->op;
	struct sample_file *file = sop->file;
	int ret;

	if (fscache_operation_is_exclusive(op))
		ret = fscache_submit_exclusive_op(object, op);
	else
		ret = fscache_submit_op(object, op);

	if (ret < 0)
		sample_count_rejection(file, ret);
	else
		sample_count_submission(op);

	if (!keep_ref)
		fscache_put_operation(op);
	return ret;
}

/* Allocate and submit an asynchronous operation for @file. */
static int sample_submit_async(struct sample_file *file,
			       struct fscache_object *object,
			       enum fscache_operation_type type,
			       fscache_operation_processor_t processor,
			       bool exclusive)
{
	struct sample_op *sop;

	sop = sample_op_alloc(file, type, processor, exclusive);
	if (!sop)
		return -ENOMEM;
	return sample_submit(object, sop, false);
}

/*
 * A write to the backing store failed: the cache stops taking operations
 * and the file's object is killed, which cancels what is pending on it.
 */
static void sample_backing_write_failed(struct sample_file *file, int error)
{
	pr_err("%s: write to the backing file failed (%d); the cache now rejects new operations\n",
	       file->path, error);
	file->io_failed = true;
	sample_file_set_error(file, error);
	fscache_cache_set_io_error(&sample.cache);
	fscache_abort_object(&file->object);
}

/* Kill the object of a file after an error other than a backing write. */
static void sample_file_abort(struct sample_file *file, int error,
			      const char *what)
{
	pr_err_ratelimited("%s: %s failed (%d)\n", file->path, what, error);
	sample_file_set_error(file, error);
	fscache_abort_object(&file->object);
}

/* Create every missing folder above the file at @path. */
static int sample_make_parents(const char *path)
{
	struct dentry *dentry;
	struct path parent;
	char *tmp, *slash;
	int ret = 0;

	tmp = kstrdup(path, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;

	slash = tmp + strlen(sample_backing_dir);
	while ((slash = strchr(slash + 1, '/'))) {
		*slash = '\0';
		dentry = kern_path_create(AT_FDCWD, tmp, &parent,
					  LOOKUP_DIRECTORY);
		if (IS_ERR(dentry)) {
			ret = PTR_ERR(dentry);
		} else {
			ret = vfs_mkdir(sample_mnt_idmap(parent.mnt),
					d_inode(parent.dentry), dentry, 0755);
			done_path_create(&parent, dentry);
		}
		*slash = '/';
		/* Another set-up operation may have created it first. */
		if (ret < 0 && ret != -EEXIST)
			break;
		ret = 0;
	}
	kfree(tmp);
	return ret;
}

static struct file *sample_open_backing(const char *path)
{
	const int flags = O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE;
	struct file *back;
	int ret;

	back = filp_open(path, flags, 0600);
	if (!IS_ERR(back) || PTR_ERR(back) != -ENOENT)
		return back;

	ret = sample_make_parents(path);
	if (ret < 0)
		return ERR_PTR(ret);
	return filp_open(path, flags, 0600);
}

/*
 * 0. Set-up (SLOW, on the root object): look the backing file up, create
 * it, and let the file's operations run.
 */
static void sample_setup(struct fscache_operation *op)
{
	struct sample_file *file = to_sample_op(op)->file;
	struct file *back;
	struct path p;
	char *path;

	/* Module exit is waiting: no need to create what it would drop. */
	if (READ_ONCE(sample.stopping)) {
		sample_file_set_error(file, -EINTR);
		fscache_abort_object(&file->object);
		return;
	}
	path = sample_backing_path(file);
	if (!path) {
		sample_file_abort(file, -ENOMEM, "set-up");
		return;
	}

	/* Looking up: a backing file from an earlier run is overwritten. */
	if (kern_path(path, 0, &p) == 0) {
		atomic_inc(&sample.stats.backing_existed);
		path_put(&p);
	}

	fscache_object_set_creating(&file->object);
	back = sample_open_backing(path);
	kfree(path);
	if (IS_ERR(back)) {
		sample_file_abort(file, PTR_ERR(back), "creating the backing file");
		return;
	}
	file->back = back;

	/* Starts the pre-size and copy operations waiting on the object. */
	fscache_object_set_available(&file->object);
}

/* 1. Pre-size (SLOW, exclusive): give the backing file its final size. */
static void sample_presize(struct fscache_operation *op)
{
	struct sample_file *file = to_sample_op(op)->file;
	long ret;

	ret = vfs_truncate(&file->back->f_path, file->size);
	if (ret < 0)
		sample_file_abort(file, ret, "setting the backing file's size");
}

/* 3 and 7: checksum a chunk held in memory; must not sleep. */
static void sample_crc_store(struct fscache_operation *op)
{
	struct sample_op *sop = to_sample_op(op);
	struct sample_file *file = sop->file;
	unsigned int chunk = div_u64(sop->pos, SAMPLE_CHUNK_SIZE);

	file->chunk_crcs[chunk] = crc32_le(~0, sop->buf, sop->len);
}

static void sample_crc_check(struct fscache_operation *op)
{
	struct sample_op *sop = to_sample_op(op);
	struct sample_file *file = sop->file;
	unsigned int chunk = div_u64(sop->pos, SAMPLE_CHUNK_SIZE);

	if (crc32_le(~0, sop->buf, sop->len) != file->chunk_crcs[chunk])
		atomic_inc(&file->mismatched_chunks);
}

/* Hand a chunk buffer to a checksum operation, which then owns it. */
static int sample_submit_crc(struct sample_file *file, void *buf, size_t len,
			     loff_t pos, fscache_operation_processor_t fn)
{
	struct sample_op *sop;

	sop = sample_op_alloc(file, FSCACHE_OP_FAST, fn, false);
	if (!sop) {
		kfree(buf);
		return -ENOMEM;
	}
	sop->buf = buf;
	sop->len = len;
	sop->pos = pos;
	return sample_submit(&file->object, sop, false);
}

/* Read exactly @len bytes at @pos; a short read means the file changed. */
static int sample_read_chunk(struct file *f, void *buf, size_t len, loff_t pos)
{
	ssize_t n;

	n = kernel_read(f, buf, len, &pos);
	if (n < 0)
		return n;
	return n == len ? 0 : -ENODATA;
}

/*
 * Queue the next run of a copy or read-back operation, or return false at
 * the end of the file.
 */
static bool sample_next_chunk(struct sample_op *sop, size_t len)
{
	sop->pos += len;
	if (sop->pos >= sop->file->size)
		return false;
	if (fscache_enqueue_operation(&sop->op) < 0) {
		sample_file_set_error(sop->file, -EINVAL);
		return false;
	}
	atomic_inc(&sample.stats.ops_enqueued);
	return true;
}

/* 2. Copy (SLOW): one chunk from the source to the backing file per run. */
static void sample_copy(struct fscache_operation *op)
{
	struct sample_op *sop = to_sample_op(op);
	struct sample_file *file = sop->file;
	size_t len;
	loff_t wpos = sop->pos;
	ssize_t n;
	void *buf;
	int ret;

	if (READ_ONCE(sample.stopping) || READ_ONCE(file->error) ||
	    sop->pos >= file->size)
		return;

	len = min_t(loff_t, SAMPLE_CHUNK_SIZE, file->size - sop->pos);
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf) {
		sample_file_abort(file, -ENOMEM, "copy");
		return;
	}
	ret = sample_read_chunk(file->src, buf, len, sop->pos);
	if (ret < 0) {
		kfree(buf);
		sample_file_abort(file, ret, "reading the source");
		return;
	}

	if (file == sample.fault_file) {
		pr_warn("%s: injecting -EIO into the backing write (fail_file)\n",
			file->path);
		n = -EIO;
	} else {
		n = kernel_write(file->back, buf, len, &wpos);
		if (n >= 0 && n != len)
			n = -EIO;
	}
	if (n < 0) {
		kfree(buf);
		sample_backing_write_failed(file, n);
		return;
	}
	atomic64_add(len, &sample.stats.bytes_copied);

	if (sample_submit_crc(file, buf, len, sop->pos, sample_crc_store) < 0)
		return;
	sample_next_chunk(sop, len);
}

/* 4. Attributes (SLOW, exclusive): copy the source's mode and times. */
static void sample_set_attrs(struct fscache_operation *op)
{
	struct sample_file *file = to_sample_op(op)->file;
	struct dentry *dentry = file->back->f_path.dentry;
	struct inode *inode = d_inode(dentry);
	struct iattr attr = {};
	struct kstat st;
	int ret;

	ret = vfs_getattr(&file->src->f_path, &st,
			  STATX_MODE | STATX_ATIME | STATX_MTIME,
			  AT_STATX_SYNC_AS_STAT);
	if (ret < 0) {
		sample_file_abort(file, ret, "reading the source's attributes");
		return;
	}

	attr.ia_valid = ATTR_MODE | ATTR_ATIME | ATTR_ATIME_SET |
			ATTR_MTIME | ATTR_MTIME_SET;
	attr.ia_mode = S_IFREG | (st.mode & 0777);
	attr.ia_atime = st.atime;
	attr.ia_mtime = st.mtime;

	inode_lock(inode);
	ret = notify_change(sample_file_idmap(file->back), dentry, &attr, NULL);
	inode_unlock(inode);
	if (ret < 0)
		sample_file_abort(file, ret, "setting the backing file's attributes");
}

/*
 * 6. Read-back (SLOW): compare one chunk of the backing file with the
 * source per run, and have a checksum operation compare it with the CRC
 * taken during the copy.
 */
static void sample_read_back(struct fscache_operation *op)
{
	struct sample_op *sop = to_sample_op(op);
	struct sample_file *file = sop->file;
	void *back_buf;
	size_t len;
	int ret;

	if (READ_ONCE(sample.stopping) || READ_ONCE(file->error) ||
	    sop->pos >= file->size)
		return;

	len = min_t(loff_t, SAMPLE_CHUNK_SIZE, file->size - sop->pos);
	if (!sop->buf)
		sop->buf = kmalloc(SAMPLE_CHUNK_SIZE, GFP_KERNEL);
	back_buf = kmalloc(len, GFP_KERNEL);
	if (!sop->buf || !back_buf) {
		kfree(back_buf);
		sample_file_abort(file, -ENOMEM, "read-back");
		return;
	}

	ret = sample_read_chunk(file->back, back_buf, len, sop->pos);
	if (ret == 0)
		ret = sample_read_chunk(file->src, sop->buf, len, sop->pos);
	if (ret < 0) {
		kfree(back_buf);
		sample_file_abort(file, ret, "read-back");
		return;
	}

	if (memcmp(back_buf, sop->buf, len) == 0)
		atomic64_add(len, &sample.stats.bytes_verified);
	else
		atomic_inc(&file->mismatched_chunks);

	if (sample_submit_crc(file, back_buf, len, sop->pos,
			      sample_crc_check) < 0)
		return;
	sample_next_chunk(sop, len);
}

/*
 * 5. Check (MYTHREAD): the thread waits until the attributes operation is
 * done, then looks the backing file up by name and checks its type, size
 * and mode.
 */
static void sample_check(struct sample_file *file)
{
	struct sample_op *sop;
	struct kstat st, src_st;
	struct path p;
	char *path;
	int ret;

	sop = sample_op_alloc(file, FSCACHE_OP_MYTHREAD, NULL, false);
	if (!sop)
		return;
	if (sample_submit(&file->object, sop, true) < 0)
		goto out;

	ret = fscache_wait_for_operation_activation(&sop->op,
						    SAMPLE_CHECK_TIMEOUT);
	if (ret < 0) {
		sample_file_set_error(file, ret);
		goto out;
	}

	path = sample_backing_path(file);
	ret = path ? kern_path(path, 0, &p) : -ENOMEM;
	kfree(path);
	if (ret == 0) {
		ret = vfs_getattr(&p, &st, STATX_TYPE | STATX_MODE | STATX_SIZE,
				  AT_STATX_SYNC_AS_STAT);
		path_put(&p);
	}
	if (ret == 0)
		ret = vfs_getattr(&file->src->f_path, &src_st, STATX_MODE,
				  AT_STATX_SYNC_AS_STAT);
	if (ret < 0) {
		sample_file_set_error(file, ret);
	} else if (!S_ISREG(st.mode) || st.size != file->size ||
		   (st.mode & 0777) != (src_st.mode & 0777)) {
		pr_err_ratelimited("%s: backing file has mode %o and size %lld, expected %o and %lld\n",
				   file->path, st.mode, st.size,
				   S_IFREG | (src_st.mode & 0777), file->size);
		atomic_inc(&file->mismatched_chunks);
	}
out:
	/* The last put of an operation in progress completes it. */
	fscache_put_operation(&sop->op);
}

/* Open the source file and allocate its table of chunk checksums. */
static int sample_file_open(struct sample_file *file)
{
	char *path;

	path = sample_source_path(file);
	if (!path)
		return -ENOMEM;
	file->src = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
	kfree(path);
	if (IS_ERR(file->src)) {
		int ret = PTR_ERR(file->src);

		file->src = NULL;
		return ret;
	}

	file->size = i_size_read(file_inode(file->src));
	file->nr_chunks = DIV_ROUND_UP_ULL(file->size, SAMPLE_CHUNK_SIZE);
	file->chunk_crcs = kvcalloc(file->nr_chunks, sizeof(u32), GFP_KERNEL);
	if (!file->chunk_crcs)
		return -ENOMEM;
	atomic64_add(file->size, &sample.stats.bytes_total);
	return 0;
}

/*
 * Start the copy stage of a file.  Returns false if the file ended at once
 * (its result is then counted), true if it is in flight until its stage
 * events come.
 */
static bool sample_file_start(struct sample_file *file)
{
	int ret;

	file->stage = SAMPLE_STAGE_COPY;
	ret = sample_file_open(file);
	if (ret < 0) {
		pr_err_ratelimited("%s: opening the source failed (%d)\n",
				   file->path, ret);
		sample_file_set_error(file, ret);
		return false;
	}
	ret = fscache_object_init(&file->object, &sample.cache);
	if (ret < 0) {
		sample_count_rejection(file, ret);
		return false;
	}
	file->object_live = true;

	/*
	 * The object is being looked up, so these wait until the set-up
	 * operation makes it available.
	 */
	atomic_set(&file->stage_refs, 1);
	ret = sample_submit_async(file, &file->object, FSCACHE_OP_SLOW,
				  sample_presize, true);
	if (ret == 0)
		ret = sample_submit_async(file, &file->object, FSCACHE_OP_SLOW,
					  sample_copy, false);
	if (ret == 0)
		ret = sample_submit_async(file, &sample.root, FSCACHE_OP_SLOW,
					  sample_setup, false);
	/* Without a set-up, nothing would make the object available. */
	if (ret < 0)
		fscache_abort_object(&file->object);
	sample_file_put_stage(file);
	return true;
}

/* Start the verify stage: attributes, check, then read-back. */
static void sample_file_verify(struct sample_file *file)
{
	file->stage = SAMPLE_STAGE_VERIFY;
	atomic_set(&file->stage_refs, 1);

	if (sample_submit_async(file, &file->object, FSCACHE_OP_SLOW,
				sample_set_attrs, true) == 0) {
		/* Waits for the attributes operation, which runs alone. */
		sample_check(file);
	}
	if (!READ_ONCE(file->error) &&
	    !atomic_read(&file->mismatched_chunks))
		sample_submit_async(file, &file->object, FSCACHE_OP_SLOW,
				    sample_read_back, false);
	sample_file_put_stage(file);
}

static enum sample_result sample_file_classify(struct sample_file *file)
{
	if (atomic_read(&file->mismatched_chunks))
		return SAMPLE_RESULT_MISMATCH;
	if (file->io_failed)
		return SAMPLE_RESULT_FAILED;
	if (READ_ONCE(sample.stopping))
		return SAMPLE_RESULT_STOPPED;
	if (file->rejected)
		return SAMPLE_RESULT_REJECTED;
	if (READ_ONCE(file->error))
		return SAMPLE_RESULT_FAILED;
	return SAMPLE_RESULT_VERIFIED;
}

/* Count the file's result and close its files. */
static void sample_file_finish(struct sample_file *file)
{
	struct sample_stats *stats = &sample.stats;

	file->stage = SAMPLE_STAGE_DONE;
	file->result = sample_file_classify(file);
	switch (file->result) {
	case SAMPLE_RESULT_VERIFIED:
		atomic_inc(&stats->files_verified);
		break;
	case SAMPLE_RESULT_MISMATCH:
		pr_err_ratelimited("%s: %d chunks differ from the source\n",
				   file->path,
				   atomic_read(&file->mismatched_chunks));
		atomic_inc(&stats->files_mismatched);
		break;
	case SAMPLE_RESULT_REJECTED:
		atomic_inc(&stats->files_rejected);
		break;
	case SAMPLE_RESULT_STOPPED:
		atomic_inc(&stats->files_stopped);
		break;
	default:
		atomic_inc(&stats->files_failed);
		break;
	}
	if (file->result != SAMPLE_RESULT_VERIFIED && file->object_live)
		fscache_abort_object(&file->object);

	if (file->src)
		fput(file->src);
	file->src = NULL;
	if (file->back)
		fput(file->back);
	file->back = NULL;
	kvfree(file->chunk_crcs);
	file->chunk_crcs = NULL;
}

/*
 * The last operation of a file's stage is gone.  Returns true if the file
 * is still in flight.
 */
static bool sample_file_advance(struct sample_file *file)
{
	if (file->stage == SAMPLE_STAGE_COPY && !READ_ONCE(file->error) &&
	    !READ_ONCE(sample.stopping)) {
		sample_file_verify(file);
		return true;
	}
	sample_file_finish(file);
	return false;
}

/**
 * sample_elapsed_ms - Time the thread has run, or ran, in milliseconds
 *
 * Return: Milliseconds since the thread started, up to its end if it
 * finished; 0 before it starts.
 */
u64 sample_elapsed_ms(void)
{
	/* Pairs with the release in sample_thread_fn(), which sets end first. */
	int state = smp_load_acquire(&sample.state);
	ktime_t end = state == SAMPLE_RUNNING ? ktime_get() : sample.end;

	if (!sample.start)
		return 0;
	return ktime_ms_delta(end, sample.start);
}

/**
 * sample_rate_tenths - Throughput in tenths of a MB/s (1 MB = 10^6 bytes)
 * @bytes: Bytes moved.
 * @ms: In this many milliseconds.
 *
 * Return: The rate times ten, rounded down.
 */
u64 sample_rate_tenths(u64 bytes, u64 ms)
{
	return div64_u64(bytes, max_t(u64, ms, 1) * 100);
}

static void sample_log_summary(void)
{
	struct sample_stats *stats = &sample.stats;
	u64 ms = sample_elapsed_ms();
	u64 copied = atomic64_read(&stats->bytes_copied);
	u64 rate = sample_rate_tenths(copied, ms);

	pr_info("%s: %d of %u files verified, %lld of %lld bytes, %d mismatched, %d failed, %d rejected, %d stopped\n",
		sample.state == SAMPLE_COMPLETE ? "complete" : "stopped",
		atomic_read(&stats->files_verified), sample.nr_files,
		atomic64_read(&stats->bytes_verified),
		atomic64_read(&stats->bytes_total),
		atomic_read(&stats->files_mismatched),
		atomic_read(&stats->files_failed),
		atomic_read(&stats->files_rejected),
		atomic_read(&stats->files_stopped));
	pr_info("ops: fast=%d slow=%d mythread=%d exclusive=%d, deferred=%d, rejected=%d; %llu ms, %llu.%llu MB/s copied\n",
		atomic_read(&stats->ops_fast), atomic_read(&stats->ops_slow),
		atomic_read(&stats->ops_mythread),
		atomic_read(&stats->ops_exclusive),
		atomic_read(&stats->ops_deferred),
		atomic_read(&stats->rejected_eio) +
		atomic_read(&stats->rejected_nobufs) +
		atomic_read(&stats->rejected_other),
		ms, rate / 10, rate % 10);
}

/* After the work is done, stay until module exit calls kthread_stop(). */
static void sample_thread_park(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/* Handle the files whose stage ended; returns how many left flight. */
static unsigned int sample_handle_events(void)
{
	struct llist_node *events = llist_del_all(&sample.events);
	struct sample_file *file, *next;
	unsigned int done = 0;

	events = llist_reverse_order(events);
	llist_for_each_entry_safe(file, next, events, event) {
		if (!sample_file_advance(file))
			done++;
	}
	return done;
}

/**
 * sample_thread_fn - Drive every file of the source tree through its stages
 * @unused: Not used.
 *
 * Keeps up to sample_in_flight files in flight, starts the next stage of
 * a file when its operations are gone, and logs the summary at the end.
 * Module exit sets sample.stopping, which ends the work early.
 *
 * Context: Kernel thread.
 * Return: 0.
 */
int sample_thread_fn(void *unused)
{
	struct sample_file *next;
	unsigned int in_flight = 0;

	sample.start = ktime_get();
	pr_info("caching %u files from %s in %s, %u in flight\n",
		sample.nr_files, sample_source_dir, sample_backing_dir,
		sample_in_flight);

	next = list_first_entry_or_null(&sample.files, struct sample_file,
					link);
	for (;;) {
		while (next && in_flight < sample_in_flight &&
		       !READ_ONCE(sample.stopping)) {
			if (sample_file_start(next))
				in_flight++;
			else
				sample_file_finish(next);
			next = list_is_last(&next->link, &sample.files) ? NULL :
				list_next_entry(next, link);
		}
		if (!in_flight)
			break;

		wait_event_interruptible(sample.wq,
					 !llist_empty(&sample.events) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		in_flight -= sample_handle_events();
	}

	/* Files never started count as stopped. */
	for (; next; next = list_is_last(&next->link, &sample.files) ? NULL :
			    list_next_entry(next, link))
		atomic_inc(&sample.stats.files_stopped);

	sample.end = ktime_get();
	/* Publishes end; pairs with the acquire in sample_elapsed_ms(). */
	smp_store_release(&sample.state,
			  in_flight || READ_ONCE(sample.stopping) ?
			  SAMPLE_STOPPED : SAMPLE_COMPLETE);
	sample_log_summary();
	sample_thread_park();
	return 0;
}
