/// Lays out rows of cells in columns, as kubectl does: each column padded to its widest cell,
/// two spaces apart, trailing spaces trimmed. Cells may carry colour (`Style`); widths count only
/// what is visible.
enum TableLayout {
    static func align(_ rows: [[String]], indent: String = "") -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], Style.visibleWidth(cell)) }
        }
        return rows.map { row in
            var line = indent
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1 {
                    line += String(repeating: " ", count: widths[i] + 2 - Style.visibleWidth(cell))
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// An age the way kubectl shows one: `45s`, `3m12s`, `2h5m`, `3d4h`.
    static func age(_ seconds: Int) -> String {
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds / 60)m\(seconds % 60)s"
        case ..<86400: return (seconds % 3600) / 60 == 0 ? "\(seconds / 3600)h" : "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        default: return (seconds % 86400) / 3600 == 0 ? "\(seconds / 86400)d" : "\(seconds / 86400)d\((seconds % 86400) / 3600)h"
        }
    }
}
