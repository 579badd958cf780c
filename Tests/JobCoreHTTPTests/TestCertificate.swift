import Foundation
import JobCore

/// A self-signed certificate for `localhost` and 127.0.0.1 (P-256), made with the openssl CLI
/// in a directory of the test; PEM files.
struct TestCertificate {
    let certificateFile: String
    let keyFile: String

    /// Makes a certificate and its key in `directory`, named after `name`.
    static func make(in directory: URL, name: String = "server") async throws -> TestCertificate {
        let certificate = directory.appendingPathComponent("\(name).pem").path
        let key = directory.appendingPathComponent("\(name).key").path
        let status = try await DedicatedThread.run(name: "openssl") { () throws -> (Int32, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let message = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: message, as: UTF8.self))
        }
        guard status.0 == 0 else { throw OpenSSLFailed(message: status.1) }
        return TestCertificate(certificateFile: certificate, keyFile: key)
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "openssl failed (is the openssl CLI installed?): \(message)" }
    }
}
