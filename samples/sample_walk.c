// SPDX-License-Identifier: GPL-2.0
/*
 * Sample cache backend: the walk of the source tree.
 *
 * The walk runs in the load path, before the module's thread starts, so
 * that the fail_file parameter can be checked against the files found and
 * the load fails at once if it names none of them.  It only reads folders
 * (no file is opened), which takes well under a second for the kernel's
 * Documentation/ folder.  Symbolic links are not followed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/list_sort.h>
#include <linux/namei.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "sample.h"

/* A folder waiting to be read, or an entry of the folder being read. */
struct sample_dirent {
	struct list_head	link;
	unsigned int		type;	/* DT_* */
	char			name[];
};

struct sample_dir_ctx {
	struct dir_context	ctx;
	struct list_head	entries;
	unsigned int		n_read;
	int			error;
};

static char *sample_join(const char *dir, const char *name)
{
	if (!*name)
		return kstrdup(dir, GFP_KERNEL);
	if (!*dir)
		return kstrdup(name, GFP_KERNEL);
	return kasprintf(GFP_KERNEL, "%s/%s", dir, name);
}

/**
 * sample_source_path - Build the absolute path of a source file
 * @file: The file.
 *
 * Return: A string to free with kfree(), or NULL if out of memory.
 */
char *sample_source_path(const struct sample_file *file)
{
	return sample_join(sample_source_dir, file->path);
}

/**
 * sample_backing_path - Build the absolute path of a backing file
 * @file: The file.
 *
 * Return: A string to free with kfree(), or NULL if out of memory.
 */
char *sample_backing_path(const struct sample_file *file)
{
	return sample_join(sample_backing_dir, file->path);
}

static struct sample_dirent *sample_dirent_alloc(const char *name, int len,
						 unsigned int type)
{
	struct sample_dirent *ent;

	ent = kmalloc(struct_size(ent, name, len + 1), GFP_KERNEL);
	if (!ent)
		return NULL;
	memcpy(ent->name, name, len);
	ent->name[len] = '\0';
	ent->type = type;
	return ent;
}

static void sample_dirents_free(struct list_head *list)
{
	struct sample_dirent *ent, *next;

	list_for_each_entry_safe(ent, next, list, link)
		kfree(ent);
	INIT_LIST_HEAD(list);
}

/*
 * Collect one folder entry.  The folder's lock is held, so the entry is
 * only recorded here and looked at after iterate_dir() returns.
 */
static bool sample_walk_actor(struct dir_context *ctx, const char *name,
			      int len, loff_t pos, u64 ino, unsigned int type)
{
	struct sample_dir_ctx *dctx =
		container_of(ctx, struct sample_dir_ctx, ctx);
	struct sample_dirent *ent;

	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;

	ent = sample_dirent_alloc(name, len, type);
	if (!ent) {
		dctx->error = -ENOMEM;
		return false;
	}
	list_add_tail(&ent->link, &dctx->entries);
	dctx->n_read++;
	return true;
}

/* Read every entry of the folder at @path into @dctx->entries. */
static int sample_read_dir(const char *path, struct sample_dir_ctx *dctx)
{
	struct file *dir;
	int ret;

	dir = filp_open(path, O_RDONLY | O_DIRECTORY | O_LARGEFILE, 0);
	if (IS_ERR(dir))
		return PTR_ERR(dir);

	/* A file system may stop early; call again until nothing is new. */
	do {
		dctx->n_read = 0;
		ret = iterate_dir(dir, &dctx->ctx);
	} while (ret == 0 && dctx->error == 0 && dctx->n_read > 0);

	fput(dir);
	return ret ? ret : dctx->error;
}

/* Learn the type of an entry whose folder gave DT_UNKNOWN. */
static unsigned int sample_stat_type(const char *path)
{
	struct path p;
	unsigned int type = DT_UNKNOWN;

	if (kern_path(path, 0, &p))
		return DT_UNKNOWN;
	if (d_is_reg(p.dentry))
		type = DT_REG;
	else if (d_is_dir(p.dentry))
		type = DT_DIR;
	path_put(&p);
	return type;
}

static int sample_add_file(char *rel)
{
	struct sample_file *file;

	if (sample.nr_files >= SAMPLE_MAX_FILES) {
		pr_err("source_dir=%s holds more than %u regular files; point it at a smaller tree\n",
		       sample_source_dir, SAMPLE_MAX_FILES);
		return -EFBIG;
	}

	file = kzalloc(sizeof(*file), GFP_KERNEL);
	if (!file)
		return -ENOMEM;
	file->path = rel;
	atomic_set(&file->mismatched_chunks, 0);
	list_add_tail(&file->link, &sample.files);
	sample.nr_files++;
	return 0;
}

/*
 * Read the folder @rel (relative to source_dir): regular files join
 * sample.files, folders join @dirs to be read later.
 */
static int sample_walk_dir(const char *rel, struct list_head *dirs)
{
	struct sample_dir_ctx dctx = {
		.ctx.actor = sample_walk_actor,
		.entries = LIST_HEAD_INIT(dctx.entries),
	};
	struct sample_dirent *ent, *sub;
	char *path, *child, *child_path;
	unsigned int type;
	int ret;

	path = sample_join(sample_source_dir, rel);
	if (!path)
		return -ENOMEM;
	ret = sample_read_dir(path, &dctx);
	if (ret < 0) {
		pr_err("source_dir=%s: reading folder %s failed (%d)\n",
		       sample_source_dir, path, ret);
		goto out;
	}

	list_for_each_entry(ent, &dctx.entries, link) {
		child = sample_join(rel, ent->name);
		if (!child) {
			ret = -ENOMEM;
			goto out;
		}

		type = ent->type;
		if (type == DT_UNKNOWN) {
			child_path = sample_join(sample_source_dir, child);
			type = child_path ? sample_stat_type(child_path) : type;
			kfree(child_path);
		}

		switch (type) {
		case DT_REG:
			ret = sample_add_file(child);
			if (ret < 0) {
				kfree(child);
				goto out;
			}
			break;
		case DT_DIR:
			sub = sample_dirent_alloc(child, strlen(child), DT_DIR);
			kfree(child);
			if (!sub) {
				ret = -ENOMEM;
				goto out;
			}
			list_add_tail(&sub->link, dirs);
			break;
		default:
			sample.nr_skipped++;
			kfree(child);
			break;
		}
	}
	ret = 0;
out:
	sample_dirents_free(&dctx.entries);
	kfree(path);
	return ret;
}

static int sample_file_cmp(void *priv, const struct list_head *a,
			   const struct list_head *b)
{
	const struct sample_file *fa = list_entry(a, struct sample_file, link);
	const struct sample_file *fb = list_entry(b, struct sample_file, link);

	return strcmp(fa->path, fb->path);
}

/**
 * sample_walk_tree - Find every regular file under source_dir
 *
 * Fills sample.files, sorted by path so that a file's index (the
 * fail_file parameter can name one by index) does not depend on the order
 * in which the file system lists folders.
 *
 * Context: Process context; sleeps.  A fatal signal stops the walk.
 * Return: 0, or a negative errno after logging what failed.
 */
int sample_walk_tree(void)
{
	struct sample_file *file;
	struct sample_dirent *dir;
	unsigned int index = 0;
	LIST_HEAD(dirs);
	int ret = 0;

	dir = sample_dirent_alloc("", 0, DT_DIR);
	if (!dir)
		return -ENOMEM;
	list_add_tail(&dir->link, &dirs);

	while ((dir = list_first_entry_or_null(&dirs, struct sample_dirent,
					       link))) {
		list_del(&dir->link);
		ret = sample_walk_dir(dir->name, &dirs);
		kfree(dir);
		if (ret < 0)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	sample_dirents_free(&dirs);
	if (ret < 0)
		return ret;

	list_sort(NULL, &sample.files, sample_file_cmp);
	list_for_each_entry(file, &sample.files, link)
		file->index = index++;
	return 0;
}

/**
 * sample_free_files - Retire the objects of all files and free them
 *
 * Context: Process context, after the cache was withdrawn and every
 * operation released.
 */
void sample_free_files(void)
{
	struct sample_file *file, *next;

	list_for_each_entry_safe(file, next, &sample.files, link) {
		if (file->object_live)
			fscache_object_set_dead(&file->object);
		if (file->src)
			fput(file->src);
		if (file->back)
			fput(file->back);
		kvfree(file->chunk_crcs);
		kfree(file->path);
		list_del(&file->link);
		kfree(file);
	}
	sample.nr_files = 0;
}
