/* The guests' FPU/SSE state, switched between guests (kernel/fpu.c). */
#ifndef FPU_H
#define FPU_H

struct guest;

void fpu_init(void);
void fpu_switch_to(struct guest *g);
void fpu_release(const struct guest *g);

#endif
