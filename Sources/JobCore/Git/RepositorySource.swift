import Foundation

/// Where a repository comes from: a remote URL (https, or http for local test servers) or a local
/// path. Parsed from the forms users type, shared by the library and `jobctl`.
public struct RepositorySource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The URL or absolute path handed to Git.
    public let location: String
    /// Whether the source is a local path (a local clone: libgit2's local transport has no
    /// shallow support, so such a clone is never shallow).
    public let isLocal: Bool
    /// The owner, when known (`owner/repo` forms and URLs with two path components).
    public let owner: String?
    /// The repository name, when known.
    public let name: String?

    /// How short forms are resolved.
    public struct Resolution: Sendable, Hashable {
        /// The base URL that `owner/repo` is resolved against. Defaults to `https://github.com`.
        public var baseURL: String
        /// The owner used for a bare repository name. Defaults to `nil` (bare names rejected).
        public var defaultOwner: String?

        public init(baseURL: String = "https://github.com", defaultOwner: String? = nil) {
            self.baseURL = baseURL
            self.defaultOwner = defaultOwner
        }
    }

    /// The accepted forms, for error messages.
    public static let acceptedForms =
        "an https URL (https://host/owner/repo[.git]), owner/repo, a repository name with a default owner, or a local path (/path, ./path, file:///path)"

    /// A remote repository from an explicit owner and name.
    /// - Throws: ``GitError`` with code `.invalidInput` when either name is not valid.
    public init(owner: String, repository: String, resolution: Resolution = Resolution()) throws {
        try Self.validateOwner(owner)
        let name = try Self.validateRepository(repository)
        var base = resolution.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        try Self.validateBaseURL(base)
        self.init(location: "\(base)/\(owner)/\(name).git", isLocal: false, owner: owner, name: name)
    }

    /// Refuses a base URL that is not http(s) or carries credentials (`http://user:TOKEN@host`):
    /// they would land in `.git/config`, `JOB_REPO`, the store and the logs. The message never
    /// quotes a URL with credentials.
    public static func validateBaseURL(_ base: String) throws {
        guard let components = URLComponents(string: base) else {
            throw GitError(.invalidInput, "invalid base URL: it must be an http(s) URL")
        }
        guard components.user == nil, components.password == nil else {
            throw GitError(.invalidInput, "invalid base URL: credentials in the URL are not allowed; give a token through the credential options instead")
        }
        guard let scheme = components.scheme?.lowercased(), ["https", "http"].contains(scheme), components.host?.isEmpty == false else {
            throw GitError(.invalidInput, "invalid base URL '\(base)': it must be an http(s) URL")
        }
    }

    private init(location: String, isLocal: Bool, owner: String?, name: String?) {
        self.location = location
        self.isLocal = isLocal
        self.owner = owner
        self.name = name
    }

    /// Parses a repository source.
    /// - Throws: ``GitError`` with code `.invalidInput` naming the accepted forms.
    public static func parse(_ text: String, resolution: Resolution = Resolution()) throws -> RepositorySource {
        let input = text.trimmingCharacters(in: .whitespaces)
        guard !input.isEmpty else { throw invalid(text, "it is empty") }
        if input.hasPrefix("file://") {
            guard let url = URL(string: input), url.isFileURL, !url.path.isEmpty else { throw invalid(text, "malformed file URL") }
            return local(url.path)
        }
        if input.hasPrefix("/") || input.hasPrefix("./") || input.hasPrefix("../") || input == "." || input.hasPrefix("~/") {
            let expanded = input.hasPrefix("~/") ? NSString(string: input).expandingTildeInPath : input
            return local(expanded)
        }
        if input.contains("://") { return try remoteURL(input, original: text) }
        if input.contains("@") || input.contains(":") {
            throw invalid(text, "SSH and scp-style addresses are not supported")
        }
        let parts = input.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            _ = try validateRepository(parts[0])
            guard let owner = resolution.defaultOwner else {
                throw invalid(text, "a bare repository name needs a default owner")
            }
            return try RepositorySource(owner: owner, repository: parts[0], resolution: resolution)
        case 2:
            return try RepositorySource(owner: parts[0], repository: parts[1], resolution: resolution)
        default:
            throw invalid(text, "expected owner/repo")
        }
    }

    public var description: String { location }

    private static func local(_ path: String) -> RepositorySource {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return RepositorySource(location: absolute, isLocal: true, owner: nil, name: URL(fileURLWithPath: absolute).lastPathComponent)
    }

    private static func remoteURL(_ input: String, original: String) throws -> RepositorySource {
        guard let components = URLComponents(string: input), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { throw invalid(original, "malformed URL") }
        guard scheme == "https" || scheme == "http" else {
            throw invalid(original, "the scheme '\(scheme)' is not supported")
        }
        guard components.user == nil, components.password == nil else {
            throw GitError(.invalidInput, "invalid repository: credentials in the URL are not allowed; give a token through the credential options instead")
        }
        guard components.query == nil, components.fragment == nil else { throw invalid(original, "a query or fragment is not allowed") }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw invalid(original, "the URL has no repository path")
        }
        var owner: String?
        var name: String?
        if parts.count == 2 {
            try validateOwner(parts[0])
            owner = parts[0]
            name = try validateRepository(parts[1])
        } else {
            name = parts.last.map { $0.hasSuffix(".git") ? String($0.dropLast(4)) : $0 }
        }
        var normalized = components
        normalized.path = path
        normalized.scheme = scheme
        return RepositorySource(location: normalized.string ?? input, isLocal: false, owner: owner, name: name)
    }

    private static let ownerCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    private static let repositoryCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    static func validateOwner(_ owner: String) throws {
        guard !owner.isEmpty, owner.count <= 39, owner.unicodeScalars.allSatisfy(ownerCharacters.contains),
              !owner.hasPrefix("-"), !owner.hasSuffix("-")
        else {
            throw GitError(.invalidInput, "invalid owner '\(owner)': use 1 to 39 letters, digits, '-' or '_', not starting or ending with '-'")
        }
    }

    /// Validates a repository name and returns it without a `.git` suffix.
    static func validateRepository(_ repository: String) throws -> String {
        let name = repository.hasSuffix(".git") ? String(repository.dropLast(4)) : repository
        guard !name.isEmpty, name.count <= 100, name != ".", name != "..", !name.contains(".."),
              name.unicodeScalars.allSatisfy(repositoryCharacters.contains)
        else {
            throw GitError(.invalidInput, "invalid repository name '\(repository)': use 1 to 100 letters, digits, '-', '_' or '.', without '..'")
        }
        return name
    }

    private static func invalid(_ text: String, _ why: String) -> GitError {
        GitError(.invalidInput, "invalid repository '\(text)': \(why); expected \(acceptedForms)")
    }
}
