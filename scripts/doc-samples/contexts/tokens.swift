// A token provider and the tenant (GitHub App installation) a job acts for.
import JobCore

private let tokens: any TokenProvider = stub()
private let tokenProvider = tokens
private let installationID = "48213197"
private let token = "ghs_…"
