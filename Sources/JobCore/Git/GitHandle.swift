import CLibGit2
import Foundation

/// Small helpers for calling libgit2 from Swift: status checks and object ids.
enum GitHandle {
    /// Runs a libgit2 call that returns a status; throws the error read on this thread.
    static func check(_ context: GitTransferContext, _ action: String, _ call: () -> Int32) throws {
        let status = call()
        if status < 0 { throw context.error(from: status, while: action) }
    }

    /// Runs a libgit2 call that creates an object through an out-pointer.
    static func check(_ context: GitTransferContext, _ action: String, _ call: (inout OpaquePointer?) -> Int32) throws -> OpaquePointer {
        var pointer: OpaquePointer?
        let status = call(&pointer)
        if status < 0 { throw context.error(from: status, while: action) }
        guard let pointer else { throw GitError(.other, "\(action) failed: libgit2 returned nothing") }
        return pointer
    }

    /// The hex form of an object id.
    static func hex(_ oid: UnsafePointer<git_oid>?) -> String {
        guard let oid else { return "" }
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_MAX_HEXSIZE) + 1)
        git_oid_tostr(&buffer, buffer.count, oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// C string arrays for libgit2's `git_strarray`.
enum GitStrings {
    static func withArray<T>(_ strings: [String], _ body: (UnsafeMutablePointer<git_strarray>) throws -> T) rethrows -> T {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var array: [UnsafeMutablePointer<CChar>?] = pointers
        return try array.withUnsafeMutableBufferPointer { buffer in
            var strarray = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return try body(&strarray)
        }
    }
}
