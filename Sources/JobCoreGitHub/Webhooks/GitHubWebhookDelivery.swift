public import Foundation

/// One verified GitHub webhook delivery.
public struct GitHubWebhookDelivery: Sendable, Hashable {
    /// The delivery's GUID (`X-GitHub-Delivery`); a redelivery carries the same one.
    public var id: String
    /// The event name (`X-GitHub-Event`), e.g. `issues`, `pull_request`, `ping`.
    public var event: String
    /// The raw body, exactly as signed (JSON).
    public var body: Data

    /// Creates a delivery.
    public init(id: String, event: String, body: Data) {
        self.id = id
        self.event = event
        self.body = body
    }
}
