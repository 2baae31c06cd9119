/// The names an op reads and writes, in the order of `Golden/FORMAT.md`'s ops table. The order
/// of `outputs` is the rank that breaks ties when a grader picks a case's first failing element.
public struct OpSignature: Sendable {
    public let inputs: [String]
    public let outputs: [String]

    /// When in the run an output's element is produced (FORMAT.md, "The first failing element").
    public enum Step: Sendable {
        /// Axis 0 is the token or step.
        case axis0
        /// Element `j` (or row `j`) is a 1-based token whose value, minus one, is the step.
        case ownTokenValue
        /// Axis 0 counts updates; update `j` happens after token `update_tokens[j]` (expected).
        case afterUpdateToken
        /// Axis 0 counts finished contexts of `context` tokens.
        case perContext
        /// The state after token `split`.
        case afterSplit
        /// A final state, after every step.
        case final
    }

    public func step(of output: String) -> Step {
        switch output {
        case "Y", "O", "W": return .axis0
        case "update_tokens", "inner_update_tokens", "updates": return .ownTokenValue
        case "W1_after", "W2_after": return .afterUpdateToken
        case "W1_phi", "W2_phi": return .perContext
        case "M_split": return .afterSplit
        default: return .final
        }
    }

    /// Every op of the suite.
    public static let all: [String: OpSignature] = [
        "linear_attention.recurrent": .init(inputs: ["M0", "K", "V", "Q"],
                                      outputs: ["Y", "M_T"]),
        "delta_rule.sequence": .init(inputs: ["M0", "K", "V", "Q", "beta"],
                               outputs: ["Y", "M_T"]),
        "dgd.step": .init(inputs: ["W", "x", "u", "eta"],
                    outputs: ["W_next"]),
        "cms_level.run": .init(inputs: ["W1", "W2", "X", "R", "period", "eta", "flush"],
                         outputs: ["Y", "update_tokens", "W1_after", "W2_after"]),
        "linear.gd_step": .init(inputs: ["W", "x", "t", "eta"],
                          outputs: ["grad_W", "W_next"]),
        "mlp2.gradients": .init(inputs: ["W1", "W2", "x", "t"],
                          outputs: ["y", "delta2", "delta1", "grad_W1", "grad_W2"]),
        "momentum.trajectory": .init(inputs: ["W0", "X", "R", "eta", "beta"],
                               outputs: ["W"]),
        "softmax_attention.causal": .init(inputs: ["K", "V", "Q"],
                                    outputs: ["Y"]),
        "transformer_block.cms1": .init(inputs: ["X", "Wq", "Wk", "Wv", "W1", "W2"],
                                  outputs: ["Y"]),
        "delta_rule.two_calls": .init(inputs: ["M0", "K", "V", "Q", "beta", "split"],
                                outputs: ["Y", "M_split", "M_T"]),
        "gated_delta_rule.sequence": .init(inputs: ["M0", "K", "V", "Q", "alpha", "beta"],
                                     outputs: ["Y", "M_T"]),
        "titans_memory.chunked": .init(inputs: ["M0", "K", "V", "Q", "alpha", "eta", "theta", "chunk"],
                                 outputs: ["Y", "M_T"]),
        "self_modifying_titans.chunked": .init(inputs: ["X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "chunk", "dot_product"],
                                         outputs: ["Y", "M_memory_T", "M_k_T", "M_v_T", "M_eta_T", "M_alpha_T"]),
        "newton_schulz.step": .init(inputs: ["X", "a", "b", "c"],
                              outputs: ["X_next"]),
        "adam_memory.trajectory": .init(inputs: ["W0", "G", "beta1", "beta2", "eta", "epsilon"],
                                  outputs: ["W", "M_T", "H_T"]),
        "m3.trajectory": .init(inputs: ["W0", "G", "eta", "beta1", "beta2", "beta3", "alpha", "epsilon", "period", "ns_steps"],
                         outputs: ["W", "M1_T", "M2_T", "V_T"]),
        "dmgd.trajectory": .init(inputs: ["W0", "X", "Y", "M1", "M2", "alpha", "eta", "objective"],
                           outputs: ["W", "M1_T", "M2_T"]),
        "titans_mlp.chunked": .init(inputs: ["W1", "W2", "K", "V", "Q", "alpha", "eta", "theta", "chunk"],
                              outputs: ["Y", "W1_T", "W2_T"]),
        "cms.sequential": .init(inputs: ["X", "R", "W1", "W2", "periods", "eta"],
                          outputs: ["Y", "updates", "W1_T", "W2_T"]),
        "cms.independent": .init(inputs: ["X", "R", "W1", "W2", "periods", "eta", "weights"],
                           outputs: ["Y", "updates", "W1_T", "W2_T"]),
        "hope.forward": .init(inputs: ["X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "dot_product", "R", "W1", "W2", "periods", "eta"],
                        outputs: ["O", "Y", "updates", "W1_T", "W2_T"]),
        "momentum_memory.step": .init(inputs: ["m", "g", "P", "alpha", "eta", "objective"],
                                outputs: ["m_next"]),
        "cms.nested": .init(inputs: ["W1", "W2", "X", "R", "inner_period", "context", "inner_eta", "outer_eta"],
                      outputs: ["Y", "inner_update_tokens", "W1_phi", "W2_phi"]),
    ]
}
