/// A problem with a golden or results file: names the file, the case and the field.
public struct GoldenError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var tcId: Int?
    public var field: String?
    public var message: String
    /// For an op's refusal of its input, why (nil for a problem with a file).
    public var kind: InvalidInputKind?

    public init(file: String, tcId: Int? = nil, field: String? = nil, _ message: String, kind: InvalidInputKind? = nil) {
        self.file = file
        self.tcId = tcId
        self.field = field
        self.message = message
        self.kind = kind
    }

    public var description: String {
        var parts = [ReportFormat.message(file)]
        if let tcId { parts.append("case \(tcId)") }
        if let field { parts.append("field '\(field)'") }
        // A message may quote input (a rational of a million digits): shorten it for the terminal.
        return parts.joined(separator: ": ") + ": " + ReportFormat.shorten(message, head: 400, tail: 40)
    }
}
