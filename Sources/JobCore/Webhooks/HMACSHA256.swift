/// HMAC-SHA256 (RFC 2104 with ``SHA256Hasher``), checked against the RFC 4231 test cases.
struct HMACSHA256: Sendable {
    private var inner: SHA256Hasher
    private var outer: SHA256Hasher

    /// Starts a MAC with `key`; a key longer than a block is hashed first.
    init(key: some Sequence<UInt8>) {
        var block = Array(key)
        if block.count > SHA256Hasher.blockSize { block = SHA256Hasher.hash(block) }
        block += [UInt8](repeating: 0, count: SHA256Hasher.blockSize - block.count)
        inner = SHA256Hasher()
        inner.update(block.map { $0 ^ 0x36 })
        outer = SHA256Hasher()
        outer.update(block.map { $0 ^ 0x5c })
    }

    /// The MAC of `message` under `key`.
    static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        var mac = HMACSHA256(key: key)
        mac.update(message)
        return mac.finalize()
    }

    /// Feeds more of the message.
    mutating func update(_ bytes: some Sequence<UInt8>) {
        inner.update(bytes)
    }

    /// The 32-byte MAC. The value must not be used afterwards.
    mutating func finalize() -> [UInt8] {
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether two byte strings are equal, in time that depends only on their lengths.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
