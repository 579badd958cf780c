import CLibGit2
import Foundation
import Synchronization

/// State shared between one libgit2 transfer (on its dedicated thread) and the Swift task that
/// waits for it: the token, the cancellation flag, progress and what the credential callback saw.
final class GitTransferContext: Sendable {
    let token: Secret?
    let progress: (@Sendable (GitProgress) -> Void)?
    let cancelled = Atomic<Bool>(false)
    let credentialCalls = Atomic<Int>(0)
    /// Set when the credential callback refused to answer (no token, or a second request).
    let credentialsRefused = Atomic<Bool>(false)
    /// Refs the remote refused to update during a push, with its reason.
    let rejections = Mutex<[String]>([])
    /// The last transfer statistics, carried into the checkout's progress reports.
    let lastTransfer = Mutex(GitProgress())
    /// What the remote said on the side band (`remote: …` lines: a hook's or a ruleset's
    /// explanation), at most ``maxRemoteMessageBytes``.
    let remoteMessages = Mutex<[UInt8]>([])
    /// The most side-band text kept for an error message.
    static let maxRemoteMessageBytes = 8 << 10

    init(token: Secret?, progress: (@Sendable (GitProgress) -> Void)?) {
        self.token = token
        self.progress = progress
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Lets the credential callback answer once more: for a second connection of one operation
    /// (the repository cache lists refs, then fetches on a new connection).
    func allowNewCredentialRequest() {
        credentialCalls.store(0, ordering: .relaxed)
        credentialsRefused.store(false, ordering: .relaxed)
    }

    /// The remote's side-band messages as lines, without progress counters, the token redacted.
    /// The remote is not trusted: control characters (terminal escapes among them) become `?`, so
    /// that its text cannot rewrite a terminal that prints the error.
    var remoteText: String {
        let bytes = remoteMessages.withLock { $0 }.map { byte -> UInt8 in
            byte == 0x0A || byte == 0x0D || (byte >= 0x20 && byte != 0x7F) ? byte : UInt8(ascii: "?")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Resolving deltas") && !$0.hasPrefix("Counting objects") }
        let joined = lines.joined(separator: "\n")
        return token.map { $0.redact(joined) } ?? joined
    }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Fills libgit2 remote callbacks that point back at this context. The context must outlive
    /// the libgit2 call (callers keep it alive with `withExtendedLifetime`).
    func install(into callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = gitCredentialCallback
        callbacks.transfer_progress = gitTransferProgressCallback
        callbacks.sideband_progress = gitSidebandCallback
        callbacks.push_transfer_progress = gitPushProgressCallback
        callbacks.push_update_reference = gitPushUpdateCallback
    }

    /// Builds the error for a failed libgit2 call, read on the thread that failed.
    func error(from status: Int32, while action: String) -> GitError {
        if isCancelled { return GitError(.cancelled, "\(action) was cancelled") }
        let failure = LibGit2Failure.last(status: status)
        if credentialsRefused.load(ordering: .relaxed) || status == GIT_EAUTH.rawValue {
            let why = token == nil
                ? "the remote requires authentication and no token was given"
                : "the remote refused the token"
            return GitError(.authentication, "\(action) failed: \(why)", httpStatus: failure.httpStatus)
        }
        let message = token.map { $0.redact(failure.message) } ?? failure.message
        return GitError(failure.code, "\(action) failed: \(message)", httpStatus: failure.httpStatus)
    }
}

private func context(_ payload: UnsafeMutableRawPointer?) -> GitTransferContext {
    Unmanaged<GitTransferContext>.fromOpaque(payload!).takeUnretainedValue()
}

/// Answers the first credential request with the token; refuses a second one, so a wrong token
/// fails at once instead of after libgit2's replay limit.
private let gitCredentialCallback: git_credential_acquire_cb = { out, _, _, allowedTypes, payload in
    let context = context(payload)
    let call = context.credentialCalls.add(1, ordering: .relaxed).newValue
    let plaintext = allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0
    guard call == 1, plaintext, let token = context.token else {
        context.credentialsRefused.store(true, ordering: .relaxed)
        git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "authentication refused")
        return GIT_EAUTH.rawValue
    }
    return git_credential_userpass_plaintext_new(out, "x-access-token", token.revealed())
}

private let gitTransferProgressCallback: git_indexer_progress_cb = { stats, payload in
    let context = context(payload)
    if context.isCancelled { return -1 }
    if let stats, let progress = context.progress {
        let report = GitProgress(transfer: stats.pointee)
        context.lastTransfer.withLock { $0 = report }
        progress(report)
    }
    return 0
}

/// Reports checkout progress (installed by clones that report progress).
let gitCheckoutProgressCallback: git_checkout_progress_cb = { _, completed, total, payload in
    let context = context(payload)
    guard let progress = context.progress else { return }
    var last = context.lastTransfer.withLock { $0 }
    last.phase = .checkingOut
    last.checkedOutFiles = completed
    last.totalFiles = total
    progress(last)
}

extension GitProgress {
    /// The transfer statistics of libgit2's indexer: receiving objects until all have arrived,
    /// then resolving deltas.
    init(transfer stats: git_indexer_progress) {
        let received = Int(stats.received_objects), total = Int(stats.total_objects)
        self.init(
            phase: total > 0 && received == total && stats.total_deltas > 0 ? .resolvingDeltas : .receivingObjects,
            receivedObjects: received, totalObjects: total, indexedObjects: Int(stats.indexed_objects),
            receivedBytes: Int(stats.received_bytes), indexedDeltas: Int(stats.indexed_deltas), totalDeltas: Int(stats.total_deltas)
        )
    }
}

private let gitSidebandCallback: git_transport_message_cb = { text, length, payload in
    let context = context(payload)
    if context.isCancelled { return -1 }
    if let text, length > 0 {
        let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
        context.remoteMessages.withLock { kept in
            let room = GitTransferContext.maxRemoteMessageBytes - kept.count
            if room > 0 { kept.append(contentsOf: bytes.prefix(room)) }
        }
    }
    return 0
}

private let gitPushProgressCallback: git_push_transfer_progress_cb = { _, _, _, payload in
    context(payload).isCancelled ? -1 : 0
}

private let gitPushUpdateCallback: git_push_update_reference_cb = { refname, status, payload in
    if let status {
        let name = refname.map { String(cString: $0) } ?? "?"
        context(payload).rejections.withLock { $0.append("\(name): \(String(cString: status))") }
    }
    return 0
}
