import Foundation

/// Finds and removes stale workspaces under a root: our prefix, a real directory (not a link),
/// an owner that is gone, and created before the cutoff.
struct WorkspaceSweep {
    let root: String
    let prefix: String
    let cutoff: Date

    /// What one sweep did.
    struct Outcome {
        /// The workspaces removed.
        var removed: [String] = []
        /// Workspaces only partly removed (after a second attempt), with what was left and why.
        /// The owner marker is removed last, so the next sweep finds and retries them.
        var incomplete: [(path: String, reason: String)] = []
    }

    func run() -> Outcome {
        var outcome = Outcome()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return outcome }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for name in names.sorted() where name.hasPrefix(prefix) {
            let path = (root as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            let markerPath = (path as NSString).appendingPathComponent(WorkspaceMarker.fileName)
            let created: Date
            if let data = Self.readRegularFile(markerPath), let marker = try? decoder.decode(WorkspaceMarker.self, from: data) {
                if marker.ownerIsAlive { continue }
                created = marker.createdAt
            } else {
                // No readable marker: a workspace whose creator died before writing it. Judge by age.
                created = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
            }
            guard created < cutoff else { continue }
            var report = SafeRemoval.remove(name, in: root, last: WorkspaceMarker.fileName)
            if !report.isComplete { report = SafeRemoval.remove(name, in: root, last: WorkspaceMarker.fileName) }
            if report.isComplete {
                outcome.removed.append(path)
            } else {
                outcome.incomplete.append((path, report.summary))
            }
        }
        return outcome
    }

    /// The largest owner marker read; a real one is a few hundred bytes.
    static let maximumMarkerSize = 64 << 10

    /// Reads a file only when it is a regular file of at most `limit` bytes: never a link (which
    /// could point anywhere), a FIFO or a device (whose open or read could block for ever).
    /// `O_NONBLOCK` keeps the open of a FIFO from waiting for a writer; `fstat` on the opened
    /// descriptor then refuses anything that is not a regular file.
    static func readRegularFile(_ path: String, limit: Int = maximumMarkerSize) -> Data? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= limit else { return nil }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count <= limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? data : nil }
            data.append(contentsOf: buffer[..<count])
        }
        return nil  // grew past the limit while being read
    }
}
