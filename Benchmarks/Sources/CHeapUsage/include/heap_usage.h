#ifndef HEAP_USAGE_H
#define HEAP_USAGE_H

#include <stddef.h>

/// Bytes allocated with malloc and not yet freed, across all arenas (glibc `mallinfo2`);
/// -1 where the C library does not report it.
long long jobcore_heap_bytes_in_use(void);

#endif
