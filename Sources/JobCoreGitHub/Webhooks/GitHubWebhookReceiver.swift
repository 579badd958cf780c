import Foundation
public import JobCore

/// Checks incoming GitHub webhook deliveries, independent of any HTTP server: the signature
/// first, then the required headers, then whether the delivery was already seen.
///
/// <!-- sample: context=webhook-request -->
/// ```swift
/// let receiver = GitHubWebhookReceiver(secret: Secret(webhookSecret))
/// switch try receiver.receive(body: request.body, headers: { request.headers[$0] }) {
/// case .accepted(let delivery): try await enqueue(delivery.id)   // then answer 202
/// case .duplicate: break                                          // answer 200: already handled
/// }
/// // WebhookError.httpStatus: 401 unsigned, 403 wrong signature, 400 missing header.
/// ```
///
/// An unsigned or wrongly signed request never reaches the deduplicator, so it cannot push real
/// deliveries out of its memory.
public struct GitHubWebhookReceiver: Sendable {
    /// What became of a correctly signed delivery.
    public enum Outcome: Sendable, Hashable {
        /// Seen for the first time: act on it.
        case accepted(GitHubWebhookDelivery)
        /// Its id was seen before: it was (or is being) handled already.
        case duplicate(GitHubWebhookDelivery)
    }

    /// The delivery id header.
    public static let deliveryHeader = "X-GitHub-Delivery"
    /// The event name header.
    public static let eventHeader = "X-GitHub-Event"

    /// Verifies signatures.
    public let signature: WebhookSignature
    /// Remembers delivery ids.
    public let deliveries: DeliveryDeduplicator

    /// Creates a receiver.
    /// - Parameters:
    ///   - signature: the verifier with the webhook's secret(s).
    ///   - deliveries: where delivery ids are remembered. Defaults to 10,000 ids.
    public init(signature: WebhookSignature, deliveries: DeliveryDeduplicator = DeliveryDeduplicator()) {
        self.signature = signature
        self.deliveries = deliveries
    }

    /// Creates a receiver for one secret, remembering 10,000 delivery ids.
    public init(secret: Secret) {
        self.init(signature: WebhookSignature(secret: secret))
    }

    /// Checks one delivery.
    /// - Parameters:
    ///   - body: the raw request body, exactly as received.
    ///   - headers: looks up a request header by name, ignoring case (as HTTP does); `nil` when absent.
    /// - Returns: ``Outcome/accepted(_:)`` the first time a delivery id is seen, else ``Outcome/duplicate(_:)``.
    /// - Throws: ``WebhookError`` — `missingSignature`, `malformedSignature`, `signatureMismatch`,
    ///   or `missingHeader` (no delivery id or event name).
    public func receive(body: some Sequence<UInt8>, headers: (String) -> String?) throws(WebhookError) -> Outcome {
        let bytes = Data(body)
        try signature.verify(body: bytes, header: headers(WebhookSignature.headerName))
        guard let id = headers(Self.deliveryHeader)?.trimmingASCIIWhitespace(), !id.isEmpty else {
            throw WebhookError(.missingHeader, "the delivery has no \(Self.deliveryHeader) header")
        }
        guard let event = headers(Self.eventHeader)?.trimmingASCIIWhitespace(), !event.isEmpty else {
            throw WebhookError(.missingHeader, "the delivery has no \(Self.eventHeader) header")
        }
        let delivery = GitHubWebhookDelivery(id: String(id), event: String(event), body: bytes)
        return deliveries.insert(delivery.id) ? .accepted(delivery) : .duplicate(delivery)
    }

    /// Checks one delivery whose headers are in a dictionary (names in any case).
    /// - Throws: ``WebhookError``, as the other `receive`.
    public func receive(body: some Sequence<UInt8>, headers: [String: String]) throws(WebhookError) -> Outcome {
        var lowercased: [String: String] = [:]
        for (name, value) in headers { lowercased[name.lowercased()] = value }
        return try receive(body: body, headers: { lowercased[$0.lowercased()] })
    }
}
