import Foundation

/// Standard output and error, with terminal detection for progress lines and colour.
struct Terminal: Sendable {
    let descriptor: Int32

    static let standardOutput = Terminal(descriptor: STDOUT_FILENO)
    static let standardError = Terminal(descriptor: STDERR_FILENO)

    /// Whether this stream is a terminal (progress lines and colour only then).
    var isTerminal: Bool { isatty(descriptor) == 1 }

    func write(_ text: String) {
        write(bytes: Array(text.utf8))
    }

    /// Writes bytes exactly as they are: a command's output is passed through, never re-encoded.
    func write(bytes: some Sequence<UInt8>) {
        var bytes = Array(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written <= 0 {
                if written < 0, errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
