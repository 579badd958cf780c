import ArgumentParser
import Foundation
import JobCore
import Logging
import ServiceLifecycle

enum LogLevel: String, ExpressibleByArgument, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .notice }
}
