/// How far a transfer has got.
public struct GitProgress: Sendable, Equatable {
    /// Objects received so far.
    public var receivedObjects: Int
    /// Objects the remote announced.
    public var totalObjects: Int
    /// Objects indexed so far.
    public var indexedObjects: Int
    /// Bytes received so far.
    public var receivedBytes: Int

    public init(receivedObjects: Int = 0, totalObjects: Int = 0, indexedObjects: Int = 0, receivedBytes: Int = 0) {
        self.receivedObjects = receivedObjects
        self.totalObjects = totalObjects
        self.indexedObjects = indexedObjects
        self.receivedBytes = receivedBytes
    }
}
