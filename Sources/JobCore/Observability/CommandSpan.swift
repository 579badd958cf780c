import Foundation
import Synchronization
import Tracing

/// The span of a command job's command: from its start to its exit, a child of the attempt's
/// span. Attributes: `process.executable.name` (the last path component, never the arguments,
/// which may hold secrets) and `process.exit.code`. Ends once, whichever `end` comes first.
final class CommandSpan: Sendable {
    private let span: Mutex<(any Span)?>

    init(executable: String) {
        guard let tracer = Observability().activeTracer else {
            span = Mutex(nil)
            return
        }
        let span: any Span = tracer.startSpan("command", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        span.attributes["process.executable.name"] = (executable as NSString).lastPathComponent
        self.span = Mutex(span)
    }

    /// Ends the span with the command's exit status, or as failed to start when `nil`.
    func end(_ status: ExitStatus?) {
        guard let span = span.withLock({ span in defer { span = nil }; return span }) else { return }
        if let status {
            span.attributes["process.exit.code"] = Int(status.shellCode)
            if !status.isSuccess { span.setStatus(SpanStatus(code: .error)) }
        } else {
            span.setStatus(SpanStatus(code: .error))
        }
        span.end()
    }
}
