/// Architectures described as nested systems of associative memories (Definition 2, arXiv §3.2,
/// NeurIPS §2.2; Definitions 3–4, arXiv eq. 19–20): for every level, what its memory is, the
/// objective it minimises, the optimizer that updates it, and how often it updates in context.
///
/// Levels are listed from the highest update frequency to the lowest. Parameters trained only by
/// the outer loop (pre-training) have frequency zero in context.
public struct NestedSystem: Sendable {
    /// How often a level's state changes while the model reads a sequence.
    public enum Frequency: Sendable, Equatable, CustomStringConvertible {
        /// Once per token (period 1).
        case everyToken
        /// Once every `C` tokens, at tokens `C, 2C, …`.
        case period(Int)
        /// A non-parametric memory (softmax attention's key–value cache): one entry per token.
        case nonParametric
        /// Not updated in context; learned in the outer loop (frequency zero).
        case outerLoop

        /// The number of in-context updates over `T` tokens this frequency declares.
        public func updates(over t: Int) -> Int {
            switch self {
            case .everyToken, .nonParametric: return t
            case .period(let c): return t / c
            case .outerLoop: return 0
            }
        }

        public var description: String {
            switch self {
            case .everyToken: return "every token"
            case .period(let c): return "every \(c) tokens"
            case .nonParametric: return "every token (appends)"
            case .outerLoop: return "0 (outer loop)"
            }
        }
    }

    public struct Level: Sendable {
        public let name: String
        public let memory: String
        public let objective: String
        public let optimizer: String
        public let frequency: Frequency
        /// Where the level's rule is checked.
        public let claims: String

        /// The level's name, memory, objective, optimizer, frequency and the claims that check it.
        init(_ name: String, _ memory: String, _ objective: String, _ optimizer: String, _ frequency: Frequency, _ claims: String) {
            (self.name, self.memory, self.objective, self.optimizer, self.frequency, self.claims)
                = (name, memory, objective, optimizer, frequency, claims)
        }
    }

    public let architecture: String
    public let summary: String
    public let levels: [Level]

    /// The architectures `nlspec levels` describes, by command-line name. The Hope entry uses CMS
    /// periods 2 and 4 (the paper's are not stated, ambiguity A10).
    public static let all: [String: NestedSystem] = [
        "linear-attention": NestedSystem(architecture: "linear attention",
                                         summary: "one GD step per token on a dot-product objective (arXiv eq. 14-18)", levels: [
            Level("M", "matrix d_v x d_k (the state)", "-<M k_t, v_t>", "GD, learning rate 1", .everyToken, "LA-GD, LA-PARALLEL"),
            Level("W_k, W_v, W_q", "projections", "task loss", "backprop through the sequence", .outerLoop, "LA-2LEVEL"),
        ]),
        "transformer": NestedSystem(architecture: "Transformer block",
                                    summary: "attention (non-parametric memory) then an MLP of frequency zero: a CMS with k = 1 "
                                        + "(arXiv §6)",
                                    levels: [
            Level("attention", "key-value cache (non-parametric)", "sum_i s_i ||v_i - M||^2 per query",
                  "closed form (Nadaraya-Watson)", .nonParametric, "ATTN-NW"),
            Level("MLP", "2-layer MLP", "task loss", "pre-training GD", .outerLoop, "TRANSFORMER-CMS1, CMS-K1"),
            Level("W_q, W_k, W_v", "projections", "task loss", "pre-training GD", .outerLoop, "-"),
        ]),
        "titans": NestedSystem(architecture: "Titans (linear memory)", summary: "surprise with momentum and forgetting (Titans eq. 8-16)",
                               levels: [
            Level("M", "matrix d_v x d_k", "1/2||M k_t - v_t||^2", "GD with momentum S and forgetting alpha", .everyToken, "TITANS-CHUNK"),
            Level("W_k, W_v, W_q, gates", "projections", "task loss", "backprop", .outerLoop, "-"),
        ]),
        "hope": NestedSystem(architecture: "Hope (self-modifying Titans + CMS)", summary: "arXiv eq. 94-97, CMS periods 2 and 4 here",
                             levels: [
            Level("M_memory, M_k, M_v, M_eta, M_alpha", "5 linear memories", "||M k_t - v^_t||^2, self-generated v^",
                  "DGD with weight decay", .everyToken, "SMT-DGD, SMT-CHUNK"),
            Level("CMS level 1", "2-layer MLP", "task loss", "GD on the chunk's loss sum", .period(2), "CMS-LEVELS"),
            Level("CMS level 2", "2-layer MLP", "task loss", "GD on the chunk's loss sum", .period(4), "CMS-LEVELS"),
            Level("W_q, initial states", "projection and M_{.,0}", "task loss", "meta-learning (outer loop)", .outerLoop, "-"),
        ]),
        "momentum-sgd": NestedSystem(architecture: "SGD with momentum",
                                     summary: "two levels of the same frequency; W reads m, computed first (arXiv eq. 10-13)", levels: [
            Level("m", "momentum (value-less memory of gradients)", "-<m, g_t> + ||m - m_t||^2/(2 eta)", "GD", .everyToken, "MOM-2LEVEL"),
            Level("W", "weights", "task loss", "W - m", .everyToken, "MOM-2LEVEL, BP-LINEAR"),
        ]),
    ]
}
