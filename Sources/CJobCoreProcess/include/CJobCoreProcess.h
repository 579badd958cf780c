#ifndef CJOBCOREPROCESS_H
#define CJOBCOREPROCESS_H

// The process-spawning half of JobCore's ProcessSupervisor. Everything that runs between fork and
// exec lives here, in C, and calls only async-signal-safe functions (or raw system calls).
//
// Process layout:
//
//   worker ──fork──▶ guardian (own session; Linux: child subreaper)
//                        └──fork──▶ command (own process group = its pid; exec)
//                                       └── the command's children and grandchildren
//
// The guardian watches a control socket whose other end only the worker holds. End of file on it
// means the worker is gone (even after SIGKILL), and the guardian kills the job's process group,
// then every process that was re-parented to it, and exits. The guardian also enforces a lease:
// when the worker does not extend it in time (stopped, cut off from its store), the guardian stops
// the command itself, TERM then KILL, before another worker can take the job. See docs/processes.md.

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One record on the status pipe (guardian → worker).
typedef struct {
    int32_t kind;
    int32_t value;
} jobcore_status_record;

enum {
    /// The command was forked; `value` is its pid, which is also its process group id.
    JOBCORE_STATUS_STARTED = 1,
    /// The command exited normally; `value` is its exit code.
    JOBCORE_STATUS_EXITED = 2,
    /// The command was killed by a signal; `value` is the signal number.
    JOBCORE_STATUS_SIGNALED = 3,
    /// The guardian could not set itself up or fork the command; `value` is the errno.
    JOBCORE_STATUS_SPAWN_FAILED = 4,
    /// The lease was not extended in time: the guardian is stopping the command (TERM, then KILL
    /// at the deadline). A status record EXITED or SIGNALED follows.
    JOBCORE_STATUS_LEASE_EXPIRED = 5,
};

/// One record on the exec pipe (command → worker), written only when the command could not be
/// started. End of file without a record means `execve` succeeded.
typedef struct {
    int32_t stage;
    int32_t error;
} jobcore_exec_record;

enum {
    /// `chdir` to the working directory failed.
    JOBCORE_EXEC_STAGE_CHDIR = 1,
    /// `execve` failed.
    JOBCORE_EXEC_STAGE_EXEC = 2,
    /// Taking on the requested user and group (`setgroups`, `setgid`, `setuid`) failed.
    JOBCORE_EXEC_STAGE_CREDENTIALS = 3,
};

/// What the guardian needs. Every pointer must stay valid until `jobcore_spawn_guarded` returns;
/// every descriptor is the guardian's end of a pipe or socket created by the caller.
typedef struct {
    /// The executable, passed to `execve` as is (a path containing a slash).
    const char *path;
    /// NULL-terminated argument vector.
    char *const *argv;
    /// NULL-terminated environment, exactly what the command receives.
    char *const *envp;
    /// The command's working directory, or NULL to keep the worker's.
    const char *working_directory;
    /// Write end of the command's stdout pipe.
    int stdout_fd;
    /// Write end of the command's stderr pipe.
    int stderr_fd;
    /// Write end of the status pipe (guardian → worker).
    int status_fd;
    /// Write end of the exec pipe (command → worker); close-on-exec.
    int exec_fd;
    /// The guardian's end of the control socket (worker → guardian: one byte per signal, or a
    /// lease extension; see `jobcore_send_lease`).
    int control_fd;
    /// When the command must have been killed unless the lease is extended, on the lease clock
    /// (`jobcore_lease_clock_ns`); 0 for no lease.
    int64_t lease_deadline_ns;
    /// How long before the lease deadline the guardian sends SIGTERM (SIGKILL follows at the
    /// deadline). Ignored without a lease.
    int64_t lease_grace_ns;
    /// The user and group the command runs as (`setgroups` to the group alone, `setgid`, `setuid`
    /// before `execve`), or -1 for both to keep the worker's.
    int64_t run_as_uid;
    int64_t run_as_gid;
} jobcore_spawn_request;

/// Forks the guardian, which forks and execs the command. Returns the guardian's pid, or -1 with
/// `errno` set when the fork failed.
pid_t jobcore_spawn_guarded(const jobcore_spawn_request *request);

/// Makes this process non-dumpable (Linux: `PR_SET_DUMPABLE` 0): no process of the same user
/// may read its memory or environment through /proc or attach to it, and it writes no core.
/// Returns 0, or -1 with `errno` set. Elsewhere it does nothing and returns 0.
int jobcore_set_nondumpable(void);

/// 1 when this process is dumpable, 0 when not (Linux); 1 elsewhere.
int jobcore_is_dumpable(void);

/// Creates a pipe whose ends are both close-on-exec. Returns 0, or -1 with `errno` set.
int jobcore_make_pipe(int fds[2]);

/// Creates the control socket pair, both ends close-on-exec (and, on Darwin, without SIGPIPE).
/// Returns 0, or -1 with `errno` set.
int jobcore_make_control_pair(int fds[2]);

/// Asks the guardian to send `signal` to the command's process group. Never blocks and never
/// raises SIGPIPE. Returns 0, or -1 with `errno` set (EPIPE when the guardian is gone).
int jobcore_send_control(int fd, int signal);

/// Waits for `pid` to exit (retrying on EINTR) and reaps it. On success returns 0 and sets `kind`
/// to JOBCORE_STATUS_EXITED or JOBCORE_STATUS_SIGNALED with `value`; returns -1 with `errno` set
/// otherwise (ECHILD when the child was already reaped, e.g. because SIGCHLD is ignored).
int jobcore_reap(pid_t pid, int32_t *kind, int32_t *value);

/// Extends the lease: the command must now be killed by `deadline_ns` (on the lease clock) unless
/// extended again. Never blocks and never raises SIGPIPE. Returns 0, or -1 with `errno` set.
int jobcore_send_lease(int fd, int64_t deadline_ns);

/// The lease clock in nanoseconds: Linux `CLOCK_BOOTTIME` (it keeps counting while the machine is
/// suspended, as wall-clock leases in the store do), `CLOCK_MONOTONIC` elsewhere.
int64_t jobcore_lease_clock_ns(void);

/// Reads up to `count` bytes, retrying on EINTR. Returns the count read, 0 at end of file, or -1
/// with `errno` set.
long jobcore_read(int fd, void *buffer, unsigned long count);

/// Sets O_NONBLOCK on `fd`. Returns 0, or -1 with `errno` set.
int jobcore_set_nonblocking(int fd);

#ifdef __cplusplus
}
#endif

#endif
