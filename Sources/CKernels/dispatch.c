#include "CKernels.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

/* The best level this CPU (and its operating system, which must save the wide registers) supports,
   checked once: 2 with AVX-512 F, DQ, VL and BW (plus AVX2 and FMA), 1 with AVX2 and FMA, else 0. */
int nl_kernels_host_path(void) {
#if NL_HAVE_X86
    static int cached = -1;  /* written once; relaxed atomics, since any thread may race to it */
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
        value = avx2 ? (avx512 ? NL_PATH_AVX512 : NL_PATH_AVX2) : NL_PATH_PORTABLE;
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
#else
    return NL_PATH_PORTABLE;
#endif
}

/* Per thread, so a test can run one path while other tests run concurrently. */
static _Thread_local int path_cap = NL_PATH_AVX512;

int nl_kernels_path(void) {
    int host = nl_kernels_host_path();
    return host < path_cap ? host : path_cap;
}

void nl_kernels_force_path(int level) {
    path_cap = level < NL_PATH_PORTABLE ? NL_PATH_PORTABLE : level > NL_PATH_AVX512 ? NL_PATH_AVX512 : level;
}

int nl_kernels_path_cap(void) { return path_cap; }

void nl_kernels_force_portable(int on) { nl_kernels_force_path(on ? NL_PATH_PORTABLE : NL_PATH_AVX512); }

static _Thread_local int poison_scratch = 0;

void nl_kernels_poison_scratch(int on) { poison_scratch = on != 0; }
int nl_scratch_poisoned(void) { return poison_scratch; }

static _Thread_local double *scratch_ptr[NL_SCRATCH_SLOTS];
static _Thread_local size_t scratch_cap[NL_SCRATCH_SLOTS];

double *nl_scratch(int slot, size_t count) {
    if (count > scratch_cap[slot]) {
        free(scratch_ptr[slot]);
        size_t bytes = ((count * sizeof(double) + 63) / 64) * 64;
        scratch_ptr[slot] = aligned_alloc(64, bytes);
        if (!scratch_ptr[slot]) abort();
        scratch_cap[slot] = bytes / sizeof(double);
    }
    if (poison_scratch) { /* tests: a read of scratch before it is written sees NaN */
        double nan = __builtin_nan("");
        for (size_t i = 0; i < count; i++) scratch_ptr[slot][i] = nan;
    }
    return scratch_ptr[slot];
}

void nl_scratch_release(void) {
    for (int slot = 0; slot < NL_SCRATCH_SLOTS; slot++) {
        free(scratch_ptr[slot]);
        scratch_ptr[slot] = NULL;
        scratch_cap[slot] = 0;
    }
}
