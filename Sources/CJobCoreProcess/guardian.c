// The guardian and the command child. Everything in this file runs after fork() in a child of a
// multi-threaded process, so it calls only async-signal-safe functions and raw system calls:
// no malloc, no stdio, no locks.

#define _GNU_SOURCE
#include "guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/syscall.h>
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#endif

// Descriptor layout inside the guardian after set-up. 0, 1 and 2 are the command's stdin
// (/dev/null), stdout and stderr until the command is forked; 3 to 5 are close-on-exec.
enum {
    FD_CONTROL = 3,
    FD_STATUS = 4,
    FD_EXEC = 5,
    FD_FIRST_FREE = 6,
};

// Written by the signal handler, read by the guardian's loop. The self-pipe wakes poll().
static volatile sig_atomic_t wake_fd = -1;
static volatile sig_atomic_t termination_requested = 0;

int64_t jobcore_guardian_clock_ns(void) {
    struct timespec now;
#if defined(__linux__)
    if (clock_gettime(CLOCK_BOOTTIME, &now) != 0) (void)clock_gettime(CLOCK_MONOTONIC, &now);
#else
    (void)clock_gettime(CLOCK_MONOTONIC, &now);
#endif
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void write_full(int fd, const void *data, size_t size) {
    const char *cursor = data;
    while (size > 0) {
        ssize_t written = write(fd, cursor, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            return;  // The worker is gone (EPIPE, SIGPIPE is ignored): nobody to tell.
        }
        cursor += written;
        size -= (size_t)written;
    }
}

static void send_status(int fd, int32_t kind, int32_t value) {
    jobcore_status_record record = {kind, value};
    write_full(fd, &record, sizeof record);
}

static void fail(int status_fd, int error) __attribute__((noreturn));
static void fail(int status_fd, int error) {
    send_status(status_fd, JOBCORE_STATUS_SPAWN_FAILED, error);
    _exit(127);
}

static void reset_signal_dispositions(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        if (sigaction(signal, &action, NULL) == 0 || errno != EINVAL) continue;
#if defined(__linux__)
        // glibc refuses the signals it reserves for itself (32 and 33), but their dispositions,
        // ignored ones included, are inherited across execve like any other. A zeroed kernel
        // sigaction is SIG_DFL with no flags and an empty mask on every architecture.
        unsigned long kernel_action[8] = {0};
        (void)syscall(SYS_rt_sigaction, signal, kernel_action, NULL, (size_t)(NSIG / 8));
#endif
    }
}

static void set_signal_mask(int block_all) {
    sigset_t set;
    if (block_all) {
        sigfillset(&set);
    } else {
        sigemptyset(&set);
    }
    (void)sigprocmask(SIG_SETMASK, &set, NULL);
}

static void close_from(int first) {
#if defined(__linux__)
    if (syscall(SYS_close_range, (unsigned int)first, ~0U, 0U) == 0) return;
#endif
    long limit = 1L << 16;
    struct rlimit rlimit;
    if (getrlimit(RLIMIT_NOFILE, &rlimit) == 0 && rlimit.rlim_cur != RLIM_INFINITY) {
        limit = rlimit.rlim_cur < (rlim_t)(1L << 20) ? (long)rlimit.rlim_cur : 1L << 20;
    }
    for (long fd = first; fd < limit; fd++) (void)close((int)fd);
}

// fork() without running pthread_atfork handlers: the guardian is itself the child of a
// multi-threaded process, so handlers registered there could wait on locks no thread will release.
static pid_t fork_without_handlers(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return _Fork();
#elif defined(__linux__)
    return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#else
    return fork();
#endif
}

static void on_signal(int signal) {
    int saved = errno;
    if (signal != SIGCHLD) termination_requested = 1;
    if (wake_fd >= 0) {
        char byte = 0;
        (void)write(wake_fd, &byte, 1);
    }
    errno = saved;
}

// MARK: - The command child

static void exec_failed(int32_t stage, int error) __attribute__((noreturn));
static void exec_failed(int32_t stage, int error) {
    jobcore_exec_record record = {stage, error};
    write_full(FD_EXEC, &record, sizeof record);
    _exit(127);
}

static void command_main(const jobcore_spawn_request *request, pid_t guardian) __attribute__((noreturn));
static void command_main(const jobcore_spawn_request *request, pid_t guardian) {
    // Signals are still blocked (inherited from the guardian): drop the guardian's handlers first.
    reset_signal_dispositions();
    (void)setpgid(0, 0);
#if defined(__linux__)
    // The guardian is single-threaded, so "parent thread died" means "guardian died".
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
#endif
    // The guardian may have died before prctl took effect: then we have been re-parented.
    if (getppid() != guardian) _exit(127);
    if (request->run_as_uid >= 0) {
        // Group first (setgid needs the privilege setuid gives up), supplementary groups cleared.
        gid_t group = (gid_t)request->run_as_gid;
        if (setgroups(1, &group) != 0) exec_failed(JOBCORE_EXEC_STAGE_CREDENTIALS, errno);
        if (setgid(group) != 0) exec_failed(JOBCORE_EXEC_STAGE_CREDENTIALS, errno);
        if (setuid((uid_t)request->run_as_uid) != 0) exec_failed(JOBCORE_EXEC_STAGE_CREDENTIALS, errno);
        // The change must be irreversible: a process that can become root again is not confined.
        if (request->run_as_uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
            exec_failed(JOBCORE_EXEC_STAGE_CREDENTIALS, EPERM);
        }
    }
    set_signal_mask(0);
    if (request->working_directory != NULL && chdir(request->working_directory) != 0) {
        exec_failed(JOBCORE_EXEC_STAGE_CHDIR, errno);
    }
    execve(request->path, request->argv, request->envp);
    exec_failed(JOBCORE_EXEC_STAGE_EXEC, errno);
}

// MARK: - Tear-down

static char *append_text(char *cursor, const char *text) {
    while (*text != '\0') *cursor++ = *text++;
    return cursor;
}

static char *append_number(char *cursor, unsigned long number) {
    char digits[24];
    int count = 0;
    do {
        digits[count++] = (char)('0' + number % 10);
        number /= 10;
    } while (number > 0);
    while (count > 0) *cursor++ = digits[--count];
    return cursor;
}

#if defined(__linux__)
// Reads /proc/<self>/task/<self>/children (the guardian has one thread). Returns the number of
// pids stored, or -1 when the file cannot be read.
static int list_children(pid_t self, pid_t *children, int capacity) {
    char path[80];
    char *cursor = append_text(path, "/proc/");
    cursor = append_number(cursor, (unsigned long)self);
    cursor = append_text(cursor, "/task/");
    cursor = append_number(cursor, (unsigned long)self);
    cursor = append_text(cursor, "/children");
    *cursor = '\0';

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int count = 0;
    long current = -1;
    char buffer[512];
    for (;;) {
        ssize_t length = read(fd, buffer, sizeof buffer);
        if (length < 0) {
            if (errno == EINTR) continue;
            (void)close(fd);
            return -1;
        }
        if (length == 0) break;
        for (ssize_t i = 0; i < length; i++) {
            char c = buffer[i];
            if (c >= '0' && c <= '9') {
                current = (current < 0 ? 0 : current * 10) + (c - '0');
            } else if (current >= 0) {
                if (count < capacity) children[count++] = (pid_t)current;
                current = -1;
            }
        }
    }
    if (current >= 0 && count < capacity) children[count++] = (pid_t)current;
    (void)close(fd);
    return count;
}
#endif

// As a child subreaper the guardian adopts every orphaned descendant, including ones that left the
// command's process group (setsid, setpgid). Killing all current children and reaping them, over
// and over, reaches the whole remaining tree: the children of each killed process are adopted
// before that process can be reaped.
static void kill_adopted_descendants(void) {
#if defined(__linux__)
    pid_t self = getpid();
    pid_t children[256];
    for (;;) {
        int count = list_children(self, children, 256);
        if (count < 0) break;  // No /proc: reap what has exited and stop.
        for (int i = 0; i < count; i++) (void)kill(children[i], SIGKILL);
        pid_t reaped = waitpid(-1, NULL, count > 0 ? 0 : WNOHANG);
        if (reaped < 0 && errno == EINTR) continue;
        if (reaped <= 0) return;  // ECHILD: no descendants left.
    }
#endif
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

static void guardian_finish(pid_t command) __attribute__((noreturn));
static void guardian_finish(pid_t command) {
    // The command is not reaped yet, so its pid (the group id) cannot have been reused.
    (void)kill(-command, SIGKILL);
    int status = 0;
    pid_t reaped;
    do {
        reaped = waitpid(command, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    kill_adopted_descendants();
    if (reaped == command && WIFEXITED(status)) {
        send_status(FD_STATUS, JOBCORE_STATUS_EXITED, WEXITSTATUS(status));
    } else if (reaped == command && WIFSIGNALED(status)) {
        send_status(FD_STATUS, JOBCORE_STATUS_SIGNALED, WTERMSIG(status));
    } else {
        send_status(FD_STATUS, JOBCORE_STATUS_SIGNALED, SIGKILL);
    }
    _exit(0);
}

// Reaps adopted orphans that have exited; returns 1 once the command itself has exited (left
// unreaped, so that its process group id stays reserved until the group is killed).
static int command_has_exited(pid_t command) {
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
            if (errno == EINTR) continue;
            return 1;  // ECHILD: the command is gone.
        }
        if (info.si_pid == 0) return 0;
        if (info.si_pid == command) return 1;
        (void)waitpid(info.si_pid, NULL, 0);
    }
}

// The lease the guardian enforces: when `deadline` passes without an extension from the worker,
// the command gets SIGTERM `grace` before the deadline and SIGKILL at it.
typedef struct {
    int64_t deadline;  // 0: no lease.
    int64_t grace;
    int64_t kill_at;   // Once stopping: the deadline in force when SIGTERM went out.
    int stopping;
    // A lease record being read from the control socket: a zero byte, then 8 bytes.
    unsigned char record[8];
    int record_length;  // -1 outside a record.
} lease_state;

// Applies what the worker sent: signals for the command's group, and lease extensions.
static void handle_control(pid_t command, lease_state *lease, const unsigned char *bytes, ssize_t count) {
    for (ssize_t i = 0; i < count; i++) {
        if (lease->record_length >= 0) {
            lease->record[lease->record_length++] = bytes[i];
            if (lease->record_length == (int)sizeof lease->record) {
                int64_t deadline;
                memcpy(&deadline, lease->record, sizeof deadline);
                // An extension that arrives after SIGTERM went out comes too late: the stop goes on.
                if (!lease->stopping && lease->deadline != 0) lease->deadline = deadline;
                lease->record_length = -1;
            }
        } else if (bytes[i] == 0) {
            lease->record_length = 0;
        } else {
            (void)kill(-command, bytes[i]);
        }
    }
}

// Milliseconds until the lease's next step (SIGTERM, or SIGKILL once stopping), rounded up; -1
// for none. Takes the step when it is due.
static int lease_step(pid_t command, lease_state *lease) {
    if (lease->deadline == 0) return -1;
    int64_t now = jobcore_guardian_clock_ns();
    if (!lease->stopping) {
        int64_t term_at = lease->deadline - lease->grace;
        if (now < term_at) {
            int64_t wait = (term_at - now + 999999) / 1000000;
            return wait > 1000000 ? 1000000 : (int)wait;
        }
        lease->stopping = 1;
        lease->kill_at = lease->deadline;
        send_status(FD_STATUS, JOBCORE_STATUS_LEASE_EXPIRED, 0);
        (void)kill(-command, SIGTERM);
        (void)kill(-command, SIGCONT);
    }
    if (now >= lease->kill_at) guardian_finish(command);
    int64_t wait = (lease->kill_at - now + 999999) / 1000000;
    return wait > 1000000 ? 1000000 : (int)wait;
}

static void guardian_loop(pid_t command, int wake_read, lease_state *lease) __attribute__((noreturn));
static void guardian_loop(pid_t command, int wake_read, lease_state *lease) {
    for (;;) {
        if (termination_requested) guardian_finish(command);
        if (command_has_exited(command)) guardian_finish(command);
        int timeout = lease_step(command, lease);
        struct pollfd fds[2] = {{FD_CONTROL, POLLIN, 0}, {wake_read, POLLIN, 0}};
        int ready = poll(fds, 2, timeout);
        if (ready < 0) {
            if (errno == EINTR) continue;
            guardian_finish(command);
        }
        if (ready == 0) continue;  // A lease step is due.
        if (fds[1].revents & POLLIN) {
            char drain[64];
            while (read(wake_read, drain, sizeof drain) > 0) {
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            unsigned char requests[64];
            ssize_t count = read(FD_CONTROL, requests, sizeof requests);
            if (count < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (count <= 0) guardian_finish(command);  // End of file: the worker is gone.
            handle_control(command, lease, requests, count);
        }
    }
}

// MARK: - The guardian

void jobcore_guardian_main(const jobcore_spawn_request *request) {
    set_signal_mask(1);
    reset_signal_dispositions();
    (void)setsid();
#if defined(__linux__)
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif

    // Move the descriptors we need to fixed numbers and close everything else this process
    // inherited: other jobs' pipes and, above all, the worker's ends of every control socket.
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) fail(request->status_fd, errno);
    const int sources[FD_FIRST_FREE] = {
        devnull, request->stdout_fd, request->stderr_fd,
        request->control_fd, request->status_fd, request->exec_fd,
    };
    int copies[FD_FIRST_FREE];
    for (int fd = 0; fd < FD_FIRST_FREE; fd++) {
        copies[fd] = fcntl(sources[fd], F_DUPFD_CLOEXEC, FD_FIRST_FREE);
        if (copies[fd] < 0) fail(request->status_fd, errno);
    }
    for (int fd = 0; fd < FD_FIRST_FREE; fd++) {
        if (dup2(copies[fd], fd) < 0) fail(copies[FD_STATUS], errno);
    }
    close_from(FD_FIRST_FREE);
    for (int fd = FD_CONTROL; fd < FD_FIRST_FREE; fd++) (void)fcntl(fd, F_SETFD, FD_CLOEXEC);

    // The worker may already be gone: then start nothing.
    struct pollfd probe = {FD_CONTROL, POLLIN, 0};
    if (poll(&probe, 1, 0) > 0 && (probe.revents & (POLLHUP | POLLERR))) _exit(0);

    int wake[2];
    if (pipe(wake) != 0) fail(FD_STATUS, errno);
    for (int i = 0; i < 2; i++) {
        (void)fcntl(wake[i], F_SETFD, FD_CLOEXEC);
        (void)fcntl(wake[i], F_SETFL, O_NONBLOCK);
    }
    wake_fd = wake[1];
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigfillset(&action.sa_mask);
    const int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++) (void)sigaction(handled[i], &action, NULL);
    action.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &action, NULL);

    pid_t guardian = getpid();
    pid_t command = fork_without_handlers();
    if (command < 0) fail(FD_STATUS, errno);
    if (command == 0) command_main(request, guardian);

    // Both sides call setpgid, so the group exists whichever runs first.
    (void)setpgid(command, command);
    (void)close(FD_EXEC);
    (void)dup2(0, 1);  // The pipes belong to the command now.
    (void)dup2(0, 2);
    send_status(FD_STATUS, JOBCORE_STATUS_STARTED, command);
    set_signal_mask(0);
    lease_state lease = {request->lease_deadline_ns, request->lease_grace_ns, 0, 0, {0}, -1};
    if (lease.grace < 0) lease.grace = 0;
    guardian_loop(command, wake[0], &lease);
}
