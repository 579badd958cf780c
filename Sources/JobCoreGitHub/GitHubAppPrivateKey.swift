import Crypto
import Foundation
import JobCore
import _CryptoExtras

/// A GitHub App's RSA private key, read from PEM in PKCS#1 (`BEGIN RSA PRIVATE KEY`, what GitHub
/// downloads) or PKCS#8 (`BEGIN PRIVATE KEY`) form.
///
/// The key material never appears in `description`, `debugDescription`, reflection or any error.
public struct GitHubAppPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let key: _RSA.Signing.PrivateKey

    /// Where the key came from: a file path, or "inline PEM".
    public let source: String

    /// The key size in bits.
    public var bitCount: Int { key.keySizeInBits }

    /// Reads a key from a PEM file.
    /// - Parameter path: the file holding the key.
    /// - Throws: `TokenError` `.keyUnreadable` when the file cannot be read, `.invalidKey` when
    ///   it does not hold a usable RSA private key. The error names the file, never its content.
    public init(contentsOfFile path: String) throws {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw TokenError(.keyUnreadable, "the GitHub App private key path \(path) is not a regular file")
            }
            if let size = attributes[.size] as? NSNumber, size.intValue > Self.maximumFileSize {
                throw TokenError(.invalidKey, "the GitHub App private key file \(path) is \(size.intValue) bytes, too large for a PEM key")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as TokenError {
            throw error
        } catch {
            throw TokenError(.keyUnreadable, "cannot read the GitHub App private key file \(path): \(Self.reason(error))")
        }
        guard let pem = String(data: data, encoding: .utf8) else {
            throw TokenError(.keyUnreadable, "the GitHub App private key file \(path) is not text (expected a PEM file)")
        }
        try self.init(pem: pem, source: path)
    }

    /// Reads a key from a PEM string.
    /// - Parameter pem: the PEM text.
    /// - Throws: `TokenError` `.invalidKey` when it is not a usable RSA private key.
    public init(pemRepresentation pem: String) throws {
        try self.init(pem: pem, source: "inline PEM")
    }

    private init(pem rawPEM: String, source: String) throws {
        let pem = rawPEM.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        func invalid(_ what: String) -> TokenError {
            TokenError(.invalidKey, "the GitHub App private key (\(source)) \(what)")
        }
        let label = Self.pemLabel(pem)
        switch label {
        case nil:
            if pem.isEmpty { throw invalid("is empty") }
            throw invalid("is not PEM (expected a '-----BEGIN RSA PRIVATE KEY-----' or '-----BEGIN PRIVATE KEY-----' block)")
        case "RSA PRIVATE KEY", "PRIVATE KEY":
            break
        case "ENCRYPTED PRIVATE KEY":
            throw invalid("is encrypted with a passphrase; decrypt it first (openssl pkcs8 -in KEY -out PLAIN.pem)")
        case "PUBLIC KEY", "RSA PUBLIC KEY":
            throw invalid("is a public key; the private key GitHub generated for the app is needed")
        case "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY":
            throw invalid("is not an RSA key (PEM block '\(label!)'); GitHub Apps use RSA keys")
        case let other?:
            throw invalid("is not a private key (PEM block '\(other)')")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
        } catch {
            if label == "PRIVATE KEY" {
                throw invalid("cannot be decoded as an RSA private key (PKCS#8; is it an RSA key?)")
            }
            throw invalid("cannot be decoded as an RSA private key (damaged or truncated PEM)")
        }
        guard key.keySizeInBits >= 2048 else {
            throw invalid("is \(key.keySizeInBits) bits; RS256 needs at least 2048 bits")
        }
        self.key = key
        self.source = source
    }

    /// Key files larger than this are refused unread (a 4096-bit PEM key is about 3.3 KB).
    static let maximumFileSize = 64 * 1024

    /// Signs `data` with RSASSA-PKCS1-v1_5 and SHA-256 (JWT `RS256`).
    func signRS256(_ data: some DataProtocol) throws -> Data {
        try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
    }

    /// The label of the first PEM block, such as `RSA PRIVATE KEY`.
    private static func pemLabel(_ pem: String) -> String? {
        guard let begin = pem.range(of: "-----BEGIN ") else { return nil }
        guard let end = pem.range(of: "-----", range: begin.upperBound..<pem.endIndex) else { return nil }
        let label = pem[begin.upperBound..<end.lowerBound]
        return label.isEmpty ? nil : String(label)
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return POSIXError(code).localizedDescription
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return nsError.localizedDescription
        }
    }

    public var description: String { "GitHubAppPrivateKey(RSA \(bitCount) bits, \(source))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["source": source, "bitCount": bitCount]) }
}
