import Foundation

/// Deletes directory trees relative to open directory handles, never following a symbolic link:
/// a link inside a tree is removed as a link, and whatever it points to is left alone.
package enum SafeRemoval {
    /// Removes `name` inside the directory at `parent` (a file, a link, or a whole tree).
    /// - Returns: whether it is gone afterwards.
    @discardableResult
    package static func remove(_ name: String, in parent: String) -> Bool {
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else { return errno == ENOENT }
        defer { close(parentFD) }
        return removeEntry(name, in: parentFD)
    }

    /// Removes the tree at `path` (its last component, relative to its parent directory).
    @discardableResult
    package static func remove(path: String) -> Bool {
        let url = URL(fileURLWithPath: path)
        return remove(url.lastPathComponent, in: url.deletingLastPathComponent().path)
    }

    private static func removeEntry(_ name: String, in parentFD: Int32) -> Bool {
        var info = stat()
        guard fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return errno == ENOENT }
        if info.st_mode & S_IFMT == S_IFDIR {
            let directoryFD = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if directoryFD >= 0 {
                // A job may have taken write permission away from its own directories.
                if info.st_mode & S_IRWXU != S_IRWXU { fchmod(directoryFD, info.st_mode | S_IRWXU) }
                removeChildren(of: directoryFD)
            }
            return unlinkat(parentFD, name, AT_REMOVEDIR) == 0 || errno == ENOENT
        }
        return unlinkat(parentFD, name, 0) == 0 || errno == ENOENT
    }

    /// Removes everything inside the open directory `directoryFD`, then closes it.
    private static func removeChildren(of directoryFD: Int32) {
        guard let stream = fdopendir(directoryFD) else {
            close(directoryFD)
            return
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names { _ = removeEntry(name, in: directoryFD) }
    }
}
