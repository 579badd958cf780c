import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

@Suite struct GitHubAppPrivateKeyTests {
    let keys = FakeGitHubAPI.AppKeyPair.shared

    @Test func readsPKCS1AndPKCS8FromStringsAndFiles() throws {
        #expect(try GitHubAppPrivateKey(pemRepresentation: keys.privateKeyPKCS1PEM).bitCount == 2048)
        #expect(try GitHubAppPrivateKey(pemRepresentation: keys.privateKeyPKCS8PEM).bitCount == 2048)
        // Windows line endings and surrounding blank lines are fine.
        let crlf = "\n" + keys.privateKeyPKCS1PEM.replacingOccurrences(of: "\n", with: "\r\n") + "\n\n"
        #expect(try GitHubAppPrivateKey(pemRepresentation: crlf).bitCount == 2048)

        try withTemporaryDirectory { directory in
            for pkcs8 in [false, true] {
                let path = directory + "/key-\(pkcs8).pem"
                try keys.writePrivateKey(to: path, pkcs8: pkcs8)
                let key = try GitHubAppPrivateKey(contentsOfFile: path)
                #expect(key.source == path)
                #expect(key.description == "GitHubAppPrivateKey(RSA 2048 bits, \(path))")
            }
        }
    }

    @Test func aMissingFileIsUnreadableAndNamed() throws {
        let path = "/nonexistent/jobcore/app.pem"
        let error = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(contentsOfFile: path) })
        #expect(error.code == .keyUnreadable)
        #expect(error.message == "cannot read the GitHub App private key file \(path): no such file")
    }

    @Test func aDirectoryOrBinaryOrHugeFileIsRefused() throws {
        try withTemporaryDirectory { directory in
            let directoryError = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(contentsOfFile: directory) })
            #expect(directoryError.code == .keyUnreadable)
            #expect(directoryError.message == "the GitHub App private key path \(directory) is not a regular file")

            let large = directory + "/large.pem"
            try Data(repeating: 0x41, count: 100_000).write(to: URL(fileURLWithPath: large))
            let largeError = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(contentsOfFile: large) })
            #expect(largeError.code == .invalidKey)
            #expect(largeError.message == "the GitHub App private key file \(large) is 100000 bytes, too large for a PEM key")

            let binary = directory + "/key.der"
            try Data([0xFF, 0xFE, 0x00, 0x80, 0xC3]).write(to: URL(fileURLWithPath: binary))
            let binaryError = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(contentsOfFile: binary) })
            #expect(binaryError.code == .keyUnreadable)
            #expect(binaryError.message == "the GitHub App private key file \(binary) is not text (expected a PEM file)")
        }
    }

    @Test(arguments: [
        ("", "is empty"),
        ("just some text", "is not PEM"),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "is encrypted with a passphrase"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", "is not an RSA key"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "is not a private key (PEM block 'CERTIFICATE')"),
        ("-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----", "damaged or truncated PEM"),
    ])
    func invalidKeysSayWhatIsWrong(pem: String, problem: String) throws {
        let error = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(pemRepresentation: pem) })
        #expect(error.code == .invalidKey)
        #expect(error.message.hasPrefix("the GitHub App private key (inline PEM) "))
        #expect(error.message.contains(problem))
    }

    @Test func aPublicKeyIsRefused() throws {
        let error = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(pemRepresentation: keys.publicKeyPEM) })
        #expect(error.code == .invalidKey)
        #expect(error.message.contains("is a public key"))
    }

    @Test func aTruncatedKeyFileIsInvalidAndTheErrorHoldsNoKeyMaterial() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/truncated.pem"
            let lines = keys.privateKeyPKCS1PEM.split(separator: "\n")
            let truncated = lines.prefix(6).joined(separator: "\n") + "\n-----END RSA PRIVATE KEY-----\n"
            try Data(truncated.utf8).write(to: URL(fileURLWithPath: path))
            let error = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(contentsOfFile: path) })
            #expect(error.code == .invalidKey)
            #expect(error.message.contains(path))
            for line in lines.dropFirst().prefix(5) {
                #expect(!"\(error) \(String(reflecting: error))".contains(line.prefix(16)))
            }
        }
    }

    @Test func aSmallKeyIsRefusedWithItsSize() throws {
        let small = try FakeGitHubAPI.AppKeyPair.generate(bits: 1024)
        let error = try #require(#expect(throws: TokenError.self) { try GitHubAppPrivateKey(pemRepresentation: small.privateKeyPKCS1PEM) })
        #expect(error.code == .invalidKey)
        #expect(error.message.contains("is 1024 bits; RS256 needs at least 2048 bits"))
    }

    @Test func reflectionShowsNoKeyMaterial() throws {
        let key = try GitHubAppPrivateKey(pemRepresentation: keys.privateKeyPKCS1PEM)
        var dumped = ""
        dump(key, to: &dumped)
        let text = [dumped, "\(key)", String(reflecting: key)].joined(separator: "\n")
        #expect(text.contains("2048"))
        for line in keys.privateKeyPKCS1PEM.split(separator: "\n").dropFirst().dropLast() {
            #expect(!text.contains(line.prefix(16)))
        }
    }
}

/// Runs `body` with a new private temporary directory, removed afterwards.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobcore-tokens-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
