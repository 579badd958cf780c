import Foundation
import JobCoreTesting
import Testing

/// A forged pack for the repository cache's corruption tests.
extension RepositoryCacheTests {
    /// Replaces the mirror's packs by one in which the content of a blob of the tip's tree is
    /// different while its id stays (a pack and an index written by hand, with valid checksums):
    /// what a hostile job with write access to the cache could do.
    static func replaceBlobKeepingItsID(in mirror: URL) throws {
        let head = try git("rev-parse", "refs/heads/main", in: mirror)
        let entry = try git("ls-tree", head, GitFixture.filePath(0), in: mirror)
        let blob = String(try #require(entry.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst(2).first))
        let packs = mirror.appendingPathComponent("objects/pack")
        let forged = mirror.appendingPathComponent("forged")
        try FileManager.default.createDirectory(at: forged, withIntermediateDirectories: true)
        let script = mirror.deletingLastPathComponent().appendingPathComponent("forge.py")
        try Data(forgeScript.utf8).write(to: script)
        _ = try GitFixture.run(["python3", script.path, mirror.path, blob, forged.path])
        for name in try FileManager.default.contentsOfDirectory(atPath: packs.path) {
            try FileManager.default.removeItem(at: packs.appendingPathComponent(name))
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: forged.path) {
            try FileManager.default.moveItem(at: forged.appendingPathComponent(name), to: packs.appendingPathComponent(name))
        }
        try FileManager.default.removeItem(at: forged)
        try FileManager.default.removeItem(at: script)
    }

    /// Writes every object of a repository into one pack (no deltas) with a v2 index, the
    /// content of one blob replaced by as many `X` bytes.
    static let forgeScript = """
    import sys, zlib, hashlib, struct, subprocess
    mirror, blob, out = sys.argv[1:4]
    data = subprocess.run(["git", "-C", mirror, "cat-file", "--batch-all-objects", "--batch"], capture_output=True, check=True).stdout
    objects, i = [], 0
    while i < len(data):
        nl = data.index(b"\\n", i)
        oid, kind, size = data[i:nl].split()
        size = int(size)
        content = data[nl + 1:nl + 1 + size]
        i = nl + 2 + size
        if oid.decode() == blob:
            content = b"X" * len(content)
        objects.append((oid.decode(), kind.decode(), content))
    kinds = {"commit": 1, "tree": 2, "blob": 3, "tag": 4}
    pack, entries = bytearray(b"PACK" + struct.pack(">II", 2, len(objects))), []
    for oid, kind, content in objects:
        offset, n = len(pack), len(content)
        byte, n, header = (kinds[kind] << 4) | (n & 15), n >> 4, bytearray()
        while n:
            header.append(byte | 0x80)
            byte, n = n & 127, n >> 7
        header.append(byte)
        body = bytes(header) + zlib.compress(content)
        pack += body
        entries.append((bytes.fromhex(oid), zlib.crc32(body) & 0xffffffff, offset))
    pack += hashlib.sha1(pack).digest()
    entries.sort()
    index, fanout, total = bytearray(b"\\377tOc" + struct.pack(">I", 2)), [0] * 256, 0
    for entry in entries:
        fanout[entry[0][0]] += 1
    for count in fanout:
        total += count
        index += struct.pack(">I", total)
    for entry in entries:
        index += entry[0]
    for entry in entries:
        index += struct.pack(">I", entry[1])
    for entry in entries:
        index += struct.pack(">I", entry[2])
    index += pack[-20:]
    index += hashlib.sha1(index).digest()
    name = pack[-20:].hex()
    open(f"{out}/pack-{name}.pack", "wb").write(pack)
    open(f"{out}/pack-{name}.idx", "wb").write(index)
    """
}
