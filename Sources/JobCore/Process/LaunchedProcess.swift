import CJobCoreProcess
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command that has passed `execve`.
struct LaunchedProcess: Sendable {
    let processID: Int32
    let guardianProcessID: Int32
    let lifecycle: ProcessLifecycle
}
