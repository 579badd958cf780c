import Foundation
@testable import JobCore
import Testing

/// SHA-256 and HMAC-SHA256 against published test vectors.
@Suite struct SHA256Tests {
    static func hex(_ bytes: [UInt8]) -> String { WebhookSignature.hex(bytes) }

    static func bytes(_ hex: String) -> [UInt8] { WebhookSignature.bytes(hex: Substring(hex))! }

    @Test(arguments: [
        // FIPS 180-4 examples (NIST CSRC "Examples with intermediate values").
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistExamples(_ message: String, _ digest: String) {
        #expect(Self.hex(SHA256Hasher.hash(message.utf8)) == digest)
    }

    @Test func oneMillionTimesA() {
        var hasher = SHA256Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(Self.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundaries (55/56 bytes: the length still fits the last block or
    /// not; 64: a whole block), bytes `i % 251`. Expected digests from Python's hashlib.
    @Test(arguments: [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
        (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
        (57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"),
        (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
        (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
        (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
        (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
        (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
        (127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"),
        (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
        (1000, "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"),
    ])
    func paddingBoundaries(_ length: Int, _ digest: String) {
        let message = (0..<length).map { UInt8($0 % 251) }
        #expect(Self.hex(SHA256Hasher.hash(message)) == digest)
        // Fed in uneven pieces (1, 2, 3, … bytes), the digest is the same.
        var hasher = SHA256Hasher()
        var start = 0, size = 1
        while start < message.count {
            let end = min(message.count, start + size)
            hasher.update(message[start..<end])
            start = end
            size += 1
        }
        #expect(Self.hex(hasher.finalize()) == digest)
    }

    /// RFC 4231 test cases 1–7 (case 5 compares the first 128 bits, as the RFC does).
    @Test(arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", String(repeating: "dd", count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b"),
        (String(repeating: "aa", count: 131),
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (String(repeating: "aa", count: 131),
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func rfc4231(_ key: String, _ data: String, _ mac: String) {
        let result = Self.hex(HMACSHA256.authenticationCode(for: Self.bytes(data), key: Self.bytes(key)))
        #expect(result.hasPrefix(mac))
    }

    @Test func hmacFedInPiecesEqualsOneShot() {
        let key = Array("key".utf8)
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        var mac = HMACSHA256(key: key)
        mac.update(message[0..<10])
        mac.update(message[10...])
        let pieces = mac.finalize()
        #expect(pieces == HMACSHA256.authenticationCode(for: message, key: key))
        #expect(Self.hex(pieces) == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    }

    @Test func constantTimeEqualityComparesEveryByte() {
        let a = [UInt8](repeating: 7, count: 32)
        var first = a, last = a
        first[0] ^= 1
        last[31] ^= 0x80
        #expect(HMACSHA256.constantTimeEquals(a, a))
        #expect(!HMACSHA256.constantTimeEquals(a, first))
        #expect(!HMACSHA256.constantTimeEquals(a, last))
        #expect(!HMACSHA256.constantTimeEquals(a, Array(a.dropLast())))
        #expect(HMACSHA256.constantTimeEquals([], []))
    }
}
