public import Foundation
public import JobCore

/// Builds the short-lived JSON Web Token a GitHub App authenticates with (RS256).
///
/// Claims: `iat` 60 seconds in the past (room for clock skew between this machine and GitHub),
/// `exp` at most 10 minutes after now, `iss` the app id or client id, always a JSON string
/// (RFC 7519 makes `iss` a string; strict verifiers such as PyJWT refuse a numeric issuer).
public struct GitHubAppJWT: Sendable {
    /// How far in the past `iat` is set, to tolerate a clock that runs ahead of GitHub's.
    public static let issuedAtBackdate: Duration = .seconds(60)
    /// The longest lifetime GitHub accepts, from now.
    public static let maximumLifetime: Duration = .seconds(600)

    /// The app id or client id put in `iss`.
    public let appID: String
    /// The key that signs the token.
    public let privateKey: GitHubAppPrivateKey
    /// How long after now the token expires. Defaults to 9 minutes; at most 10 minutes.
    public let lifetime: Duration

    /// Creates a signer.
    /// - Parameters:
    ///   - appID: the app id (`123456`) or client id (`Iv1.abc…`).
    ///   - privateKey: the app's private key.
    ///   - lifetime: how long after now the token expires; clamped to 10 minutes.
    public init(appID: String, privateKey: GitHubAppPrivateKey, lifetime: Duration = .seconds(540)) {
        self.appID = appID
        self.privateKey = privateKey
        self.lifetime = min(max(lifetime, .seconds(1)), Self.maximumLifetime)
    }

    /// Returns a signed JWT valid from 60 seconds before `now`.
    /// - Parameter now: the current time.
    /// - Throws: `TokenError` `.invalidKey` when signing fails.
    public func make(now: Date) throws -> Secret {
        let issuedAt = Int(now.addingTimeInterval(-Self.issuedAtBackdate.timeInterval).timeIntervalSince1970)
        let expiresAt = Int(now.adding(lifetime).timeIntervalSince1970)
        let issuer = Self.jsonString(appID)
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let claims = #"{"iat":\#(issuedAt),"exp":\#(expiresAt),"iss":\#(issuer)}"#
        let signingInput = Self.base64URL(Data(header.utf8)) + "." + Self.base64URL(Data(claims.utf8))
        let signature: Data
        do {
            signature = try privateKey.signRS256(Data(signingInput.utf8))
        } catch {
            throw TokenError(.invalidKey, "signing the GitHub App JWT with the private key (\(privateKey.source)) failed")
        }
        return Secret(signingInput + "." + Self.base64URL(signature))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func jsonString(_ value: String) -> String {
        // JSONEncoder on a bare String yields a quoted, escaped JSON string.
        let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
