import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

@Suite struct GitHubAppJWTTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    private func parts(_ jwt: Secret) throws -> (header: [String: Any], claims: [String: Any], signature: Data) {
        let pieces = jwt.revealed().split(separator: ".", omittingEmptySubsequences: false)
        try #require(pieces.count == 3)
        func decode(_ piece: Substring) throws -> Data {
            #expect(!piece.contains("=") && !piece.contains("+") && !piece.contains("/"))
            var base64 = piece.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            return try #require(Data(base64Encoded: base64))
        }
        let header = try #require(try JSONSerialization.jsonObject(with: decode(pieces[0])) as? [String: Any])
        let claims = try #require(try JSONSerialization.jsonObject(with: decode(pieces[1])) as? [String: Any])
        return (header, claims, try decode(pieces[2]))
    }

    @Test func claimsFollowGitHubsRules() throws {
        let key = try GitHubAppPrivateKey(pemRepresentation: FakeGitHubAPI.AppKeyPair.shared.privateKeyPKCS1PEM)
        let jwt = try GitHubAppJWT(appID: "12345", privateKey: key).make(now: now)
        let (header, claims, signature) = try parts(jwt)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(claims["iat"] as? Int == 1_767_225_540)
        #expect(claims["exp"] as? Int == 1_767_226_140)
        // RFC 7519: `iss` is a StringOrURI, so a numeric app id is sent as the string "12345".
        #expect(claims["iss"] as? String == "12345")
        let payload = jwt.revealed().split(separator: ".")[1]
        var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let text = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        #expect(text.contains(#""iss":"12345""#))
        #expect(signature.count == 256)
    }

    @Test func aClientIDIsAStringIssuerAndTheLifetimeIsClampedToTenMinutes() throws {
        let key = try GitHubAppPrivateKey(pemRepresentation: FakeGitHubAPI.AppKeyPair.shared.privateKeyPKCS8PEM)
        let jwt = try GitHubAppJWT(appID: "Iv1.\"quoted\"", privateKey: key, lifetime: .seconds(3600)).make(now: now)
        let (_, claims, _) = try parts(jwt)
        #expect(claims["iss"] as? String == "Iv1.\"quoted\"")
        #expect(claims["exp"] as? Int == 1_767_226_200)
    }

    @Test func isSecret() throws {
        let key = try GitHubAppPrivateKey(pemRepresentation: FakeGitHubAPI.AppKeyPair.shared.privateKeyPKCS1PEM)
        let jwt = try GitHubAppJWT(appID: "1", privateKey: key).make(now: now)
        #expect("\(jwt)" == "<redacted>")
    }
}
