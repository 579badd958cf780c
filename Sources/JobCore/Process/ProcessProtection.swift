import CJobCoreProcess

/// Keeps other processes of the same user out of this process's memory: on Linux it becomes
/// non-dumpable (`PR_SET_DUMPABLE` 0), so that its `/proc/PID/environ`, `/proc/PID/mem` and
/// `ptrace` are refused to them, and a crash writes no core file that would hold its tokens.
/// Call it once, at start-up, in a program that holds secrets (`jobctl` does, first thing);
/// elsewhere than Linux it does nothing.
///
/// The guardian process that runs each job command is always non-dumpable and shows the command
/// none of the worker's environment, whether or not this was called (see docs/processes.md).
/// A job command itself is an ordinary process of the same user: what it can still do is in
/// docs/guarantees.md's threat model.
public func protectProcessMemory() {
    _ = jobcore_set_nondumpable()
}

/// Whether this process's memory is open to other processes of the same user (see
/// ``protectProcessMemory()``); `jobctl doctor` reports it.
public var isProcessMemoryProtected: Bool {
    jobcore_is_dumpable() == 0
}
