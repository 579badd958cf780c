public import Foundation

/// A private temporary directory for a test, removed by ``remove()`` or by ``with(prefix:_:)``.
public struct TemporaryDirectory: Sendable {
    /// The directory (mode 0700).
    public let url: URL

    /// Creates a new empty directory under the system's temporary directory.
    public init(prefix: String = "jobcore-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.url = url.resolvingSymlinksInPath()
    }

    /// Runs `body` with a new temporary directory and removes it afterwards.
    public static func with<T>(prefix: String = "jobcore-test", _ body: (URL) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory(prefix: prefix)
        defer { directory.remove() }
        return try await body(directory.url)
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Every file below the directory, with its contents, for searching a secret's text.
    public static func contents(below url: URL) -> [(path: String, data: Data)] {
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [(String, Data)] = []
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                  let data = try? Data(contentsOf: file) else { continue }
            files.append((file.path, data))
        }
        return files
    }
}
