import ExactMath
import NestedLearning

/// The cases of the option `activation` (suite 0.11.0): the MLP memories of Titans and CMS with
/// the activations real implementations use. ReLU keeps the values rational (`q`); SiLU and the
/// GELUs make them enclosures.

extension TitansMLPOp {
    func activationCases(_ cases: inout DraftSet) {
        for (i, (activation, comment)) in [("relu", "relu: exact, phi'(0) = 0"), ("silu", "silu: values enclosed by balls"),
                                           ("gelu", "gelu (erf form)"), ("gelu_tanh", "gelu (tanh form)")].enumerated() {
            let key = 5200 + i
            cases.valid("\(key)", "activation = \(comment); C = 2, T = 4", flags: ["Small", "Dyadic"], options: ["activation": activation],
                        drawn(seed: UInt64(key)) { Self.draftInputs(&$0, dk: 2, dv: 2, h: 3, t: 4, chunk: 2) })
        }
        cases.refuse("5250", drawn(seed: 5250) { Self.draftInputs(&$0, dk: 2, dv: 2, h: 2, t: 2, chunk: 1) }, "K", "NonFinite",
                     "activation = silu, NaN in K", options: ["activation": "silu"]) { $0["K"]!.values[1] = .nan }
    }
}

extension CMSOp {
    func activationCases(_ cases: inout DraftSet) {
        let rows: [(CMSVariant, String, [Int], [Double]?)] = [(.sequential, "relu", [1, 2], nil), (.sequential, "silu", [1, 2], nil),
                                                             (.independent, "gelu", [1, 2], [1, 0.5]),
                                                             (.independent, "gelu_tanh", [2, 1], [0.5, 1])]
        for (i, row) in rows.enumerated() where row.0 == variant {
            let key = 5300 + i
            cases.valid("\(key)", "activation = \(row.1): two levels, periods \(row.2), T = 4", flags: ["Small", "Dyadic"],
                        options: ["activation": row.1],
                        drawn(seed: UInt64(key)) { Self.draftInputs(&$0, d: 2, h: 2, t: 4, periods: row.2, weights: row.3) })
        }
    }
}
