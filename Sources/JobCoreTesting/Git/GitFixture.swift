public import Foundation
import JobCore

/// Builds Git repositories for tests with the `git` command line (`git fast-import`, so even
/// thousands of commits take a moment).
public enum GitFixture {
    /// What to put in a fixture repository.
    public struct Spec: Sendable {
        /// Commits on the default branch. Defaults to 3.
        public var commits: Int
        /// Files in the tree; each later commit changes one of them. Defaults to 4.
        public var files: Int
        /// Bytes in each file. Defaults to 256.
        public var fileSize: Int
        /// The default branch. Defaults to `main`.
        public var defaultBranch: String
        /// Other branches; each gets one commit of its own on top of the default branch.
        public var branches: [String]
        /// Annotated tags, on the default branch's first commit.
        public var tags: [String]
        /// Extra files (path → content) added by the first commit, e.g. a `.gitattributes`.
        public var extraFiles: [String: String]

        public init(commits: Int = 3, files: Int = 4, fileSize: Int = 256, defaultBranch: String = "main",
                    branches: [String] = [], tags: [String] = [], extraFiles: [String: String] = [:]) {
            self.commits = commits
            self.files = files
            self.fileSize = fileSize
            self.defaultBranch = defaultBranch
            self.branches = branches
            self.tags = tags
            self.extraFiles = extraFiles
        }
    }

    /// Creates a bare repository at `path` (e.g. `root/acme/widgets.git`).
    /// - Returns: `path`.
    @discardableResult
    public static func makeBareRepository(at path: URL, spec: Spec = Spec()) throws -> URL {
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        try git(["init", "--quiet", "--bare", "--initial-branch=\(spec.defaultBranch)", path.path])
        var stream = Data()
        func add(_ text: String) { stream.append(contentsOf: Array(text.utf8)) }
        func blob(_ content: String) { add("data \(content.utf8.count)\n\(content)\n") }
        func content(file: Int, version: Int) -> String {
            let line = "file \(file) version \(version) "
            return String(repeating: line, count: max(1, spec.fileSize / line.count)) + "\n"
        }
        let time = 1_700_000_000
        for number in 1...max(1, spec.commits) {
            add("commit refs/heads/\(spec.defaultBranch)\nmark :\(number)\n")
            add("author Fixture <fixture@example.com> \(time + number) +0000\n")
            add("committer Fixture <fixture@example.com> \(time + number) +0000\n")
            let message = "commit \(number)"
            add("data \(message.utf8.count)\n\(message)\n")
            if number == 1 {
                for (path, content) in spec.extraFiles.sorted(by: { $0.key < $1.key }) {
                    add("M 100644 inline \(path)\n")
                    blob(content)
                }
                for file in 0..<max(1, spec.files) {
                    add("M 100644 inline \(filePath(file))\n")
                    blob(content(file: file, version: 0))
                }
            } else {
                let file = (number - 2) % max(1, spec.files)
                add("M 100644 inline \(filePath(file))\n")
                blob(content(file: file, version: number))
            }
        }
        for (index, branch) in spec.branches.enumerated() {
            add("commit refs/heads/\(branch)\n")
            add("committer Fixture <fixture@example.com> \(time + spec.commits + index + 1) +0000\n")
            let message = "work on \(branch)"
            add("data \(message.utf8.count)\n\(message)\n")
            add("from :\(max(1, spec.commits))\n")
            add("M 100644 inline branch-\(index).txt\n")
            blob("only on \(branch)\n")
        }
        for tag in spec.tags {
            add("tag \(tag)\nfrom :1\ntagger Fixture <fixture@example.com> \(time) +0000\n")
            let message = "release \(tag)"
            add("data \(message.utf8.count)\n\(message)\n")
        }
        try git(["--git-dir=\(path.path)", "fast-import", "--quiet"], input: stream)
        return path
    }

    /// The path of file `index` in fixture trees: spread over folders like a real project.
    public static func filePath(_ index: Int) -> String {
        "src/module\(index % 20)/file\(index).txt"
    }

    /// Runs `git` with `arguments` and returns its standard output.
    /// - Throws: when git exits with a non-zero status, with its standard error.
    @discardableResult
    public static func git(_ arguments: [String], in directory: URL? = nil, input: Data? = nil, environment: [String: String] = [:]) throws -> String {
        try run(["git"] + arguments, in: directory, input: input, environment: environment)
    }

    /// Runs a `bash` script and returns its standard output.
    @discardableResult
    public static func shell(_ script: String, in directory: URL? = nil, input: Data? = nil, environment: [String: String] = [:]) throws -> String {
        try run(["bash", "-c", script], in: directory, input: input, environment: environment)
    }

    /// Runs a command found on the PATH with Git's user and system configuration ignored.
    /// With `input`, it calls `ignoreSIGPIPE()` (JobCore): the command may exit before reading it.
    /// - Throws: when it exits with a non-zero status, with its standard error.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL? = nil, input: Data? = nil, environment: [String: String] = [:]) throws -> String {
        if input != nil { ignoreSIGPIPE() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_TERMINAL_PROMPT"] = "0"
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            let writer = stdin.fileHandleForWriting
            let thread = Thread {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
            thread.start()
        }
        let errorReader = ErrorCollector(errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errorReader.finish()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "\(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(stderr)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The error of a failed fixture command.
    public struct FixtureError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}

/// Drains a pipe on its own thread so a chatty child never blocks on a full pipe.
private final class ErrorCollector: @unchecked Sendable {
    // Written by the reader thread before `done` is signalled, read only after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
        thread.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
