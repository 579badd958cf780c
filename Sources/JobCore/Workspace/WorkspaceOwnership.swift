import Foundation

/// Lends a workspace's work tree to the user a command runs as (``CommandJobRunner/Configuration/runAs``)
/// and takes it back once the command's processes are gone, before JobCore commits, pushes or
/// removes anything there.
///
/// The walk never follows a symbolic link (links are re-owned as links), is iterative (a job can
/// make a tree 30,000 levels deep), keeps at most three directories open, and steps back up through
/// `..` only after checking it is the directory it came from.
enum WorkspaceOwnership {
    /// Gives the work tree at `directory` to `user`, and lets that user (only) traverse the
    /// workspace's own directory, which stays the worker's: the user can neither list it nor
    /// replace the owner marker beside the work tree.
    static func give(_ directory: String, to user: ProcessUser) throws {
        let container = (directory as NSString).deletingLastPathComponent
        try user.checkCanReach((container as NSString).deletingLastPathComponent)
        guard chmod(container, 0o711) == 0 else { throw failure("cannot open \(container) to \(user.name)", errno) }
        try chownTree(directory, uid: user.uid, gid: user.gid, sparingSharedFiles: true)
    }

    /// Takes the work tree at `directory` back for this process's user and closes the workspace's
    /// own directory again.
    static func takeBack(_ directory: String) throws {
        try chownTree(directory, uid: geteuid(), gid: getegid(), sparingSharedFiles: false)
        _ = chmod((directory as NSString).deletingLastPathComponent, 0o700)
    }

    private static func failure(_ message: String, _ code: Int32) -> GitError {
        GitError(.invalidInput, "\(message): \(String(cString: strerror(code)))")
    }

    /// Changes the owner of every entry of the tree at `path`, depth first without recursion.
    /// With `sparingSharedFiles`, regular files with more than one link keep their owner: the
    /// packs a workspace shares with the repository cache by hard links stay the worker's,
    /// readable by the command (they are read-only) but not writable.
    private static func chownTree(_ path: String, uid: uid_t, gid: gid_t, sparingSharedFiles: Bool) throws {
        let top = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard top >= 0 else { throw failure("cannot open \(path)", errno) }
        var current = top
        defer {
            if current != top { close(current) }
            close(top)
        }
        var ancestors: [(device: UInt64, inode: UInt64)] = []
        var pending: [[[CChar]]] = [try subdirectories(of: top, uid: uid, gid: gid, sparingSharedFiles: sparingSharedFiles)]
        while true {
            if let next = pending[pending.count - 1].popLast() {
                let child = openat(current, next, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else {
                    if errno == ENOENT || errno == ELOOP || errno == ENOTDIR { continue }  // changed meanwhile
                    throw failure("cannot open a directory in \(path)", errno)
                }
                var here = stat()
                fstat(current, &here)
                ancestors.append((UInt64(here.st_dev), UInt64(here.st_ino)))
                if current != top { close(current) }
                current = child
                pending.append(try subdirectories(of: current, uid: uid, gid: gid, sparingSharedFiles: sparingSharedFiles))
                continue
            }
            guard fchown(current, uid, gid) == 0 else { throw failure("cannot change the owner of a directory in \(path)", errno) }
            pending.removeLast()
            guard let expected = ancestors.popLast() else { return }
            let parent = openat(current, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            var info = stat()
            guard parent >= 0, fstat(parent, &info) == 0, UInt64(info.st_dev) == expected.device, UInt64(info.st_ino) == expected.inode else {
                if parent >= 0 { close(parent) }
                throw failure("a directory of \(path) was moved while its owner was changed", EXDEV)
            }
            if current != top { close(current) }
            if ancestors.isEmpty {
                close(parent)  // back at the top, which stays open
                current = top
            } else {
                current = parent
            }
        }
    }

    /// Re-owns every entry of the open directory that is not a directory; returns the names of its
    /// subdirectories.
    private static func subdirectories(of directory: Int32, uid: uid_t, gid: gid_t, sparingSharedFiles: Bool) throws -> [[CChar]] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw failure("cannot read a workspace directory", errno)
        }
        defer { closedir(stream) }
        var directories: [[CChar]] = []
        while let entry = readdir(stream) {
            let name: [CChar] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
            }
            if name == [46, 0] || name == [46, 46, 0] { continue }
            var info = stat()
            guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                directories.append(name)
            } else if sparingSharedFiles, info.st_mode & S_IFMT == S_IFREG, info.st_nlink > 1 {
                continue
            } else if fchownat(directory, name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0, errno != ENOENT {
                throw failure("cannot change the owner of a file in a workspace", errno)
            }
        }
        return directories
    }
}
