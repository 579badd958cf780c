import ArgumentParser
import Foundation
import JobCore
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .customLong("workspace-root"), help: ArgumentHelp("Directory for job workspaces (env JOBCTL_WORKSPACE_ROOT).", valueName: "dir"))
    var workspaceRoot: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevel = .notice

    @Option(name: .customLong("log-format"), help: "text or json.")
    var logFormat: LogFormat = .text

    /// The workspace root: the option, else `JOBCTL_WORKSPACE_ROOT`, else the system temporary directory.
    var resolvedWorkspaceRoot: String {
        workspaceRoot ?? ProcessInfo.processInfo.environment["JOBCTL_WORKSPACE_ROOT"] ?? NSTemporaryDirectory()
    }

    /// Opens the job store named by `--store` / `JOBCTL_STORE` / the default.
    func openStore(logger: Logger) throws -> any JobStore {
        do {
            return try storeOptions.open(logger: logger)
        } catch let error as ValidationError {
            throw CLIError(.invalidInput, error.message)
        }
    }

    /// Sets up logging to stderr in the chosen format and returns the root logger.
    func makeLogger(label: String = "jobctl") -> Logger {
        LogSetup.bootstrapOnce(format: logFormat, level: logLevel.level)
        var logger = Logger(label: label)
        logger.logLevel = logLevel.level
        return logger
    }
}

enum LogFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case text, json
}

enum LogLevel: String, ExpressibleByArgument, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .notice }
}
