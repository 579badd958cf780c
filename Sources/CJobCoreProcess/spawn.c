// The worker's side: descriptors, the fork of the guardian, reaping.

#define _GNU_SOURCE
#include "guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#if defined(__APPLE__)
#include <pthread.h>
// Darwin has neither pipe2 nor SOCK_CLOEXEC: descriptors are created, then marked close-on-exec.
// Holding this lock across both steps and across our own fork keeps our guardians from
// inheriting a half-made descriptor; forks by other code in the process are not covered.
static pthread_mutex_t descriptor_lock = PTHREAD_MUTEX_INITIALIZER;

static void set_cloexec(int fds[2]) {
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
}
#endif

// glibc >= 2.34: fork the guardian without running pthread_atfork handlers, so it runs nothing but
// guardian.c. Elsewhere plain fork().
static pid_t fork_guardian(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return _Fork();
#else
    return fork();
#endif
}

#if defined(__linux__)
// The memory of this process's initial environment: what /proc/PID/environ shows, whatever
// setenv/unsetenv did since (fields 50 and 51 of /proc/self/stat, env_start and env_end). Read
// once; zero when unknown.
static unsigned long environment_start, environment_end;
static pthread_once_t environment_once = PTHREAD_ONCE_INIT;

static void read_environment_region(void) {
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buffer[2048];
    size_t length = 0;
    for (;;) {
        ssize_t got = read(fd, buffer + length, sizeof buffer - 1 - length);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        length += (size_t)got;
        if (length == sizeof buffer - 1) break;
    }
    close(fd);
    buffer[length] = 0;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    char *cursor = strrchr(buffer, ')');
    if (cursor == NULL) return;
    cursor++;
    unsigned long start = 0, end = 0;
    for (int field = 3; *cursor != 0 && field <= 51; field++) {
        while (*cursor == ' ') cursor++;
        if (field == 50 || field == 51) {
            char *next = NULL;
            unsigned long value = strtoul(cursor, &next, 10);
            if (next == cursor) return;
            if (field == 50) start = value; else end = value;
            cursor = next;
        } else {
            while (*cursor != ' ' && *cursor != 0) cursor++;  // field 3 is a letter (the state)
        }
    }
    if (start != 0 && end > start && end - start < (1UL << 24)) {
        environment_start = start;
        environment_end = end;
    }
}
#endif

// In the guardian, first thing after the fork: it holds a copy of the worker's memory, so it
// must not show the worker's environment (its tokens) to the command it runs, which can read
// /proc/$PPID/environ; and no process of the same user may read its memory or a core of it.
// Async-signal-safe: memset and a system call.
static void seal_guardian(void) {
#if defined(__linux__)
    if (environment_end > environment_start) {
        memset((void *)environment_start, 0, environment_end - environment_start);
    }
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

pid_t jobcore_spawn_guarded(const jobcore_spawn_request *request) {
#if defined(__linux__)
    pthread_once(&environment_once, read_environment_region);
#endif
#if defined(__APPLE__)
    pthread_mutex_lock(&descriptor_lock);
#endif
    pid_t pid = fork_guardian();
    if (pid == 0) {
        seal_guardian();
        jobcore_guardian_main(request);
    }
    int saved = errno;
#if defined(__APPLE__)
    pthread_mutex_unlock(&descriptor_lock);
#endif
    errno = saved;
    return pid;
}

int jobcore_make_pipe(int fds[2]) {
#if defined(__APPLE__)
    pthread_mutex_lock(&descriptor_lock);
    int result = pipe(fds);
    if (result == 0) set_cloexec(fds);
    int saved = errno;
    pthread_mutex_unlock(&descriptor_lock);
    errno = saved;
    return result;
#else
    return pipe2(fds, O_CLOEXEC);
#endif
}

int jobcore_make_control_pair(int fds[2]) {
#if defined(__APPLE__)
    pthread_mutex_lock(&descriptor_lock);
    int result = socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    if (result == 0) {
        set_cloexec(fds);
        int on = 1;
        (void)setsockopt(fds[0], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
        (void)setsockopt(fds[1], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
    }
    int saved = errno;
    pthread_mutex_unlock(&descriptor_lock);
    errno = saved;
    return result;
#else
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
#endif
}

int jobcore_send_control(int fd, int signal) {
    unsigned char byte = (unsigned char)signal;
#if defined(MSG_NOSIGNAL)
    int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
    int flags = MSG_DONTWAIT;  // Darwin: SO_NOSIGPIPE is set on the socket.
#endif
    for (;;) {
        ssize_t sent = send(fd, &byte, 1, flags);
        if (sent == 1) return 0;
        if (sent < 0 && errno == EINTR) continue;
        return -1;
    }
}

int jobcore_send_lease(int fd, int64_t deadline_ns) {
    // One record: a zero byte (no signal has number 0), then the deadline. A single send of 9
    // bytes on a Unix stream socket is written whole or not at all while the buffer has room; the
    // guardian reads records as they come, so its buffer never fills.
    unsigned char record[1 + sizeof deadline_ns];
    record[0] = 0;
    memcpy(record + 1, &deadline_ns, sizeof deadline_ns);
#if defined(MSG_NOSIGNAL)
    int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
    int flags = MSG_DONTWAIT;
#endif
    for (;;) {
        ssize_t sent = send(fd, record, sizeof record, flags);
        if (sent == (ssize_t)sizeof record) return 0;
        if (sent < 0 && errno == EINTR) continue;
        if (sent >= 0) errno = EAGAIN;
        return -1;
    }
}

int64_t jobcore_lease_clock_ns(void) {
    return jobcore_guardian_clock_ns();
}

int jobcore_reap(pid_t pid, int32_t *kind, int32_t *value) {
    int status = 0;
    pid_t reaped;
    do {
        reaped = waitpid(pid, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    if (reaped < 0) return -1;
    if (WIFEXITED(status)) {
        *kind = JOBCORE_STATUS_EXITED;
        *value = WEXITSTATUS(status);
    } else {
        *kind = JOBCORE_STATUS_SIGNALED;
        *value = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return 0;
}

long jobcore_read(int fd, void *buffer, unsigned long count) {
    ssize_t length;
    do {
        length = read(fd, buffer, count);
    } while (length < 0 && errno == EINTR);
    return (long)length;
}

int jobcore_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int jobcore_set_nondumpable(void) {
#if defined(__linux__)
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#else
    return 0;
#endif
}

int jobcore_is_dumpable(void) {
#if defined(__linux__)
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#else
    return 1;
#endif
}
