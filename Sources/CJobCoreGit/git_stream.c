// A libgit2 socket stream with TCP_NODELAY and poll-based connect and I/O timeouts.
#include "CJobCoreGit.h"

#include <git2.h>
#include <git2/sys/errors.h>
#include <git2/sys/stream.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static atomic_int connect_timeout_ms = 0;
static atomic_int io_timeout_ms = 0;

typedef struct {
    git_stream parent;
    char *host;
    char *port;
    int fd;
} jobcore_stream;

static void set_error(const char *what, const char *host, int code) {
    char message[512];
    if (code != 0) {
        snprintf(message, sizeof message, "%s %s: %s", what, host ? host : "", strerror(code));
    } else {
        snprintf(message, sizeof message, "%s %s", what, host ? host : "");
    }
    git_error_set_str(GIT_ERROR_NET, message);
}

/// Waits until `fd` is ready for `events`; returns 1 when ready, 0 on timeout, -1 on error.
static int wait_for(int fd, short events, int timeout_ms) {
    struct pollfd item = { .fd = fd, .events = events, .revents = 0 };
    for (;;) {
        int ready = poll(&item, 1, timeout_ms > 0 ? timeout_ms : -1);
        if (ready < 0 && errno == EINTR) continue;
        return ready;
    }
}

static int stream_connect(git_stream *stream) {
    jobcore_stream *st = (jobcore_stream *)stream;
    struct addrinfo hints, *info = NULL, *p;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    int status = getaddrinfo(st->host, st->port, &hints, &info);
    if (status != 0) {
        char message[512];
        snprintf(message, sizeof message, "failed to resolve address for %s: %s", st->host, gai_strerror(status));
        git_error_set_str(GIT_ERROR_NET, message);
        return -1;
    }
    int fd = -1, last_error = 0, timed_out = 0;
    for (p = info; p != NULL; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, p->ai_protocol);
        if (fd < 0) { last_error = errno; continue; }
        int result = connect(fd, p->ai_addr, p->ai_addrlen);
        if (result != 0 && errno == EINPROGRESS) {
            int ready = wait_for(fd, POLLOUT, st->parent.connect_timeout);
            if (ready == 0) {
                timed_out = 1;
            } else if (ready > 0) {
                int error = 0;
                socklen_t length = sizeof error;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0) result = 0;
                else last_error = error ? error : errno;
            } else {
                last_error = errno;
            }
        } else if (result != 0) {
            last_error = errno;
        }
        if (result == 0) break;
        close(fd);
        fd = -1;
        if (timed_out) break;
    }
    freeaddrinfo(info);
    if (fd < 0) {
        if (timed_out) {
            set_error("failed to connect to", st->host, 0);
            git_error_set_str(GIT_ERROR_NET, "failed to connect: operation timed out");
            return GIT_TIMEOUT;
        }
        set_error("failed to connect to", st->host, last_error);
        return -1;
    }
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    st->fd = fd;
    return 0;
}

static ssize_t stream_read(git_stream *stream, void *data, size_t length) {
    jobcore_stream *st = (jobcore_stream *)stream;
    for (;;) {
        ssize_t count = recv(st->fd, data, length, 0);
        if (count >= 0) return count;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            set_error("error receiving data from", st->host, errno);
            return -1;
        }
        int ready = wait_for(st->fd, POLLIN, st->parent.timeout);
        if (ready == 0) {
            git_error_set_str(GIT_ERROR_NET, "could not read from socket: timed out");
            return GIT_TIMEOUT;
        }
        if (ready < 0) {
            set_error("error receiving data from", st->host, errno);
            return -1;
        }
    }
}

static ssize_t stream_write(git_stream *stream, const char *data, size_t length, int flags) {
    jobcore_stream *st = (jobcore_stream *)stream;
    (void)flags;
    for (;;) {
        ssize_t count = send(st->fd, data, length, MSG_NOSIGNAL);
        if (count >= 0) return count;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            set_error("error sending data to", st->host, errno);
            return -1;
        }
        int ready = wait_for(st->fd, POLLOUT, st->parent.timeout);
        if (ready == 0) {
            git_error_set_str(GIT_ERROR_NET, "could not write to socket: timed out");
            return GIT_TIMEOUT;
        }
        if (ready < 0) {
            set_error("error sending data to", st->host, errno);
            return -1;
        }
    }
}

static int stream_close(git_stream *stream) {
    jobcore_stream *st = (jobcore_stream *)stream;
    int result = 0;
    if (st->fd >= 0) result = close(st->fd);
    st->fd = -1;
    return result;
}

static void stream_free(git_stream *stream) {
    jobcore_stream *st = (jobcore_stream *)stream;
    if (st->fd >= 0) close(st->fd);
    free(st->host);
    free(st->port);
    free(st);
}

static int stream_new(git_stream **out, const char *host, const char *port) {
    jobcore_stream *st = calloc(1, sizeof *st);
    if (st == NULL) return -1;
    st->host = strdup(host);
    st->port = strdup(port ? port : "80");
    if (st->host == NULL || st->port == NULL) {
        free(st->host);
        free(st->port);
        free(st);
        return -1;
    }
    st->fd = -1;
    st->parent.version = GIT_STREAM_VERSION;
    st->parent.timeout = atomic_load(&io_timeout_ms);
    st->parent.connect_timeout = atomic_load(&connect_timeout_ms);
    st->parent.connect = stream_connect;
    st->parent.read = stream_read;
    st->parent.write = stream_write;
    st->parent.close = stream_close;
    st->parent.free = stream_free;
    *out = (git_stream *)st;
    return 0;
}

int jobcore_git_stream_register(void) {
    git_stream_registration registration;
    memset(&registration, 0, sizeof registration);
    registration.version = GIT_STREAM_VERSION;
    registration.init = stream_new;
    return git_stream_register(GIT_STREAM_STANDARD, &registration);
}

void jobcore_git_stream_set_timeouts(int connect_ms, int io_ms) {
    atomic_store(&connect_timeout_ms, connect_ms);
    atomic_store(&io_timeout_ms, io_ms);
}
