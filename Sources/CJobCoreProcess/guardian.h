#ifndef JOBCORE_GUARDIAN_H
#define JOBCORE_GUARDIAN_H

#include "CJobCoreProcess.h"

/// The guardian's whole life: runs in the freshly forked child of the worker and never returns.
/// Calls only async-signal-safe functions and raw system calls.
void jobcore_guardian_main(const jobcore_spawn_request *request) __attribute__((noreturn));

#endif
