import ArgumentParser
import Foundation
import JobCore
import JobCoreHTTP
import NIOSSL

/// The edges of `jobctl serve`: TLS, cross-origin access and the per-client rate limit.
struct ServeSecurityOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp(
        "The PEM private key of --tls-cert (unencrypted).", valueName: "file"))
    var tlsKey: String?
    @Option(name: .customLong("cors-origin"), help: ArgumentHelp(
        "Let pages of this origin call the API from a browser (CORS), such as https://ops.example.com; repeatable.",
        valueName: "origin"))
    var corsOrigins: [String] = []
    @Option(name: .customLong("rate-limit"), help: ArgumentHelp(
        "Per-client rate limit (per token, or per address without one), such as 200/s or 600/m; over it: 429. Off by default.",
        valueName: "rate"))
    var rateLimit: String?
    @Option(name: .customLong("rate-burst"), help: ArgumentHelp(
        "With --rate-limit: the most requests at once (default: one second's worth, at least 1).", valueName: "n"))
    var rateBurst: Int?

    /// Whether the server serves HTTPS.
    var servesTLS: Bool { tlsCertificate != nil }

    func validate() throws {
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): break
        case (let certificate?, let key?):
            // Read and checked now: a file that cannot serve TLS is invalid input (exit 2).
            do {
                _ = try JobCoreAPI.serverTLSConfiguration(certificateFile: certificate, privateKeyFile: key)
            } catch {
                throw ValidationError(error.message)
            }
        default:
            throw ValidationError("--tls-cert and --tls-key go together: give both, or neither")
        }
        for origin in corsOrigins where !Self.isOrigin(origin) {
            throw ValidationError(
                "--cors-origin \(origin) is not an origin: give scheme://host[:port], such as https://ops.example.com, without a path"
            )
        }
        if let rateLimit, Self.requestsPerSecond(rateLimit) == nil {
            throw ValidationError("--rate-limit must be a positive number of requests per second or minute, such as 200/s or 600/m")
        }
        if let rateBurst {
            guard rateLimit != nil else { throw ValidationError("--rate-burst needs --rate-limit") }
            guard (1...1_000_000).contains(rateBurst) else { throw ValidationError("--rate-burst must be from 1 to 1000000") }
        }
    }

    /// The TLS configuration of `--tls-cert` and `--tls-key`, if given.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let tlsCertificate, let tlsKey else { return nil }
        do {
            return try JobCoreAPI.serverTLSConfiguration(certificateFile: tlsCertificate, privateKeyFile: tlsKey)
        } catch {
            throw CLIError(.invalidInput, error.message)
        }
    }

    /// The rate limit of `--rate-limit` and `--rate-burst`, if given.
    var limit: JobCoreAPI.RateLimit? {
        rateLimit.flatMap(Self.requestsPerSecond).map { JobCoreAPI.RateLimit(requestsPerSecond: $0, burst: rateBurst) }
    }

    /// Requests per second of `N/s` or `N/m` (N a positive number).
    static func requestsPerSecond(_ text: String) -> Double? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Double(parts[0]), count.isFinite, count > 0, count <= 1_000_000 else { return nil }
        switch parts[1] {
        case "s": return count
        case "m": return count / 60
        default: return nil
        }
    }

    /// Whether `text` is a web origin as browsers send it: `http(s)://host[:port]`, lowercase,
    /// without path, query or user.
    static func isOrigin(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme, ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, components.path.isEmpty, components.query == nil,
              components.fragment == nil, components.user == nil, text == text.lowercased() else { return false }
        return true
    }
}
