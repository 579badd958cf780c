import Foundation

/// Human output in aligned columns; colour only on a terminal.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    func render() -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? Self.visibleCount($0[column]) : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - Self.visibleCount(cell)))
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// Characters shown, leaving out colour escape sequences.
    static func visibleCount(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for character in text {
            if character == "\u{1B}" { inEscape = true } else if inEscape { if character == "m" { inEscape = false } } else { count += 1 }
        }
        return count
    }
}

enum Style {
    static let enabled = Terminal.standardOutput.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    /// A job state, coloured on a terminal.
    static func state(_ state: String) -> String {
        guard enabled else { return state }
        let code = switch state {
        case "succeeded": "32"
        case "failed": "31"
        case "running": "36"
        case "cancelled": "33"
        default: "0"
        }
        return "\u{1B}[\(code)m\(state)\u{1B}[0m"
    }

    static func timestamp(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }
}
