import Foundation

/// Finds and removes stale workspaces under a root: our prefix, a real directory (not a link),
/// an owner that is gone, and created before the cutoff.
struct WorkspaceSweep {
    let root: String
    let prefix: String
    let cutoff: Date

    func run() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var removed: [String] = []
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
            if SafeRemoval.remove(name, in: root) { removed.append(path) }
        }
        return removed
    }

    /// Reads a file only when it is a regular file (not a link to somewhere else).
    private static func readRegularFile(_ path: String) -> Data? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return try? handle.readToEnd()
    }
}
