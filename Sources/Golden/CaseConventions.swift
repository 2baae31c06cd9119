/// The conventions a case records (`conventions` in a case file): the op's readings, with the
/// reading each of the case's options or optional inputs selects in place of the default.
extension GoldenOp {
    public func conventions(options: [String: String], optionalInputs: Set<String>) -> [String: String] {
        CaseConventions.readings(conventions, options: options, optionalInputs: optionalInputs)
    }
}

/// Which convention type (a ``Conventions`` enum of the library, `Spec/CONVENTIONS.md`) each
/// option and optional input of the suite selects a reading of.
public enum CaseConventions {
    /// Option name → the convention type its value names (`read_order` = `before_write` is
    /// `ReadOrder.beforeWrite`).
    public static let optionTypes: [String: String] = ["normalize": "NewtonSchulzNormalization", "transpose_tall": "NewtonSchulzTallInput",
                                                       "slow_update": "M3SlowUpdate", "gate_granularity": "TitansGateGranularity",
                                                       "read_order": "ReadOrder", "gates": "GateSpace", "activation": "Activation"]
    /// Option → value → the reading's name, where it is not the value in camelCase
    /// (`transpose_tall` = `true` is `NewtonSchulzTallInput.transposed`).
    public static let valueReadings: [String: [String: String]] = ["transpose_tall": ["false": "asGiven", "true": "transposed"]]
    /// Optional input → the convention type and the reading a case that carries it records.
    public static let optionalInputReadings: [String: (type: String, reading: String)] = ["scale": ("QueryScale", "given")]

    /// `base` with the reading each option and optional input selects in place of the default.
    public static func readings(_ base: [String: String], options: [String: String], optionalInputs: Set<String>) -> [String: String] {
        var readings = base
        for (option, value) in options {
            guard let type = optionTypes[option] else { continue }
            readings[type] = valueReadings[option]?[value] ?? camelCase(value)
        }
        for name in optionalInputs {
            guard let (type, reading) = optionalInputReadings[name] else { continue }
            readings[type] = reading
        }
        return readings
    }

    /// `before_write` → `beforeWrite`.
    public static func camelCase(_ snake: String) -> String {
        let parts = snake.split(separator: "_")
        return (parts.first.map(String.init) ?? "") + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
