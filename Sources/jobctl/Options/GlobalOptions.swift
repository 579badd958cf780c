import ArgumentParser
import Foundation
import JobCore
import Logging
import ServiceLifecycle

/// The options of every subcommand, accepted before the subcommand too (`jobctl --store URL list`).
///
/// The root command parses them wherever they stand; each subcommand's `@OptionGroup` of this
/// type then receives the root's values (swift-argument-parser hands a parent's option group to
/// a child's group of the same type). Given twice, the later value — the subcommand's — wins.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .customLong("workspace-root"), help: ArgumentHelp("Directory for job workspaces (env JOBCTL_WORKSPACE_ROOT).", valueName: "dir"))
    var workspaceRoot: String?

    @Option(name: .customLong("log-level"), help: "The least severe level logged (to stderr).")
    var logLevel: LogLevel = .notice

    @Option(name: .customLong("log-format"), help: "Log lines as text, or as one JSON object each.")
    var logFormat: LogFormat = .text

    /// The workspace root: the option, else `JOBCTL_WORKSPACE_ROOT`, else the system temporary directory.
    var resolvedWorkspaceRoot: String {
        workspaceRoot ?? ProcessInfo.processInfo.environment["JOBCTL_WORKSPACE_ROOT"] ?? NSTemporaryDirectory()
    }

    /// The workspace root, checked before anything is created: not empty, and a directory (or a
    /// path whose parent is one, where the workspace manager creates it).
    /// - Throws: ``CLIError`` with `invalidInput`.
    func checkedWorkspaceRoot() throws -> String {
        let path = resolvedWorkspaceRoot
        guard !path.isEmpty else { throw CLIError(.invalidInput, "the workspace root is empty (--workspace-root, JOBCTL_WORKSPACE_ROOT)") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError(.invalidInput, "the workspace root \(path) is not a directory") }
        } else {
            let parent = (path as NSString).deletingLastPathComponent
            guard FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError(.invalidInput, "the workspace root \(path) does not exist, nor does its parent directory")
            }
        }
        return path
    }

    /// Sets up logging to stderr in the chosen format and returns the root logger.
    func makeLogger(label: String = "jobctl") -> Logger {
        LogSetup.bootstrapOnce(format: logFormat, level: logLevel.level)
        var logger = Logger(label: label)
        logger.logLevel = logLevel.level
        return logger
    }
}
