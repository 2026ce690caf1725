/* Exception vectors (Intel SDM Vol. 3, 6.3.1). */
#ifndef X86_VECTORS_H
#define X86_VECTORS_H

#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_OF 4
#define VEC_BR 5
#define VEC_UD 6
#define VEC_NM 7
#define VEC_DF 8
#define VEC_TS 10
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MF 16
#define VEC_AC 17
#define VEC_MC 18
#define VEC_XM 19
#define VEC_EXCEPTIONS 32	/* vectors below this are exceptions */

#endif /* X86_VECTORS_H */
