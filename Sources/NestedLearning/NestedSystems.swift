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
    }

    public let architecture: String
    public let summary: String
    public let levels: [Level]

    /// The architectures `nlspec levels` describes, by command-line name. The Hope entry uses CMS
    /// periods 2 and 4 (the paper's are not stated, ambiguity A10).
    public static let all: [String: NestedSystem] = [
        "linear-attention": NestedSystem(architecture: "linear attention",
                                         summary: "one GD step per token on a dot-product objective (arXiv eq. 14-18)", levels: [
            Level(name: "M", memory: "matrix d_v x d_k (the state)",
                  objective: "-<M k_t, v_t>", optimizer: "GD, learning rate 1",
                  frequency: .everyToken, claims: "LA-GD, LA-PARALLEL"),
            Level(name: "W_k, W_v, W_q", memory: "projections",
                  objective: "task loss", optimizer: "backprop through the sequence",
                  frequency: .outerLoop, claims: "LA-2LEVEL"),
        ]),
        "transformer": NestedSystem(architecture: "Transformer block",
                                    summary: "attention (non-parametric memory) then an MLP of frequency zero: a CMS with k = 1 "
                                        + "(arXiv §6)",
                                    levels: [
            Level(name: "attention", memory: "key-value cache (non-parametric)",
                  objective: "sum_i s_i ||v_i - M||^2 per query", optimizer: "closed form (Nadaraya-Watson)",
                  frequency: .nonParametric, claims: "ATTN-NW"),
            Level(name: "MLP", memory: "2-layer MLP",
                  objective: "task loss", optimizer: "pre-training GD",
                  frequency: .outerLoop, claims: "TRANSFORMER-CMS1, CMS-K1"),
            Level(name: "W_q, W_k, W_v", memory: "projections",
                  objective: "task loss", optimizer: "pre-training GD",
                  frequency: .outerLoop, claims: "-"),
        ]),
        "titans": NestedSystem(architecture: "Titans (linear memory)", summary: "surprise with momentum and forgetting (Titans eq. 8-16)",
                               levels: [
            Level(name: "M", memory: "matrix d_v x d_k",
                  objective: "1/2||M k_t - v_t||^2", optimizer: "GD with momentum S and forgetting alpha",
                  frequency: .everyToken, claims: "TITANS-CHUNK"),
            Level(name: "W_k, W_v, W_q, gates", memory: "projections",
                  objective: "task loss", optimizer: "backprop",
                  frequency: .outerLoop, claims: "-"),
        ]),
        "hope": NestedSystem(architecture: "Hope (self-modifying Titans + CMS)", summary: "arXiv eq. 94-97, CMS periods 2 and 4 here",
                             levels: [
            Level(name: "M_memory, M_k, M_v, M_eta, M_alpha", memory: "5 linear memories",
                  objective: "||M k_t - v^_t||^2, self-generated v^", optimizer: "DGD with weight decay",
                  frequency: .everyToken, claims: "SMT-DGD, SMT-CHUNK"),
            Level(name: "CMS level 1", memory: "2-layer MLP",
                  objective: "task loss", optimizer: "GD on the chunk's loss sum",
                  frequency: .period(2), claims: "CMS-LEVELS"),
            Level(name: "CMS level 2", memory: "2-layer MLP",
                  objective: "task loss", optimizer: "GD on the chunk's loss sum",
                  frequency: .period(4), claims: "CMS-LEVELS"),
            Level(name: "W_q, initial states", memory: "projection and M_{.,0}",
                  objective: "task loss", optimizer: "meta-learning (outer loop)",
                  frequency: .outerLoop, claims: "-"),
        ]),
        "momentum-sgd": NestedSystem(architecture: "SGD with momentum",
                                     summary: "two levels of the same frequency; W reads m, computed first (arXiv eq. 10-13)", levels: [
            Level(name: "m", memory: "momentum (value-less memory of gradients)",
                  objective: "-<m, g_t> + ||m - m_t||^2/(2 eta)", optimizer: "GD",
                  frequency: .everyToken, claims: "MOM-2LEVEL"),
            Level(name: "W", memory: "weights",
                  objective: "task loss", optimizer: "W - m",
                  frequency: .everyToken, claims: "MOM-2LEVEL, BP-LINEAR"),
        ]),
    ]
}
