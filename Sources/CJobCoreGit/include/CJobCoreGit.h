#ifndef JOBCORE_CJOBCOREGIT_H
#define JOBCORE_CJOBCOREGIT_H

/// Registers JobCore's socket stream as libgit2's standard stream (plain TCP, also under TLS).
/// It differs from libgit2's own in one way that matters: TCP_NODELAY, so a request whose headers
/// and body are written separately is not held back by Nagle's algorithm waiting for the
/// server's delayed ACK (about 40 ms per request on Linux). Returns 0 or a libgit2 error code.
int jobcore_git_stream_register(void);

/// Sets the connect and read/write timeouts of later connections, in milliseconds (0: none).
void jobcore_git_stream_set_timeouts(int connect_ms, int io_ms);

#endif
