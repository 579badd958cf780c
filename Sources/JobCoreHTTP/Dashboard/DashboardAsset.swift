import Crypto
import Foundation

/// A file of the dashboard (script, style sheet, icon), compiled into the module as a string
/// literal so that a `jobctl` copied anywhere serves it (as the OpenAPI document).
struct DashboardAsset: Sendable {
    /// The file's name under `/dashboard/`.
    var name: String
    /// Its `Content-Type`.
    var contentType: String
    /// Its content.
    var text: String
    /// A strong entity tag: the start of the content's SHA-256.
    var eTag: String

    init(_ name: String, _ contentType: String, _ text: String) {
        self.name = name
        self.contentType = contentType
        self.text = text
        let digest = SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        eTag = "\"\(digest)\""
    }

    /// Every file the dashboard serves.
    static let all: [DashboardAsset] = [
        DashboardAsset("common.js", "text/javascript; charset=utf-8", commonScript),
        DashboardAsset("jobs.js", "text/javascript; charset=utf-8", jobsScript),
        DashboardAsset("workers.js", "text/javascript; charset=utf-8", workersScript),
        DashboardAsset("job.js", "text/javascript; charset=utf-8", jobScript),
        DashboardAsset("style.css", "text/css; charset=utf-8", styleSheet),
        DashboardAsset("icon.svg", "image/svg+xml", icon),
    ]

    /// The file named `name`, if the dashboard has one.
    static func named(_ name: String) -> DashboardAsset? {
        byName[name]
    }

    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The icon: a stack of three jobs, one running.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f2937"/>\
        <rect x="6" y="7" width="20" height="4" rx="2" fill="#9ca3af"/><rect x="6" y="14" width="14" height="4" rx="2" fill="#38bdf8"/>\
        <rect x="6" y="21" width="20" height="4" rx="2" fill="#34d399"/></svg>

        """
}
