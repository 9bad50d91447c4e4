/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the FS-Cache operation manager.
 *
 * Every operation transition and every reference count change is traced
 * with the operation's and the object's debug ids, so that one operation's
 * life can be followed with a filter on op=.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM fscache_ops

#if !defined(_TRACE_FSCACHE_OPS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_FSCACHE_OPS_H

#include <linux/tracepoint.h>
#include <fscache_ops.h>

#ifndef __FSCACHE_OPS_TRACE_ENUMS_DECLARED
#define __FSCACHE_OPS_TRACE_ENUMS_DECLARED

enum fscache_op_trace {
	fscache_op_trace_init,
	fscache_op_trace_submit,
	fscache_op_trace_reject,
	fscache_op_trace_pend,
	fscache_op_trace_start,
	fscache_op_trace_enqueue,
	fscache_op_trace_cancel,
	fscache_op_trace_complete,
	fscache_op_trace_defer,
	fscache_op_trace_gc,
	fscache_op_trace_release,
};

enum fscache_op_ref_trace {
	fscache_op_ref_get_user,
	fscache_op_ref_get_pend,
	fscache_op_ref_get_queue,
	fscache_op_ref_put_user,
	fscache_op_ref_put_pend,
	fscache_op_ref_put_queue,
	fscache_op_ref_put_queue_busy,
};

enum fscache_object_trace {
	fscache_object_new,
	fscache_object_creating,
	fscache_object_available,
	fscache_object_dying,
	fscache_object_aborted,
	fscache_object_dead,
};

#endif

#define fscache_op_traces				\
	EM(fscache_op_trace_init,		"INIT  ")	\
	EM(fscache_op_trace_submit,		"SUBMIT")	\
	EM(fscache_op_trace_reject,		"REJECT")	\
	EM(fscache_op_trace_pend,		"PEND  ")	\
	EM(fscache_op_trace_start,		"START ")	\
	EM(fscache_op_trace_enqueue,		"ENQUE ")	\
	EM(fscache_op_trace_cancel,		"CANCEL")	\
	EM(fscache_op_trace_complete,		"COMPL ")	\
	EM(fscache_op_trace_defer,		"DEFER ")	\
	EM(fscache_op_trace_gc,		"GC    ")	\
	E_(fscache_op_trace_release,		"RELEAS")

#define fscache_op_ref_traces				\
	EM(fscache_op_ref_get_user,	"GET user ")	\
	EM(fscache_op_ref_get_pend,	"GET pend ")	\
	EM(fscache_op_ref_get_queue,	"GET queue")	\
	EM(fscache_op_ref_put_user,	"PUT user ")	\
	EM(fscache_op_ref_put_pend,	"PUT pend ")	\
	EM(fscache_op_ref_put_queue,	"PUT queue")	\
	E_(fscache_op_ref_put_queue_busy, "PUT qbusy")

#define fscache_object_traces				\
	EM(fscache_object_new,		"NEW      ")	\
	EM(fscache_object_creating,	"CREATING ")	\
	EM(fscache_object_available,	"AVAILABLE")	\
	EM(fscache_object_dying,	"DYING    ")	\
	EM(fscache_object_aborted,	"ABORTED  ")	\
	E_(fscache_object_dead,		"DEAD     ")

/* Export the enum values to user space for the print formats. */
#undef EM
#undef E_
#define EM(a, b) TRACE_DEFINE_ENUM(a);
#define E_(a, b) TRACE_DEFINE_ENUM(a);

fscache_op_traces;
fscache_op_ref_traces;
fscache_object_traces;

/* Now map them to strings for TP_printk. */
#undef EM
#undef E_
#define EM(a, b)	{ a, b },
#define E_(a, b)	{ a, b }

TRACE_EVENT(fscache_ops_op,
	    TP_PROTO(const struct fscache_operation *op,
		     unsigned int object_debug_id,
		     enum fscache_op_trace why),

	    TP_ARGS(op, object_debug_id, why),

	    TP_STRUCT__entry(
		__field(unsigned int,		op)
		__field(unsigned int,		object)
		__field(u8,			type)
		__field(u8,			state)
		__field(bool,			exclusive)
		__field(int,			error)
		__field(enum fscache_op_trace,	why)
			     ),

	    TP_fast_assign(
		__entry->op		= op->debug_id;
		__entry->object		= object_debug_id;
		__entry->type		= op->type;
		__entry->state		= op->state;
		__entry->exclusive	= test_bit(FSCACHE_OP_EXCLUSIVE,
						   &op->flags);
		__entry->error		= op->error;
		__entry->why		= why;
			   ),

	    TP_printk("op=%08x obj=%08x %s type=%u st=%u%s e=%d",
		      __entry->op, __entry->object,
		      __print_symbolic(__entry->why, fscache_op_traces),
		      __entry->type, __entry->state,
		      __entry->exclusive ? " excl" : "",
		      __entry->error)
	    );

/*
 * The ids are passed by value: after a put that was not the last, another
 * holder may free the operation at any moment.
 */
TRACE_EVENT(fscache_ops_op_ref,
	    TP_PROTO(unsigned int op_debug_id, unsigned int object_debug_id,
		     int usage, enum fscache_op_ref_trace why),

	    TP_ARGS(op_debug_id, object_debug_id, usage, why),

	    TP_STRUCT__entry(
		__field(unsigned int,		op)
		__field(unsigned int,		object)
		__field(int,			usage)
		__field(enum fscache_op_ref_trace, why)
			     ),

	    TP_fast_assign(
		__entry->op		= op_debug_id;
		__entry->object		= object_debug_id;
		__entry->usage		= usage;
		__entry->why		= why;
			   ),

	    TP_printk("op=%08x obj=%08x %s r=%d",
		      __entry->op, __entry->object,
		      __print_symbolic(__entry->why, fscache_op_ref_traces),
		      __entry->usage)
	    );

TRACE_EVENT(fscache_ops_object,
	    TP_PROTO(const struct fscache_object *object,
		     enum fscache_object_trace why),

	    TP_ARGS(object, why),

	    TP_STRUCT__entry(
		__field(unsigned int,		object)
		__field(unsigned int,		n_ops)
		__field(unsigned int,		n_in_progress)
		__field(unsigned int,		n_exclusive)
		__field(enum fscache_object_trace, why)
			     ),

	    TP_fast_assign(
		__entry->object		= object->debug_id;
		__entry->n_ops		= object->n_ops;
		__entry->n_in_progress	= object->n_in_progress;
		__entry->n_exclusive	= object->n_exclusive;
		__entry->why		= why;
			   ),

	    TP_printk("obj=%08x %s ops=%u inp=%u exc=%u",
		      __entry->object,
		      __print_symbolic(__entry->why, fscache_object_traces),
		      __entry->n_ops, __entry->n_in_progress,
		      __entry->n_exclusive)
	    );

#endif /* _TRACE_FSCACHE_OPS_H */

/* This part must be outside the multi-read guard. */
#include <trace/define_trace.h>
