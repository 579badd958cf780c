// What the in-process queue's examples run: mirroring a repository for a webhook delivery.
private func mirror(_ repository: String) async throws -> String { "0123abc" }
private let repository = "acme/widgets"
private let deliveryID = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
