import CJobCoreProcess
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command ready for `execve`: validated, resolved, flattened.
struct ProcessLaunch: Sendable {
    /// The executable as the caller gave it, for errors and logs.
    var executable: String
    /// The file to execute.
    var path: String
    /// `argv`, including `argv[0]`.
    var argv: [String]
    /// `NAME=value` entries.
    var environment: [String]
    var workingDirectory: String?
    /// The guardian's lease deadline and grace, in nanoseconds of the lease clock; 0 for none.
    var leaseDeadline: Int64 = 0
    var leaseGrace: Int64 = 0
    /// The user to become, or nil.
    var user: ProcessUser?
}
