#include "heap_usage.h"

#if defined(__linux__)
#include <malloc.h>  // also defines __GLIBC__ and __GLIBC_MINOR__ on glibc
#endif

long long jobcore_heap_bytes_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    return (long long)(info.uordblks + info.hblkhd);
#else
    return -1;
#endif
}
