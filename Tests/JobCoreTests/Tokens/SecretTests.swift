import Foundation
import JobCore
import Testing

@Suite struct SecretTests {
    let secret = Secret("ghs_s3cr3tvalue")

    @Test func onlyTheExplicitAccessorRevealsTheValue() throws {
        #expect(secret.revealed() == "ghs_s3cr3tvalue")
        #expect(secret.description == "<redacted>")
        #expect(secret.debugDescription == "Secret(<redacted>)")
        #expect("token: \(secret)" == "token: <redacted>")
        #expect(String(describing: secret) == "<redacted>")
        #expect(String(reflecting: secret) == "Secret(<redacted>)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
        var dumpedToken = ""
        dump(AccessToken(secret: secret, expiresAt: Date(timeIntervalSince1970: 0)), to: &dumpedToken)
        #expect(!dumpedToken.contains("s3cr3t"))
    }

    @Test func encodingWritesThePlaceholderAndDecodingReadsTheValue() throws {
        struct Record: Codable { var token: Secret }
        let json = String(decoding: try JSONEncoder().encode(Record(token: secret)), as: UTF8.self)
        #expect(json == #"{"token":"<redacted>"}"#)
        let decoded = try JSONDecoder().decode(Record.self, from: Data(#"{"token":"abc123"}"#.utf8))
        #expect(decoded.token.revealed() == "abc123")
    }

    @Test func redactsOccurrencesInText() {
        #expect(secret.redact("git said: ghs_s3cr3tvalue refused") == "git said: <redacted> refused")
        #expect(Secret("ab").redact("abc") == "abc")
    }

    @Test func accessTokenDescriptionShowsExpiryNotTheToken() {
        let token = AccessToken(secret: secret, expiresAt: Date(timeIntervalSince1970: 1_767_229_200))
        #expect(token.description == "AccessToken(<redacted>, expires 2026-01-01T01:00:00Z)")
        #expect(AccessToken(secret: secret).description == "AccessToken(<redacted>)")
        #expect("\(token)".contains("s3cr3t") == false)
    }

    @Test func accessTokenValidityHonoursTheMargin() {
        let expiry = Date(timeIntervalSince1970: 1000)
        let token = AccessToken(secret: secret, expiresAt: expiry)
        #expect(token.isValid(at: Date(timeIntervalSince1970: 999)))
        #expect(!token.isValid(at: expiry))
        #expect(token.isValid(at: Date(timeIntervalSince1970: 699), for: .seconds(300)))
        #expect(!token.isValid(at: Date(timeIntervalSince1970: 700), for: .seconds(300)))
        #expect(AccessToken(secret: secret).isValid(at: .distantFuture, for: .seconds(3600)))
    }
}
