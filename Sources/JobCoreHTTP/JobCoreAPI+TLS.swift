import Foundation
public import Hummingbird
public import HummingbirdTLS
public import Logging
public import NIOCore
public import NIOSSL

extension JobCoreAPI {
    /// A complete server of the API over HTTPS (HummingbirdTLS, swift-nio-ssl): as
    /// ``makeApplication(configuration:onServerRunning:logger:)``, with TLS on every connection.
    ///
    /// ```swift
    /// import Hummingbird
    /// import JobCore
    /// import JobCoreHTTP
    /// import Logging
    ///
    /// let store = MemoryJobStore()
    /// let api = JobCoreAPI(store: store, configuration: .init(accessTokens: store))
    /// let tls = try JobCoreAPI.serverTLSConfiguration(certificateFile: "server.pem", privateKeyFile: "server.key")
    /// let app = try api.makeApplication(
    ///     configuration: .init(address: .hostname("0.0.0.0", port: 8443)), tlsConfiguration: tls, logger: Logger(label: "ops")
    /// )
    /// ```
    /// - Parameters:
    ///   - configuration: where to listen (Hummingbird's `ApplicationConfiguration`).
    ///   - tlsConfiguration: the server's certificate chain and key (and any other TLS setting),
    ///     for example from ``serverTLSConfiguration(certificateFile:privateKeyFile:)``.
    ///   - onServerRunning: told the listening channel once the server runs. Defaults to nothing.
    ///   - logger: the server's logger.
    /// - Returns: the application; run it with `runService()` or in a `ServiceGroup`.
    /// - Throws: swift-nio-ssl's error when the TLS configuration cannot make a TLS context.
    public func makeApplication(
        configuration: ApplicationConfiguration,
        tlsConfiguration: TLSConfiguration,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        logger: Logger
    ) throws -> some ApplicationProtocol {
        makeApplication(
            configuration: configuration, server: try .tls(.http1(), tlsConfiguration: tlsConfiguration),
            onServerRunning: onServerRunning, logger: logger
        )
    }

    /// A server TLS configuration from PEM files: a certificate chain (the server's certificate
    /// first, then any intermediates) and its private key; TLS 1.2 at least.
    ///
    /// The files are read and checked now: both exist and are readable, hold PEM of the right
    /// kind, and the key is the certificate's. The errors name the file, never its contents.
    /// - Parameters:
    ///   - certificateFile: the path of the PEM certificate chain.
    ///   - privateKeyFile: the path of the PEM private key (unencrypted).
    /// - Returns: the configuration, for ``makeApplication(configuration:tlsConfiguration:onServerRunning:logger:)``.
    /// - Throws: ``TLSFileError``.
    public static func serverTLSConfiguration(certificateFile: String, privateKeyFile: String) throws(TLSFileError) -> TLSConfiguration {
        let certificateBytes = try read(certificateFile, what: "certificate")
        let keyBytes = try read(privateKeyFile, what: "private key")
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            certificates = []
        }
        guard !certificates.isEmpty else {
            throw TLSFileError(.invalidCertificate, path: certificateFile, "the TLS certificate file \(certificateFile) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw TLSFileError(.invalidPrivateKey, path: privateKeyFile, "the TLS key file \(privateKeyFile) holds no unencrypted PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        // BoringSSL checks that the key is the certificate's when a context is made of them.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(
                .keyMismatch, path: privateKeyFile,
                "the TLS key file \(privateKeyFile) does not hold the private key of the certificate in \(certificateFile)"
            )
        }
        return configuration
    }

    private static func read(_ path: String, what: String) throws(TLSFileError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TLSFileError(.missingFile, path: path, "the TLS \(what) file \(path) does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSFileError(.unreadableFile, path: path, "the TLS \(what) file \(path) cannot be read")
        }
        return Array(data)
    }
}

/// Why a certificate or key file cannot serve TLS: an opaque ``Code``, the file, and a message
/// that names the file — never its contents.
public struct TLSFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case missingFile, unreadableFile, invalidCertificate, invalidPrivateKey, keyMismatch
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file does not exist.
        public static let missingFile = Code(.missingFile)
        /// The file exists but cannot be read (permissions, a directory).
        public static let unreadableFile = Code(.unreadableFile)
        /// The certificate file holds no PEM certificate.
        public static let invalidCertificate = Code(.invalidCertificate)
        /// The key file holds no unencrypted PEM private key.
        public static let invalidPrivateKey = Code(.invalidPrivateKey)
        /// The key is not the certificate's.
        public static let keyMismatch = Code(.keyMismatch)

        public var description: String { base.rawValue }
    }

    /// What is wrong.
    public var code: Code
    /// The file at fault.
    public var path: String
    /// What is wrong, for a person.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
