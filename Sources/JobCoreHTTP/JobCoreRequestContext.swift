public import Hummingbird
public import NIOCore

/// The request context of ``JobCoreAPI/makeApplication(configuration:onServerRunning:logger:)``:
/// Hummingbird's basic context plus the client's address, which the rate limit
/// (``JobCoreAPI/Configuration/rateLimit``) counts unauthenticated requests by.
///
/// An application of your own can use it too (`Router(context: JobCoreRequestContext.self)`), or
/// any context that conforms to Hummingbird's `RemoteAddressRequestContext`. With another context
/// the API cannot tell clients apart by address: unauthenticated requests share one budget.
public struct JobCoreRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The address of the connected client (the peer of the connection; a proxy's when behind one).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
