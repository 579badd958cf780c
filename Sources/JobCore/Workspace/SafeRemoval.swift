import Foundation

/// Deletes directory trees relative to open directory handles, never following a symbolic link:
/// a link inside a tree is removed as a link, and whatever it points to is left alone.
///
/// Removal is iterative (a job can make a tree 30,000 levels deep): depth first, with one
/// directory open below the top at a time, so it takes no recursion, at most four open
/// descriptors whatever the depth, memory for one batch of names plus 24 bytes per level of
/// depth, and it reports what it could not remove.
package enum SafeRemoval {
    /// What a removal left behind.
    package struct Report: Sendable, Equatable {
        /// Whether the tree is gone.
        package var isComplete: Bool = true
        /// How many entries could not be removed.
        package var failureCount = 0
        /// The first few of them, as `path: reason` (paths relative to the tree's top; a moved
        /// directory shows its temporary name).
        package var failures: [String] = []

        static let keptFailures = 16

        mutating func fail(_ path: String, _ code: Int32) {
            isComplete = false
            failureCount += 1
            if failures.count < Self.keptFailures { failures.append("\(path): \(String(cString: strerror(code)))") }
        }

        /// The failures on one line, for a log or an error.
        package var summary: String {
            let more = failureCount > failures.count ? " (and \(failureCount - failures.count) more)" : ""
            return failures.joined(separator: "; ") + more
        }
    }

    /// Names read from a directory at a time.
    static let batchSize = 256

    /// Removes `name` inside the directory at `parent` (a file, a link, or a whole tree).
    /// - Parameter last: a name directly inside the tree removed only once everything else is
    ///   gone (a workspace's owner marker, so a partly removed workspace is still recognised).
    /// - Returns: what could not be removed.
    @discardableResult
    package static func remove(_ name: String, in parent: String, last: String? = nil) -> Report {
        var report = Report()
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else {
            if errno != ENOENT { report.fail(parent, errno) }
            return report
        }
        defer { close(parentFD) }
        var info = stat()
        guard fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno != ENOENT { report.fail(name, errno) }
            return report
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            if unlinkat(parentFD, name, 0) != 0, errno != ENOENT { report.fail(name, errno) }
            return report
        }
        guard let top = openDirectory(Array(name.utf8CString), in: parentFD, mode: info.st_mode, report: &report, path: name) else { return report }
        emptyTop(top, last: last, report: &report)
        close(top)
        if report.isComplete, unlinkat(parentFD, name, AT_REMOVEDIR) != 0, errno != ENOENT {
            report.fail(name, errno)
        }
        return report
    }

    /// Removes the tree at `path` (its last component, relative to its parent directory).
    @discardableResult
    package static func remove(path: String, last: String? = nil) -> Report {
        let url = URL(fileURLWithPath: path)
        return remove(url.lastPathComponent, in: url.deletingLastPathComponent().path, last: last)
    }

    /// Empties the open directory `top`, depth first without recursion: `current` is the one
    /// directory open below `top`; each level above it is remembered only as its device and inode
    /// (plus the names that could not be removed there), and a step back up through `..` is
    /// checked against them, so a directory moved meanwhile never leads outside the tree.
    private static func emptyTop(_ top: Int32, last: String?, report: inout Report) {
        let lastName = last.map { Array($0.utf8CString) }
        var ancestors: [(device: UInt64, inode: UInt64)] = []
        var skips: [Set<Name>] = [lastName.map { [$0] } ?? []]
        var unremovable = Set<[UInt64]>()
        var current = top
        defer { if current != top { close(current) } }
        while true {
            let batch = names(in: current, skipping: skips[skips.count - 1])
            var descended = false
            for entry in batch {
                var info = stat()
                guard fstatat(current, entry, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    if errno != ENOENT { skips[skips.count - 1].insert(entry); report.fail(display(entry), errno) }
                    continue
                }
                if info.st_mode & S_IFMT != S_IFDIR {
                    if unlinkat(current, entry, 0) != 0, errno != ENOENT {
                        skips[skips.count - 1].insert(entry)
                        report.fail(display(entry), errno)
                    }
                    continue
                }
                if unlinkat(current, entry, AT_REMOVEDIR) == 0 || errno == ENOENT { continue }
                let rmdirError = errno
                if unremovable.contains([UInt64(info.st_dev), UInt64(info.st_ino)]) {
                    skips[skips.count - 1].insert(entry)  // its contents were reported already
                    continue
                }
                guard [ENOTEMPTY, EEXIST, EACCES, EPERM].contains(rmdirError) else {
                    report.fail(display(entry), rmdirError)
                    skips[skips.count - 1].insert(entry)
                    continue
                }
                guard let child = openDirectory(entry, in: current, mode: info.st_mode, report: &report, path: display(entry)) else {
                    skips[skips.count - 1].insert(entry)
                    continue
                }
                var here = stat()
                fstat(current, &here)
                ancestors.append((UInt64(here.st_dev), UInt64(here.st_ino)))
                skips.append([])
                if current != top { close(current) }
                current = child
                descended = true
                break
            }
            if descended || !batch.isEmpty { continue }
            // `current` is as empty as it gets: go back up.
            guard let expected = ancestors.popLast() else { break }
            let failedHere = !(skips.removeLast().isEmpty)
            var info = stat()
            fstat(current, &info)
            if failedHere { unremovable.insert([UInt64(info.st_dev), UInt64(info.st_ino)]) }
            if ancestors.isEmpty {
                close(current)
                current = top
                continue
            }
            let parent = openat(current, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(current)
            current = top
            var parentInfo = stat()
            guard parent >= 0, fstat(parent, &parentInfo) == 0,
                  UInt64(parentInfo.st_dev) == expected.device, UInt64(parentInfo.st_ino) == expected.inode else {
                if parent >= 0 { close(parent) }
                report.fail("..", EXDEV)  // moved while being removed: stop rather than leave the tree
                return
            }
            current = parent
        }
        if let lastName, report.isComplete, unlinkat(top, lastName, 0) != 0, errno != ENOENT {
            report.fail(display(lastName), errno)
        }
    }

    /// Opens the directory `name` of `parent` without following a link, making it readable,
    /// writable and searchable first when a job took those permissions away.
    private static func openDirectory(_ name: Name, in parent: Int32, mode: mode_t, report: inout Report, path: String) -> Int32? {
        var descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0, errno == EACCES {
            chmodDirectory(name, in: parent, mode: mode | S_IRWXU)
            descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            report.fail(path, errno)
            return nil
        }
        if mode & S_IRWXU != S_IRWXU { fchmod(descriptor, mode | S_IRWXU) }
        return descriptor
    }

    /// Changes the mode of the directory `name` of `parent` through an `O_PATH` descriptor, which
    /// neither follows a link nor needs any permission on the directory itself.
    private static func chmodDirectory(_ name: Name, in parent: Int32, mode: mode_t) {
        let oPath: Int32 = 0o10000000  // O_PATH on Linux
        let handle = openat(parent, name, oPath | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard handle >= 0 else { return }
        defer { close(handle) }
        _ = chmod("/proc/self/fd/\(handle)", mode & 0o7777)
    }

    /// A name as the file system has it: bytes (not necessarily UTF-8), NUL-terminated.
    typealias Name = [CChar]

    static func display(_ name: Name) -> String {
        String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Up to ``batchSize`` names in the open directory `directory` (from its start), except `.`,
    /// `..` and `skipping`.
    private static func names(in directory: Int32, skipping: Set<Name>) -> [Name] {
        let copy = dup(directory)
        guard copy >= 0 else { return [] }
        guard let stream = fdopendir(copy) else {
            close(copy)
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [Name] = []
        while names.count < batchSize, let entry = readdir(stream) {
            let name: Name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
            }
            if name == [46, 0] || name == [46, 46, 0] || skipping.contains(name) { continue }
            names.append(name)
        }
        return names
    }
}
