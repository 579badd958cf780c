#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ignores `SIGPIPE` for the whole process, so that a write to a pipe or socket whose reader is
/// gone fails with `EPIPE` instead of killing the process. Call it once, at start-up, in a
/// program that uses the Git layer or supervises processes; calling it again does nothing more.
///
/// JobCore never changes the process's signal handling by itself. Its own sockets and pipes
/// already avoid `SIGPIPE` (libgit2's HTTP(S) connections go through a stream that sends with
/// `MSG_NOSIGNAL`; the supervisor's control socket does the same, and the guardian process
/// ignores the signal), but libgit2 asks applications to ignore it — a transport or TLS library
/// may write to a socket directly — and so does code that writes to a child's standard input.
/// `jobctl` calls it first thing; so do the test kit's servers, which write request bodies to
/// `git http-backend`.
public func ignoreSIGPIPE() {
    _ = signal(SIGPIPE, SIG_IGN)
}
