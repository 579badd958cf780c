// An HTTP request carrying a GitHub webhook delivery, and the webhook secret.
import Foundation

private struct Request { var headers: [String: String]; var body: [UInt8] }
private let request = Request(headers: [:], body: [])
private let webhookSecret = ProcessInfo.processInfo.environment["WEBHOOK_SECRET"] ?? ""
private let rawBody = request.body
private let deliveryID = request.headers["X-GitHub-Delivery"] ?? ""
private func enqueue(_ delivery: String) async throws {}
