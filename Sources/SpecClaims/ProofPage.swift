import Foundation

/// The generated part of a `Proofs/<ID>.md` page: everything from its "## Machine-checked
/// statement" heading to the end of the file is written by `nlspec prove --write-pages`; a test
/// fails when the page differs from what the code generates.
public enum ProofPage {
    public static let heading = "## Machine-checked statement"

    /// The generated section of `page`, or nil when it has none.
    public static func generatedSection(of page: String) -> String? {
        guard let r = page.range(of: "\n" + heading) else { return nil }
        return String(page[page.index(after: r.lowerBound)...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `page` with its generated section replaced by (or extended with) `section`.
    public static func replacing(_ section: String, in page: String) -> String {
        let head: Substring
        if let r = page.range(of: "\n" + heading) { head = page[..<r.lowerBound] } else { head = Substring(page) }
        return head.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" + section + "\n"
    }

    public static func write(_ section: String, id: String, folder: String) throws {
        let url = URL(fileURLWithPath: folder).appendingPathComponent("\(id).md")
        let page = try String(contentsOf: url, encoding: .utf8)
        try replacing(section, in: page).write(to: url, atomically: true, encoding: .utf8)
    }
}
