#include "CKernels.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

int nl_cpu_has_avx2_fma(void) {
#if NL_HAVE_X86
    static int cached = -1;  /* written once; relaxed atomics, since any thread may race to it */
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
#else
    return 0;
#endif
}

/* Per thread, so a test can run the portable path while other tests run concurrently. */
static _Thread_local int forced_portable = 0;

int nl_kernels_path(void) { return !forced_portable && nl_cpu_has_avx2_fma(); }

void nl_kernels_force_portable(int on) { forced_portable = on != 0; }

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
