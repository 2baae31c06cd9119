/// A problem with a golden or results file: names the file, the case and the field.
public struct GoldenError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var tcId: Int?
    public var field: String?
    public var message: String

    public init(file: String, tcId: Int? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.tcId = tcId
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts = [file]
        if let tcId { parts.append("case \(tcId)") }
        if let field { parts.append("field '\(field)'") }
        return parts.joined(separator: ": ") + ": " + message
    }
}
