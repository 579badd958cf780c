import Foundation
import _CryptoExtras

extension FakeGitHubAPI {
    /// An RSA key pair standing in for a GitHub App's key, in the PEM forms GitHub and tools use.
    public struct AppKeyPair: Sendable {
        /// The private key as PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), the form GitHub downloads.
        public let privateKeyPKCS1PEM: String
        /// The private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`).
        public let privateKeyPKCS8PEM: String
        /// The public key as SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`).
        public let publicKeyPEM: String

        let publicKey: _RSA.Signing.PublicKey

        /// Generates a new key pair.
        /// - Parameter bits: the key size. Defaults to 2048, what GitHub issues.
        /// - Throws: when the size is refused (below 1024).
        public static func generate(bits: Int = 2048) throws -> AppKeyPair {
            let key = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits))
            return AppKeyPair(
                privateKeyPKCS1PEM: key.pemRepresentation,
                privateKeyPKCS8PEM: key.pkcs8PEMRepresentation,
                publicKeyPEM: key.publicKey.pemRepresentation,
                publicKey: key.publicKey
            )
        }

        /// One 2048-bit key pair generated on first use and shared by the process's tests
        /// (generating RSA keys is slow in debug builds).
        public static let shared: AppKeyPair = {
            do {
                return try generate()
            } catch {
                // 2048 bits is always an accepted size; failing here means the crypto library is broken.
                fatalError("cannot generate an RSA key pair: \(error)")
            }
        }()

        /// Writes the private key to a new file with owner-only permissions.
        /// - Parameters:
        ///   - path: the file to create.
        ///   - pkcs8: write PKCS#8 instead of PKCS#1. Defaults to `false`.
        /// - Throws: when the file cannot be written.
        public func writePrivateKey(to path: String, pkcs8: Bool = false) throws {
            let pem = pkcs8 ? privateKeyPKCS8PEM : privateKeyPKCS1PEM
            try Data(pem.utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }
}
