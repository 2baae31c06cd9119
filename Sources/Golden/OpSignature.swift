/// The names an op reads and writes, in the order of `Golden/FORMAT.md`'s ops table. The order
/// of `outputs` is the rank that breaks ties when a grader picks a case's first failing element.
public struct OpSignature: Sendable {
    public let inputs: [String]
    public let outputs: [String]
    /// The conventions a case selects by name (its `options`): option name → the option. Empty
    /// for an op without options.
    public let options: [String: Option]
    /// Numeric convention parameters: optional scalar inputs (shape `[]`), name → the value an
    /// absent input means, as a canonical rational, or nil when the op's definition says what an
    /// absent input means (`softmax_attention.causal`'s `scale`: `fl(1/fl(√d_k))`).
    public let optionalInputs: [String: String?]

    /// A convention a case may select by name (`Golden/FORMAT.md`, "Options").
    public struct Option: Sendable, Equatable, Codable {
        /// Every value, snake_case; the first is not necessarily the default.
        public let values: [String]
        /// The value a case that omits the option has: the reading every case had before the
        /// option existed.
        public let `default`: String
        /// For a value, the inputs it replaces: input name → the name a case with that value
        /// carries instead (`gates` = `log`: `alpha` → `log_alpha`). Nil when no value does.
        public let replaces: [String: [String: String]]?

        public init(values: [String], default: String, replaces: [String: [String: String]]? = nil) {
            self.values = values
            self.default = `default`
            self.replaces = replaces
        }
    }

    public init(inputs: [String], outputs: [String], options: [String: Option] = [:], optionalInputs: [String: String?] = [:]) {
        self.inputs = inputs
        self.outputs = outputs
        self.options = options
        self.optionalInputs = optionalInputs
    }

    /// The inputs a case with these options must carry (the optional inputs aside), in the order
    /// of ``inputs``: an input a selected value replaces is carried under its new name.
    public func inputs(options selected: [String: String]) -> [String] {
        var names = inputs
        for (option, value) in selected.sorted(by: { $0.key < $1.key }) {
            for (old, new) in self.options[option]?.replaces?[value] ?? [:] {
                names = names.map { $0 == old ? new : $0 }
            }
        }
        return names
    }

    /// The option and value under which a case carries `name` in place of an input, if any.
    public func selection(carrying name: String) -> (option: String, value: String)? {
        for (option, o) in options.sorted(by: { $0.key < $1.key }) {
            for (value, map) in (o.replaces ?? [:]).sorted(by: { $0.key < $1.key }) where map.values.contains(name) {
                return (option, value)
            }
        }
        return nil
    }

    /// The option and value that replace `input`, if a value of some option replaces it, and the
    /// name the input then has.
    public func replacement(of input: String) -> (option: String, value: String, name: String)? {
        for (option, o) in options.sorted(by: { $0.key < $1.key }) {
            for (value, map) in (o.replaces ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let name = map[input] { return (option, value, name) }
            }
        }
        return nil
    }

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
                                      outputs: ["Y", "M_T"], options: readOrder, optionalInputs: queryScale),
        "delta_rule.sequence": .init(inputs: ["M0", "K", "V", "Q", "beta"],
                               outputs: ["Y", "M_T"], options: readOrder, optionalInputs: queryScale),
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
                                    outputs: ["Y"], optionalInputs: ["scale": nil]),
        "transformer_block.cms1": .init(inputs: ["X", "Wq", "Wk", "Wv", "W1", "W2"],
                                  outputs: ["Y"]),
        "delta_rule.two_calls": .init(inputs: ["M0", "K", "V", "Q", "beta", "split"],
                                outputs: ["Y", "M_split", "M_T"], optionalInputs: queryScale),
        "gated_delta_rule.sequence": .init(inputs: ["M0", "K", "V", "Q", "alpha", "beta"],
                                     outputs: ["Y", "M_T"], options: readOrder.merging(logGates("log_alpha")) { a, _ in a },
                                     optionalInputs: queryScale),
        "titans_memory.chunked": .init(inputs: ["M0", "K", "V", "Q", "alpha", "eta", "theta", "chunk"],
                                 outputs: ["Y", "M_T"], options: titansGates, optionalInputs: queryScale),
        "self_modifying_titans.chunked": .init(inputs: ["X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "chunk", "dot_product"],
                                         outputs: ["Y", "M_memory_T", "M_k_T", "M_v_T", "M_eta_T", "M_alpha_T"]),
        "newton_schulz.step": .init(inputs: ["X", "a", "b", "c"],
                              outputs: ["X_next"], options: newtonSchulzWrapper, optionalInputs: ["eps": "0"]),
        "adam_memory.trajectory": .init(inputs: ["W0", "G", "beta1", "beta2", "eta", "epsilon"],
                                  outputs: ["W", "M_T", "H_T"]),
        "m3.trajectory": .init(inputs: ["W0", "G", "eta", "beta1", "beta2", "beta3", "alpha", "epsilon", "period", "ns_steps"],
                         outputs: ["W", "M1_T", "M2_T", "V_T"],
                         options: ["slow_update": .init(values: ["chunk", "chunk_end"], default: "chunk")]),
        "dmgd.trajectory": .init(inputs: ["W0", "X", "Y", "M1", "M2", "alpha", "eta", "objective"],
                           outputs: ["W", "M1_T", "M2_T"]),
        "titans_mlp.chunked": .init(inputs: ["W1", "W2", "K", "V", "Q", "alpha", "eta", "theta", "chunk"],
                              outputs: ["Y", "W1_T", "W2_T"], options: titansGates.merging(mlpActivation) { a, _ in a },
                              optionalInputs: queryScale),
        "cms.sequential": .init(inputs: ["X", "R", "W1", "W2", "periods", "eta"],
                          outputs: ["Y", "updates", "W1_T", "W2_T"], options: mlpActivation),
        "cms.independent": .init(inputs: ["X", "R", "W1", "W2", "periods", "eta", "weights"],
                           outputs: ["Y", "updates", "W1_T", "W2_T"], options: mlpActivation),
        "hope.forward": .init(inputs: ["X", "M_memory", "M_k", "M_v", "M_eta", "M_alpha", "W_q", "dot_product", "R", "W1", "W2",
                                       "periods", "eta"],
                        outputs: ["O", "Y", "updates", "W1_T", "W2_T"]),
        "momentum_memory.step": .init(inputs: ["m", "g", "P", "alpha", "eta", "objective"],
                                outputs: ["m_next"]),
        "cms.nested": .init(inputs: ["W1", "W2", "X", "R", "inner_period", "context", "inner_eta", "outer_eta"],
                      outputs: ["Y", "inner_update_tokens", "W1_phi", "W2_phi"]),
        "newton_schulz.iterate": .init(inputs: ["X", "a", "b", "c", "steps"],
                                 outputs: ["X_out"], options: newtonSchulzWrapper, optionalInputs: ["eps": "0"]),
        "elementwise.exp": elementwise, "elementwise.sigmoid": elementwise, "elementwise.softplus": elementwise,
        "elementwise.silu": elementwise, "elementwise.gelu": elementwise, "elementwise.gelu_tanh": elementwise,
        "elementwise.tanh": elementwise,
        "norm.rms": .init(inputs: ["X", "gamma", "eps"], outputs: ["Y"]),
        "norm.layer": .init(inputs: ["X", "gamma", "beta", "eps"], outputs: ["Y"]),
        "norm.l2": .init(inputs: ["X", "eps"], outputs: ["Y"]),
    ]

    /// An activation applied element by element.
    static let elementwise = OpSignature(inputs: ["X"], outputs: ["Y"])

    /// The options of the Newton–Schulz ops: Muon's wrapper (`Spec/CONVENTIONS.md`,
    /// `NewtonSchulzNormalization`, `NewtonSchulzTallInput`).
    static let newtonSchulzWrapper: [String: Option] = ["normalize": .init(values: ["none", "frobenius"], default: "none"),
                                                        "transpose_tall": .init(values: ["false", "true"], default: "false")]
    /// Gates per token or per chunk (`TitansGateGranularity`), in linear or log space
    /// (`GateSpace`; the log of the retained fraction `1 − α`).
    static let titansGates: [String: Option] = logGates("log_one_minus_alpha").merging(
        ["gate_granularity": .init(values: ["token", "chunk"], default: "token")]) { a, _ in a }
    /// The activation of the MLP memories (`Activation`).
    static let mlpActivation: [String: Option] = ["activation": MLPActivationOption.option]
    /// Read after or before the write (`ReadOrder`).
    static let readOrder: [String: Option] = ["read_order": .init(values: ["after_write", "before_write"], default: "after_write")]
    /// The query scale `s` of `y_t = M_t (s q_t)` (`QueryScale`), 1 when absent.
    static let queryScale: [String: String?] = ["scale": "1"]
    /// Decay gates `alpha` as given, in log space under the name `logName`, or as logits
    /// `alpha_logit` (`GateSpace`).
    static func logGates(_ logName: String) -> [String: Option] {
        ["gates": .init(values: ["linear", "log", "logit"], default: "linear",
                        replaces: ["log": ["alpha": logName], "logit": ["alpha": "alpha_logit"]])]
    }
}
