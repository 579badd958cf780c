import ArgumentParser
import Foundation
import JobCore
import JobCoreGitHub
import Logging

/// libgit2's process-wide connect and I/O timeouts.
struct GitTimeoutOptions: ParsableArguments {
    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("How long to wait for a connection to the Git server.", valueName: "duration"))
    var connectTimeout = LibGit2.Timeouts().connect

    @Option(name: .customLong("io-timeout"), help: ArgumentHelp("How long to wait for the Git server to answer.", valueName: "duration"))
    var ioTimeout = LibGit2.Timeouts().io

    func apply() {
        LibGit2.configure(timeouts: LibGit2.Timeouts(connect: connectTimeout, io: ioTimeout))
    }
}
