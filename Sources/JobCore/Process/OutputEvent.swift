/// One element of a command's output: a chunk, or the mark of output dropped by the bounded log.
public enum OutputEvent: Sendable, Hashable {
    /// Bytes the command wrote.
    case chunk(OutputChunk)
    /// `omittedBytes` bytes were dropped here to keep the log within its limit.
    case truncated(omittedBytes: Int)
}
