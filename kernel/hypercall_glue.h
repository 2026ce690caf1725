/*
 * The hypervisor's side of include/hypercall_table.h, generated: per call
 * its raw argument struct (the registers, typed and named as in the
 * table), the step that loads it from the trap frame and decodes it into
 * the call's checked struct, and its case of the dispatch switch.
 * Only kernel/hypercall.c includes this, after its decode_NAME and
 * invoke_NAME functions (and the tests that include that file).
 */
#ifndef HYPERCALL_GLUE_H
#define HYPERCALL_GLUE_H

#include "hypercall.h"

/* An argument slot as a struct field, and loaded from its register. */
#define HC_FIELD_HC_ARG(type, field) type field;
#define HC_FIELD_HC_NOARG
#define HC_EBX_HC_ARG(type, field) .field = (type)tf->ebx,
#define HC_EBX_HC_NOARG
#define HC_ECX_HC_ARG(type, field) .field = (type)tf->ecx,
#define HC_ECX_HC_NOARG
#define HC_EDX_HC_ARG(type, field) .field = (type)tf->edx,
#define HC_EDX_HC_NOARG
#define HC_ESI_HC_ARG(type, field) .field = (type)tf->esi,
#define HC_ESI_HC_NOARG
#define HC_EDI_HC_ARG(type, field) .field = (type)tf->edi,
#define HC_EDI_HC_NOARG

/* struct hc_in_NAME: what the guest passed, nothing checked yet. */
#define HC_IN_STRUCT_(nr, NAME, name, kind, a1, a2, a3, a4, a5) \
	struct hc_in_##name { HC_FIELD_##a1 HC_FIELD_##a2 HC_FIELD_##a3 HC_FIELD_##a4 HC_FIELD_##a5 };
#define HC_IN_LOAD_(a1, a2, a3, a4, a5) \
	{ HC_EBX_##a1 HC_ECX_##a2 HC_EDX_##a3 HC_ESI_##a4 HC_EDI_##a5 }

/* The decoded operation of any call (what the fuzzer inspects). */
#define HC_OP_MEMBER_HC_CALL(name) struct hc_##name name;
#define HC_OP_MEMBER_HC_RESERVED(name)
#define HC_OP_MEMBER_(nr, NAME, name, kind, a1, a2, a3, a4, a5) HC_OP_MEMBER_##kind(name)

/* hc_decode_NAME: the registers into struct hc_in_NAME, decode_NAME's
 * checks into struct hc_NAME; 0, or an HC_E* code with *why set. */
#define HC_DECODE_HC_CALL(NAME, name, a1, a2, a3, a4, a5) \
	static inline int hc_decode_##name(const struct guest *g, const struct trap_frame *tf, \
					   struct hc_##name *op, const char **why) \
	{ \
		const struct hc_in_##name in = HC_IN_LOAD_(a1, a2, a3, a4, a5); \
		(void)tf; \
		return decode_##name(g, &in, op, why); \
	}
#define HC_DECODE_HC_RESERVED(NAME, name, a1, a2, a3, a4, a5)
#define HC_DECODE_(nr, NAME, name, kind, a1, a2, a3, a4, a5) \
	HC_DECODE_##kind(NAME, name, a1, a2, a3, a4, a5)

/* hc_do_NAME: decode, then invoke (which cannot fail) or refuse. Inlined
 * into the dispatch switch: no call layer on the way to the effect. */
#define HC_DO_HC_CALL(NAME, name) \
	static inline __attribute__((always_inline)) int32_t \
	hc_do_##name(struct guest *g, const struct trap_frame *tf) \
	{ \
		struct hc_##name op; \
		const char *why = "?"; \
		int err = hc_decode_##name(g, tf, &op, &why); \
		if (err) \
			return hc_refused(g, HC_##NAME, err, why); \
		return invoke_##name(g, &op); \
	}
#define HC_DO_HC_RESERVED(NAME, name)
#define HC_DO_(nr, NAME, name, kind, a1, a2, a3, a4, a5) HC_DO_##kind(NAME, name)

/* The dispatch table, by number, as a switch (a jump table the compiler
 * builds, each call's steps inlined into it); a reserved call has no case. */
#define HC_CASE_HC_CALL(NAME, name) \
	case HC_##NAME: \
		tf->eax = (uint32_t)hc_do_##name(g, tf); \
		return;
#define HC_CASE_HC_RESERVED(NAME, name)
#define HC_CASE_(nr, NAME, name, kind, a1, a2, a3, a4, a5) HC_CASE_##kind(NAME, name)

/* The fuzzer's view of decode: any number, any registers. */
#define HC_DECODE_CASE_HC_CALL(NAME, name) \
	case HC_##NAME: return hc_decode_##name(g, tf, &op->name, why);
#define HC_DECODE_CASE_HC_RESERVED(NAME, name)
#define HC_DECODE_CASE_(nr, NAME, name, kind, a1, a2, a3, a4, a5) \
	HC_DECODE_CASE_##kind(NAME, name)

#define HC_NAME_(nr, NAME, name, kind, a1, a2, a3, a4, a5) [HC_##NAME] = "HC_" #NAME,
#define HC_ERROR_NAME_(code, NAME, meaning) [-(code)] = "HC_" #NAME,

#endif
