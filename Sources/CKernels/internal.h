#ifndef NESTEDLEARNINGSPEC_CKERNELS_INTERNAL_H
#define NESTEDLEARNINGSPEC_CKERNELS_INTERNAL_H
#include <stddef.h>

/* A scratch buffer owned by the calling thread, at least `count` doubles, 64-byte aligned.
   `slot` names independent buffers (0..NL_SCRATCH_SLOTS-1) so one kernel may hold several. */
#define NL_SCRATCH_SLOTS 10
double *nl_scratch(int slot, size_t count);

/* Whether the calling thread NaN-fills scratch (nl_kernels_poison_scratch); a worker thread
   inherits it. */
int nl_scratch_poisoned(void);

/* Frees the calling thread's scratch buffers (a worker thread calls it before it exits). */
void nl_scratch_release(void);

#if defined(__x86_64__)
#include <immintrin.h>
#define NL_AVX2 __attribute__((target("avx2,fma")))
#define NL_AVX512 __attribute__((target("avx2,fma,avx512f,avx512dq,avx512vl,avx512bw")))
#define NL_HAVE_X86 1
#else
#define NL_HAVE_X86 0
#endif
#endif
