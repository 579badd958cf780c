#ifndef JOBCORE_GUARDIAN_H
#define JOBCORE_GUARDIAN_H

#include "CJobCoreProcess.h"

/// The guardian's whole life: runs in the freshly forked child of the worker and never returns.
/// Calls only async-signal-safe functions and raw system calls.
void jobcore_guardian_main(const jobcore_spawn_request *request) __attribute__((noreturn));

/// The lease clock (see `jobcore_lease_clock_ns`); async-signal-safe.
int64_t jobcore_guardian_clock_ns(void);

#endif
