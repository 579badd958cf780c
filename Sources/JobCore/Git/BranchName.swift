/// Branch-name validation exactly as Git does it (`git check-ref-format --branch`).
public enum BranchName {
    /// Whether `name` is a valid branch name.
    public static func isValid(_ name: String) -> Bool {
        reason(name) == nil
    }

    /// Throws when `name` is not a valid branch name, saying why.
    /// - Throws: ``GitError`` with code `.invalidInput`.
    public static func validate(_ name: String) throws {
        if let reason = reason(name) {
            throw GitError(.invalidInput, "invalid branch name '\(printable(name))': \(reason)")
        }
    }

    /// Validates the name of a feature branch a job creates: Git's rules, and not a lone `@`,
    /// which Git accepts as a branch name but also reads as `HEAD` in revision arguments.
    /// - Throws: ``GitError`` with code `.invalidInput`.
    public static func validateFeatureBranch(_ name: String) throws {
        if name == "@" { throw GitError(.invalidInput, "invalid branch name '@': Git reads a lone '@' as HEAD") }
        try validate(name)
        // Git stores a branch as a file per '/'-separated component (`.git/refs/heads/a/b`), and
        // a file name has at most 255 bytes: a longer component could never be created.
        if let long = name.split(separator: "/").first(where: { $0.utf8.count > maximumComponentBytes }) {
            throw GitError(.invalidInput, "invalid branch name '\(printable(String(long.prefix(40))))…': a part between slashes has \(long.utf8.count) bytes, more than \(maximumComponentBytes)")
        }
        if name.utf8.count > maximumFeatureBranchBytes {
            throw GitError(.invalidInput, "invalid branch name: \(name.utf8.count) bytes, more than \(maximumFeatureBranchBytes)")
        }
    }

    /// The longest part between slashes of a feature branch: a file name's limit (`NAME_MAX`).
    public static let maximumComponentBytes = 255
    /// The longest feature branch name, in bytes.
    public static let maximumFeatureBranchBytes = 1024

    /// Why `name` is not a valid branch name, or `nil` when it is.
    public static func reason(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        if name == "HEAD" { return "'HEAD' is reserved" }
        return referenceReason("refs/heads/" + name)
    }

    /// Whether a full ref name such as `refs/tags/v1` is valid (Git's `check_refname_format`).
    static func isValidReference(_ refname: String) -> Bool {
        referenceReason(refname) == nil
    }

    /// Git's `check_refname_format` with no flags, over the name's bytes.
    static func referenceReason(_ refname: String) -> String? {
        let bytes = Array(refname.utf8)
        if bytes == [UInt8(ascii: "@")] { return "a lone '@' is not allowed" }
        var components = 0
        var start = 0
        while true {
            var index = start
            var last: UInt8 = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: "/") {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F { return "it contains a control character" }
                switch byte {
                case UInt8(ascii: "."): if last == UInt8(ascii: ".") { return "it contains '..'" }
                case UInt8(ascii: "{"): if last == UInt8(ascii: "@") { return "it contains '@{'" }
                case UInt8(ascii: " "), UInt8(ascii: "~"), UInt8(ascii: "^"), UInt8(ascii: ":"), UInt8(ascii: "?"),
                     UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "\\"):
                    return "it contains '\(Character(Unicode.Scalar(byte)))'"
                default: break
                }
                last = byte
                index += 1
            }
            let component = bytes[start..<index]
            if component.isEmpty { return "it has an empty path component (a leading, trailing or double '/')" }
            if component.first == UInt8(ascii: ".") { return "a path component starts with '.'" }
            if component.count >= 5, component.suffix(5).elementsEqual(".lock".utf8) { return "a path component ends with '.lock'" }
            components += 1
            if index == bytes.count { break }
            start = index + 1
        }
        if bytes.last == UInt8(ascii: ".") { return "it ends with '.'" }
        if components < 2 { return "it has a single level" }
        return nil
    }

    private static func printable(_ name: String) -> String {
        String(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
