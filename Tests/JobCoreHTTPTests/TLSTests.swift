import AsyncHTTPClient
import Foundation
import Hummingbird
@_spi(JobStoreImplementation) import JobCore
import JobCoreHTTP
import JobCoreTesting
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
import Testing

/// HTTPS: the API served with a certificate of the test, asked over TLS by a client that trusts
/// that certificate only; plain HTTP gets no answer; the PEM files are checked with clear errors.
@Suite struct TLSTests {
    @Test func theAPIAnswersOverHTTPSWithTheGivenCertificate() async throws {
        try await TemporaryDirectory.with(prefix: "jobcore-tls") { directory in
            let certificate = try await TestCertificate.make(in: directory)
            let tls = try JobCoreAPI.serverTLSConfiguration(certificateFile: certificate.certificateFile, privateKeyFile: certificate.keyFile)
            #expect(tls.minimumTLSVersion == .tlsv12)
            let store = MemoryJobStore()
            let tokens = try await AccessTokens.create(name: "ci", scope: .read, in: store).token
            let api = JobCoreAPI(store: store, configuration: .init(accessTokens: store))
            try await Self.serve(api, tls: tls) { port in
                var trusting = TLSConfiguration.makeClientConfiguration()
                trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.certificateFile))
                try await Self.withClient(trusting) { client in
                    for host in ["127.0.0.1", "localhost"] {
                        var request = HTTPClientRequest(url: "https://\(host):\(port)/v1/health")
                        request.headers.add(name: "Authorization", value: "Bearer \(tokens)")
                        let response = try await client.execute(request, timeout: .seconds(30))
                        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
                        #expect(response.status == .ok, "\(body)")
                        #expect(body.contains("\"timestamp\""), "\(body)")
                    }
                    let refused = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/v1/health"), timeout: .seconds(30))
                    #expect(refused.status == .unauthorized, "the same API, with its authentication")
                }
                // A client that does not trust the certificate fails to verify it; one limited to
                // TLS 1.1 (allowed on its side) is refused by the server.
                let untrusted = try await Python.run(["-c", Self.handshake, "\(port)", "", "default"])
                #expect(untrusted.status == 1 && untrusted.stdout.contains("CERTIFICATE_VERIFY_FAILED"), "\(untrusted.stdout)")
                let old = try await Python.run(["-c", Self.handshake, "\(port)", certificate.certificateFile, "tls1.1"])
                #expect(old.status == 1 && old.stdout.lowercased().contains("protocol version"), "\(old.stdout)")
                let current = try await Python.run(["-c", Self.handshake, "\(port)", certificate.certificateFile, "default"])
                #expect(current.status == 0 && current.stdout.hasPrefix("TLSv1."), "\(current.stdout) \(current.stderr)")
                // Plain HTTP on the TLS port: whatever comes back is not an HTTP answer.
                let plain = try await Python.run(["-c", Self.plainRequest, "\(port)"])
                #expect(plain.status == 0, "\(plain.stderr)")
                #expect(!plain.stdout.contains("HTTP/1.1"), "\(plain.stdout)")
                #expect(!plain.stdout.contains("openapi"), "\(plain.stdout)")
            }
        }
    }

    @Test func certificateAndKeyFilesAreCheckedWithClearErrors() async throws {
        try await TemporaryDirectory.with(prefix: "jobcore-tls") { directory in
            let first = try await TestCertificate.make(in: directory, name: "first")
            let second = try await TestCertificate.make(in: directory, name: "second")
            let keyText = try String(contentsOfFile: first.keyFile, encoding: .utf8)
            let missing = directory.appendingPathComponent("missing.pem").path
            let notPEM = directory.appendingPathComponent("not.pem").path
            try Data("hello\n".utf8).write(to: URL(fileURLWithPath: notPEM))
            let cases: [(certificate: String, key: String, code: TLSFileError.Code, path: String, says: String)] = [
                (missing, first.keyFile, .missingFile, missing, "does not exist"),
                (first.certificateFile, missing, .missingFile, missing, "does not exist"),
                (directory.path, first.keyFile, .unreadableFile, directory.path, "cannot be read"),
                (notPEM, first.keyFile, .invalidCertificate, notPEM, "no PEM certificate"),
                (first.keyFile, first.keyFile, .invalidCertificate, first.keyFile, "no PEM certificate"),
                (first.certificateFile, notPEM, .invalidPrivateKey, notPEM, "no unencrypted PEM private key"),
                (first.certificateFile, first.certificateFile, .invalidPrivateKey, first.certificateFile, "no unencrypted PEM private key"),
                (first.certificateFile, second.keyFile, .keyMismatch, second.keyFile, "does not hold the private key"),
            ]
            for (certificate, key, code, path, says) in cases {
                do {
                    _ = try JobCoreAPI.serverTLSConfiguration(certificateFile: certificate, privateKeyFile: key)
                    Issue.record("\(certificate) and \(key) were accepted")
                } catch let error as TLSFileError {
                    #expect(error.code == code, "\(error)")
                    #expect(error.path == path)
                    #expect(error.message.contains(path) && error.message.contains(says), "\(error)")
                    #expect(!error.description.contains("PRIVATE KEY") && !error.description.contains(keyText), "\(error)")
                }
            }
            _ = try JobCoreAPI.serverTLSConfiguration(certificateFile: second.certificateFile, privateKeyFile: second.keyFile)
        }
    }

    /// A TLS handshake with python3's ssl module: trusting the file given (else the system's
    /// roots), at most TLS 1.1 when asked (and allowed on the client's side). Prints the version
    /// agreed, or the error and exits 1.
    static let handshake = #"""
    import socket, ssl, sys
    port, ca, versions = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.create_default_context(cafile=ca or None)
    if versions == "tls1.1":
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
            with context.wrap_socket(connection, server_hostname="127.0.0.1") as tls:
                print(tls.version())
    except Exception as error:
        print(repr(error))
        sys.exit(1)
    """#

    /// Sends a plain HTTP request to the port and prints whatever comes back until the server
    /// closes (bounded by a timeout).
    static let plainRequest = #"""
    import socket, sys
    connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
    connection.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    received = b""
    try:
        while True:
            data = connection.recv(65536)
            if not data:
                break
            received += data
    except (ConnectionResetError, socket.timeout):
        pass
    sys.stdout.write(received.decode("latin-1"))
    """#

    /// Runs the API's TLS application on 127.0.0.1 with a free port until `body` returns.
    static func serve(_ api: JobCoreAPI, tls: TLSConfiguration, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: "jobcore-tls-test")
        let application = try api.makeApplication(
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)), tlsConfiguration: tls,
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// An AsyncHTTPClient with `tls`, shut down after `body`.
    static func withClient(_ tls: TLSConfiguration, _ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            try await body(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
