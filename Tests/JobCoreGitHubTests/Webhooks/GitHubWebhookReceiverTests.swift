import Foundation
import JobCore
import JobCoreGitHub
import Testing

@Suite struct GitHubWebhookReceiverTests {
    let secret = Secret("webhook-secret")
    let body = Data(#"{"action":"labeled","issue":{"number":7}}"#.utf8)

    func headers(signature: String?, delivery: String? = "d-1", event: String? = "issues") -> [String: String] {
        var headers: [String: String] = [:]
        headers["x-hub-signature-256"] = signature
        headers["X-GITHUB-DELIVERY"] = delivery
        headers["X-GitHub-Event"] = event
        return headers
    }

    @Test func acceptsASignedDeliveryOnceThenReportsDuplicates() throws {
        let receiver = GitHubWebhookReceiver(secret: secret)
        let signature = WebhookSignature(secret: secret).signature(for: body)
        let first = try receiver.receive(body: body, headers: headers(signature: signature))
        #expect(first == .accepted(GitHubWebhookDelivery(id: "d-1", event: "issues", body: body)))
        let again = try receiver.receive(body: body, headers: headers(signature: signature))
        #expect(again == .duplicate(GitHubWebhookDelivery(id: "d-1", event: "issues", body: body)))
        let other = try receiver.receive(body: body, headers: headers(signature: signature, delivery: "d-2"))
        guard case .accepted(let delivery) = other else { Issue.record("expected accepted, got \(other)"); return }
        #expect(delivery.id == "d-2")
    }

    @Test func badDeliveriesAreRefusedBeforeTheyReachTheDeduplicator() {
        let deliveries = DeliveryDeduplicator()
        let receiver = GitHubWebhookReceiver(signature: WebhookSignature(secret: secret), deliveries: deliveries)
        let good = WebhookSignature(secret: secret).signature(for: body)
        let wrong = WebhookSignature(secret: Secret("other")).signature(for: body)
        let cases: [([String: String], WebhookError.Code, Int)] = [
            (headers(signature: nil), .missingSignature, 401),
            (headers(signature: wrong), .signatureMismatch, 403),
            (headers(signature: "sha256=xyz"), .malformedSignature, 403),
            (headers(signature: good, delivery: nil), .missingHeader, 400),
            (headers(signature: good, delivery: " "), .missingHeader, 400),
            (headers(signature: good, event: nil), .missingHeader, 400),
        ]
        for (headers, code, status) in cases {
            let error = #expect(throws: WebhookError.self) { try receiver.receive(body: body, headers: headers) }
            #expect(error?.code == code)
            #expect(error?.httpStatus == status)
        }
        #expect(deliveries.count == 0)
    }
}
