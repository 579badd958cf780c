import ArgumentParser
import JobCore

/// `jobctl worker --drain` (or `--drain-when-nothing-queued`) and `--drain-when-nothing-due`:
/// the worker's ``Worker/DrainMode``, in the library's words.
enum DrainFlag: EnumerableFlag {
    case whenNothingQueued
    case whenNothingDue

    var mode: Worker.DrainMode {
        switch self {
        case .whenNothingQueued: .whenNothingQueued
        case .whenNothingDue: .whenNothingDue
        }
    }

    static func name(for value: DrainFlag) -> NameSpecification {
        switch value {
        case .whenNothingQueued: [.customLong("drain"), .customLong("drain-when-nothing-queued")]
        case .whenNothingDue: .customLong("drain-when-nothing-due")
        }
    }

    static func help(for value: DrainFlag) -> ArgumentHelp? {
        switch value {
        case .whenNothingQueued:
            "Returns once no job is queued (due now or scheduled later, such as a failed job waiting for its retry back-off) and none is running, in any process on the store."
        case .whenNothingDue:
            "Returns as soon as no job is due now and none runs here: jobs scheduled for later, including failed jobs waiting for their retry back-off, stay queued for another worker (or a later run)."
        }
    }
}
