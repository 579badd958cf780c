#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the file `execve` should run for a ``CommandSpec/executable``.
enum ExecutableResolver {
    /// Used when neither the command's environment nor the supervising process has a `PATH`.
    static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    /// Returns the executable itself when it contains a `/`, else the first executable regular
    /// file named `name` in `searchPath`, or nil. Relative entries (an empty entry means `.`) are
    /// taken from `workingDirectory` when one is given, as the command would see them.
    static func resolve(_ name: String, searchPath: String, workingDirectory: String?) -> String? {
        if name.contains("/") { return name }
        for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let directory = entry.isEmpty ? "." : String(entry)
            var candidate = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if !candidate.hasPrefix("/"), let workingDirectory {
                candidate = workingDirectory + "/" + candidate
            }
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
