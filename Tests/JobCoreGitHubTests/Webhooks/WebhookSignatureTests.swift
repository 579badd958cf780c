import Foundation
import JobCore
import JobCoreGitHub
import Testing

@Suite struct WebhookSignatureTests {
    /// GitHub's documented example ("Validating webhook deliveries").
    let github = WebhookSignature(secret: Secret("It's a Secret to Everybody"))
    let body = Data("Hello, World!".utf8)
    let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    /// RFC 4231 test case 2 (the one with a text key): the MAC is HMAC-SHA256.
    @Test func rfc4231TextKey() throws {
        let signature = WebhookSignature(secret: Secret("Jefe"))
        let body = Data("what do ya want for nothing?".utf8)
        let mac = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        #expect(signature.signature(for: body) == mac)
        try signature.verify(body: body, header: mac)
    }

    @Test func signsLikeGitHub() {
        #expect(github.signature(for: body) == expected)
    }

    @Test func acceptsGitHubsSignatureInEitherCaseAndWithSurroundingSpace() throws {
        try github.verify(body: body, header: expected)
        try github.verify(body: body, header: "sha256=" + expected.dropFirst(7).uppercased())
        try github.verify(body: body, header: " \(expected)\r\n")
        #expect(github.isValid(body: Array(body), header: expected))
    }

    @Test(arguments: [nil, "", "   "] as [String?])
    func missingSignatureIs401(_ header: String?) {
        let error = #expect(throws: WebhookError.self) { try github.verify(body: body, header: header) }
        #expect(error?.code == .missingSignature)
        #expect(error?.httpStatus == 401)
    }

    @Test(arguments: [
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",          // no prefix
        "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",     // another algorithm
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",    // 63 digits
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1700", // 66 digits
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1g",   // not hex
        "sha256=",
    ])
    func malformedSignatureIs403(_ header: String) {
        let error = #expect(throws: WebhookError.self) { try github.verify(body: body, header: header) }
        #expect(error?.code == .malformedSignature)
        #expect(error?.httpStatus == 403)
    }

    @Test func wrongSignatureIs403AndNamesNoSecret() {
        let other = WebhookSignature(secret: Secret("another secret"))
        let cases: [(Data, String)] = [
            (body, other.signature(for: body)),                     // another secret
            (Data("Hello, World?".utf8), expected),                 // another body
            (body, "sha256=" + String(repeating: "0", count: 64)),
            (body, String(expected.dropLast()) + "8"),             // last digit differs
        ]
        for (body, header) in cases {
            let error = #expect(throws: WebhookError.self) { try github.verify(body: body, header: header) }
            #expect(error?.code == .signatureMismatch)
            #expect(error?.httpStatus == 403)
            #expect(error.map { !"\($0)".contains("Secret to Everybody") && !"\($0)".contains(expected.dropFirst(7)) } == true)
        }
    }

    @Test func rotationAcceptsEverySecretAndSignsWithTheFirst() throws {
        let old = WebhookSignature(secret: Secret("old"))
        let new = WebhookSignature(secret: Secret("new"))
        let rotating = WebhookSignature(secrets: [Secret("new"), Secret("old")])
        try rotating.verify(body: body, header: old.signature(for: body))
        try rotating.verify(body: body, header: new.signature(for: body))
        #expect(rotating.signature(for: body) == new.signature(for: body))
        #expect(!rotating.isValid(body: body, header: github.signature(for: body)))
    }

    @Test func emptyAndLargeBodies() throws {
        let signature = WebhookSignature(secret: Secret("s"))
        try signature.verify(body: Data(), header: signature.signature(for: Data()))
        let large = Data((0..<300_000).map { UInt8($0 % 256) })
        try signature.verify(body: large, header: signature.signature(for: large))
        var changed = large
        changed[150_000] ^= 1
        #expect(!signature.isValid(body: changed, header: signature.signature(for: large)))
    }
}
