/// One reading of a place where the paper leaves a choice open: a case of one of the
/// ``Conventions`` enums. Claims list the readings they depend on (``Convention``), and reports name
/// them `Type.case`, e.g. `DeltaOrientation.right`.
public protocol ConventionReading: Sendable {
    /// How claims and reports name the reading.
    var name: String { get }
}

extension ConventionReading where Self: RawRepresentable, Self.RawValue == String {
    public var name: String { "\(Self.self).\(rawValue)" }
}

/// A reading a claim depends on, with an optional note on where or how it applies
/// (`ReadOrder.beforeWrite (eq. 83, 94)`).
public struct Convention: Sendable, Equatable, CustomStringConvertible {
    /// The reading's name followed by the note in parentheses, if any.
    public let description: String

    public init(_ reading: some ConventionReading, note: String? = nil) {
        description = reading.name + (note.map { " (\($0))" } ?? "")
    }
}

/// The places where the paper leaves a choice open, each as a named type with the project's
/// default. `Spec/CONVENTIONS.md` is the register: the readings, the default, why, and which
/// claims depend on each. Ambiguity numbers refer to the A-list of the math digest.
///
/// An enum lists the readings the components implement. A reading the suite shows wrong (a
/// formula as printed, or a variant real code ships) is not a case here: it is a mutant of the
/// claim that rejects it, and a formula as printed is listed in `Spec/ERRATA.md`.
public enum Conventions {
    /// A1: the sign inside Definitions 3/4 (arXiv eq. 19–20). As printed, `⟨Φx, −∇L⟩` is an
    /// ascent step for a loss (BP-LINEAR's mutant); the suite reads it as descent.
    public enum NestedSystemSign: String, ConventionReading, CaseIterable {
        /// `argmin ⟨Φx, ∇L⟩ + ‖Φ − θ‖²/(2η)`: gradient descent. Default.
        case descent
    }

    /// A3: which tokens a CMS boundary update sums (arXiv eq. 71, NeurIPS eq. 31). The printed
    /// `t = i − C … i` has C + 1 terms, overlapping the previous chunk (the `c-plus-one-terms`
    /// mutants of CMS-CHUNK and CMS-LEVELS).
    public enum CMSWindow: String, ConventionReading, CaseIterable {
        /// `t = i − C + 1 … i`: the C tokens of the chunk that just ended. Default.
        case chunk
    }

    /// How a CMS boundary update combines the chunk's per-token gradients. The mean, which some
    /// public implementations take, is CMS-CHUNK's mutant.
    public enum CMSReduction: String, ConventionReading, CaseIterable {
        /// `Σ_t η ∇L_t`, as the paper writes it. Default.
        case sum
    }

    /// Where a CMS level's per-token gradients are evaluated (arXiv eq. 71). Parameters moved after
    /// every token inside the chunk are CMS-CHUNK's mutant.
    public enum CMSGradientAnchor: String, ConventionReading, CaseIterable {
        /// At the parameters of the chunk start, which are constant through the chunk. Default.
        case chunkStart
    }

    /// What happens to the last `T mod C` tokens of a CMS level.
    public enum CMSTail: String, ConventionReading, CaseIterable {
        /// No update: the level updates exactly ⌊T/C⌋ times. Default.
        case unflushed
        /// One extra update at token T with the partial chunk's gradients.
        case flush
    }

    /// A13: whether a read at token t sees the write of token t (linear attention, arXiv eq. 16).
    public enum ReadOrder: String, ConventionReading, CaseIterable {
        /// `y_t = M_t q_t`, after the write (arXiv eq. 16). Default.
        case afterWrite
        /// `y_t = M_{t−1} q_t`, before the write.
        case beforeWrite
    }

    /// A14: momentum signs (arXiv eq. 10–13 vs NeurIPS eq. 7–8). NeurIPS eq. 7–8 print
    /// `m ← βm − η∇L`, `W ← W − m`, an ascent (MOM-2LEVEL's mutant).
    public enum MomentumSign: String, ConventionReading, CaseIterable {
        /// `m ← βm + η∇L`, `W ← W − m` (arXiv eq. 10–13). Default.
        case arxiv
    }

    /// A15: which side of the memory the delta rule's erase factor multiplies. arXiv eq. 65 prints
    /// `(I − βkkᵀ)M + βvkᵀ`, right only for the transposed state (LA-DELTA's mutant).
    public enum DeltaOrientation: String, ConventionReading, CaseIterable {
        /// `M(I − βkkᵀ) + βvkᵀ` for `M: k ↦ v`, `M ∈ S^{d_v×d_k}`. Default.
        case right
    }

    /// A5: the step size of the closed-form DGD / Longhorn step (arXiv eq. 57, App. C). The
    /// printed `η' = η / (1 + η)` is exact only when `‖x‖ = 1` (LA-DGD's mutant).
    public enum DGDStepSize: String, ConventionReading, CaseIterable {
        /// `η' = η / (1 + η‖x‖²)`, exact for any input norm. Default.
        case keyNormAware
    }

    /// A7: what "Adam" means in arXiv App. B (eq. 100–105).
    public enum AdamMoments: String, ConventionReading, CaseIterable {
        /// `M̃ = β₁ Σ g_i`, `H = β₂ Σ g_i²`: the accumulated, β-scaled sums the derivation gives,
        /// no moving average, no bias correction (``AdamMemory``). Default.
        case accumulated
        /// Moving averages with bias correction (Kingma & Ba; ``Adam``): what libraries call Adam.
        case textbookEMA
    }

    /// A2: the chunk anchor of the chunk-wise self-modifying Titans update (arXiv eq. 90–91, 93).
    /// Eq. 90 prints `ξ = C⌈t/C⌉`, the end of the current chunk, a state that does not exist yet
    /// when the chunk is processed (SMT-CHUNK's mutant).
    public enum ChunkAnchor: String, ConventionReading, CaseIterable {
        /// `ξ = C⌊(t − 1)/C⌋`: the last state of the previous chunk, as the prose says. Default.
        case previousChunkEnd
    }

    /// A9: how the learning-rate and retention memories `M_η`, `M_α` of self-modifying Titans
    /// produce their scalar gates (arXiv eq. 83–85 leave the output shape open). A
    /// `d`-dimensional output squashed to (0, 1) (e.g. a sigmoid of its mean) is another reading;
    /// it is not rational, and not implemented.
    public enum SelfModifyingGates: String, ConventionReading, CaseIterable {
        /// `M_η, M_α ∈ S^{1×d}`: linear memories with one output, used as the gate without
        /// squashing, so the exact tier stays rational. Default.
        case scalarLinear
    }

    /// A6: the slow-momentum update of M3 (arXiv §7.2: eq. 75 against Algorithm 1, line 3).
    /// Algorithm 1 prints `Σ_{i=(k−1)f}^{kf}`, `f + 1` terms, and eq. 75 `M⁽²⁾ ← M⁽²⁾ − β₂ Σ …`;
    /// both are OPT-M3's mutants.
    public enum M3SlowUpdate: String, ConventionReading, CaseIterable {
        /// `M⁽²⁾ ← M⁽²⁾ + β₃ Σ_{i=(k−1)f+1}^{kf} g_i`: the `f` gradients of the chunk that just
        /// ended, added when the next chunk starts, at step `kf + 1` (Algorithm 1's line 3 opens
        /// the loop over chunk `k`). Default.
        case chunk
        /// The same sum, added at the end of step `kf`, right after the chunk's last gradient, as
        /// implementations that update the slow memory when it has seen `f` gradients do. Step `kf`
        /// has already used the old `O⁽²⁾`, so every `θ_t` is the same as with ``chunk``; only the
        /// final slow memory differs, when `T` is a positive multiple of `f`.
        case chunkEnd
    }

    /// Whether Newton–Schulz scales its input before iterating (arXiv §8.9 and eq. 42–44 leave it
    /// open; Muon's reference code divides by the Frobenius norm so that every singular value is
    /// at most 1).
    public enum NewtonSchulzNormalization: String, ConventionReading, CaseIterable {
        /// The polynomial on `X` as given. Default.
        case none
        /// `X ← X / (‖X‖_F + ε)` first, `ε ≥ 0` a given constant.
        case frobenius
    }

    /// Whether Newton–Schulz iterates on a tall input (more rows than columns) or on its transpose.
    /// The result is the same polynomial map either way in exact arithmetic (`p(Xᵀ)ᵀ = p(X)` for
    /// an odd polynomial in `XXᵀ`); the Gram matrix is `m × m` as given and `n × n` transposed,
    /// so the cost and the rounding differ.
    public enum NewtonSchulzTallInput: String, ConventionReading, CaseIterable {
        /// Iterate on `X` as given. Default.
        case asGiven
        /// Iterate on `Xᵀ` when `X` has more rows than columns, and transpose the result back, as
        /// Muon's reference code does.
        case transposed
    }

    /// How many values a gate of the chunked Titans memory has (Titans eq. 8–16 write `α_t`,
    /// `η_t`, `θ_t` per token; implementations of the chunked form often derive them per chunk).
    public enum TitansGateGranularity: String, ConventionReading, CaseIterable {
        /// One value per token. Default.
        case token
        /// One value per chunk, `⌈T/C⌉` in all, applied to every token of its chunk.
        case chunk
    }

    /// Whether a read scales the query (`y_t = M_t (s q_t)`). The paper's memories read with `q_t`
    /// itself (arXiv eq. 16); attention kernels multiply `q` by `s = 1/√d_k` first, often
    /// without a way to turn it off. Claim LA-KERNEL-FORM shows the scaled read is the same rule.
    public enum QueryScale: String, ConventionReading, CaseIterable {
        /// `s = 1`: the query as given. Default of the memory ops.
        case none
        /// `s = fl(1/fl(√d_k))`, the binary64 value attention code computes. Default of softmax
        /// attention (arXiv eq. 62).
        case inverseSqrtKeyWidth
        /// `s` given with the case (golden optional input `scale`).
        case given
    }

    /// How a decay gate is given: the factor `α ∈ [0, 1]` itself, its logarithm `g = log α`, as
    /// kernels that form products of gates by summing logs take it, or a logit `x` with `α = σ(x)`,
    /// as the gate layers of Titans and Gated DeltaNet produce it. `α = 0` has no log-space
    /// form (cases with such a gate carry the flag `GateZero`).
    public enum GateSpace: String, ConventionReading, CaseIterable {
        /// `α` as given. Default.
        case linear
        /// `g` given; the reference reads `α = RN(exp g)`, the binary64 nearest `exp g`
        /// (``CorrectlyRoundedExp``).
        case log
        /// A logit `x` given; the reference reads `α = RN(σ(x))`, the binary64 nearest the sigmoid
        /// `1/(1 + e^{−x})` (proven by balls), as gates computed by a sigmoid layer are.
        case logit
    }

    /// The inner objective `L⁽²⁾` of deep momentum GD (arXiv eq. 50), which the paper leaves open.
    public enum DMGDObjective: String, ConventionReading, CaseIterable {
        /// `½‖m(u) + u‖²`: the memory learns to map a gradient to the descent direction `−u`
        /// (value `−I·u`). Default.
        case regressNegativeGradient
        /// `⟨m(u), 1⟩`, the example the paper prints: its gradient does not depend on the
        /// memory's output.
        case dotProductWithOnes
    }

    /// Which parameters of the *other* levels a CMS level's per-token gradient sees, in a system of
    /// several levels (arXiv eq. 71 writes `f(θ_t; x_t)` for each token `t` of the chunk).
    /// Recomputing a chunk's gradients at its boundary, after faster levels have moved (a shortcut
    /// that stores inputs, not gradients), is CMS-LEVELS' mutant.
    public enum CMSGradientTiming: String, ConventionReading, CaseIterable {
        /// Each token's gradient is taken when the token is processed, with the parameters then in
        /// force. Default.
        case perToken
    }

    /// A11: where Hope puts normalisations, the local convolution (window 4), residual
    /// connections and any gating around its two parts (arXiv eq. 94–97 remove them "for clarity").
    /// The block as trained in the paper's experiments, with them, is not specified and not
    /// implemented; a residual around the CMS is one of HOPE's mutants.
    public enum HopeWiring: String, ConventionReading, CaseIterable {
        /// None of them: `y_t = CMS(o_t)`, `o_t` the self-modifying Titans read. Default, and the
        /// only reading implemented.
        case plain
    }

    /// How level `s` of a nested CMS (arXiv eq. 72) differentiates level `s + 1`'s context loss
    /// with respect to level `s + 1`'s initial state `Φ`. The paper writes `argmin_Φ E[ℓ(Θ, T; Φ)]`
    /// and trains it "through backpropagation", so the gradient sees every inner update. The
    /// first-order shortcut (FOMAML/Reptile-style), as if `θ_t` did not depend on `Φ`, is
    /// CMS-NESTED's mutant.
    public enum NestedCMSMetaGradient: String, ConventionReading, CaseIterable {
        /// `d/dΦ Σ_t ℓ_t(θ_t(Φ))`, through the inner updates (second order). Default.
        case throughInnerUpdates
    }

    /// What level `s + 1` of a nested CMS starts each context from (arXiv §7.1: it is
    /// "re-initialised" to the state level `s` meta-learns when its context ends). Restarting from
    /// `Φ` before level `s`'s update, or not restarting, are CMS-NESTED's mutants.
    public enum NestedCMSReset: String, ConventionReading, CaseIterable {
        /// The initial state after level `s`'s update at the end of the previous context. Default.
        case metaLearnedState
    }

    // The readings below were first written down as prose in the claims; each `name` keeps that
    // text, so reports that list them (`nlspec check --json`) read as before.

    /// Where the decay gate of the gated delta rule acts (Gated DeltaNet; arXiv eq. 65 has no gate).
    public enum GatePlacement: String, ConventionReading, CaseIterable {
        /// `α M(I − β k kᵀ) + β v kᵀ`: decay the state, then take the delta step. Default.
        case decayThenDelta
        public var name: String { "gate placement: decay, then delta" }
    }

    /// The objective whose GD steps arXiv eq. 44 takes; eq. 43 prints only `½‖OᵀO − I‖²`.
    public enum NewtonSchulzObjective: String, ConventionReading, CaseIterable {
        /// `½‖O − g‖² + ½‖OᵀO − I‖²`, the proximity term that eq. 44's `O − g` implies. Default.
        case withProximity
        public var name: String { "objective with the proximity term 1/2||O - g||^2" }
    }

    /// Which side of delta momentum's state the gradient-dependent decay multiplies (arXiv eq. 49
    /// multiplies on the right, NeurIPS eq. 22 on the left; A14).
    public enum DeltaMomentumDecay: String, ConventionReading, CaseIterable {
        /// `m(αI − η gᵀg)` for `m` of the weight's shape. Default.
        case right
        public var name: String { "decay on the right, m(alpha I - eta g^T g)" }
    }

    /// What `NS` means in M3 (arXiv Algorithm 1 leaves the Newton–Schulz variant open, A6).
    public enum M3Orthogonalization: String, ConventionReading, CaseIterable {
        /// `T` cubic Newton–Schulz steps without normalisation, or the identity (`T = 0`). Default.
        case cubicStepsOrIdentity
        public var name: String { "NS = T cubic Newton-Schulz steps without normalisation, or the identity" }
    }

    /// How the retention `α` of deep momentum GD acts (arXiv eq. 50 writes `α m_i`).
    public enum DMGDRetention: String, ConventionReading, CaseIterable {
        /// `α` multiplies the memory's parameters. Default.
        case decaysParameters
        public var name: String { "alpha m decays the memory's parameters" }
    }

    /// How deep momentum GD applies its memory to the weights (arXiv eq. 50).
    public enum DMGDWeightUpdate: String, ConventionReading, CaseIterable {
        /// `W ← W + m(u)`, the memory's output on the current gradient. Default.
        case addMemoryOutput
        public var name: String { "W <- W + m(u)" }
    }

    /// The state at which the chunked Titans memory takes its gradients (Titans §3.2).
    public enum TitansChunkAnchor: String, ConventionReading, CaseIterable {
        /// `t' = C⌊(t − 1)/C⌋`: the state before the chunk's first token. Default.
        case chunkStart
        public var name: String { "chunk anchor t' = C floor((t - 1)/C)" }
    }

    /// Whether a chunk shorter than `C` (a last partial chunk, or a sequence with `T < C`) updates
    /// the Titans memory.
    public enum TitansPartialChunk: String, ConventionReading, CaseIterable {
        /// It updates like any other chunk. Default.
        case updates
        public var name: String { "partial chunks update" }
    }

    /// Which parameters of a deep (MLP) Titans memory the momentum and the forgetting gate act on.
    public enum TitansDeepMemoryGates: String, ConventionReading, CaseIterable {
        /// All of them, `θ = vec(W₁) ‖ vec(W₂)`. Default.
        case allParameters
        public var name: String { "momentum and forgetting act on all of theta = vec(W1) || vec(W2)" }
    }

    /// What happens when several CMS levels reach a boundary at the same token.
    public enum CMSSharedBoundary: String, ConventionReading, CaseIterable {
        /// All their gradients are taken before any of them moves. Default.
        case simultaneous
        public var name: String { "simultaneous updates at a shared boundary" }
    }

    /// Where the inner chunks of a nested CMS (arXiv eq. 72) start.
    public enum NestedCMSInnerChunks: String, ConventionReading, CaseIterable {
        /// They are counted from each context's first token. Default.
        case fromContextStart
        public var name: String { "inner chunks counted from each context's first token" }
    }

    /// The CMS periods of the Hope block `nlspec levels` describes (the paper states none, A10).
    public enum HopeCMSPeriods: String, ConventionReading, CaseIterable {
        /// Two levels, periods 2 and 4. Default.
        case twoAndFour
        public var name: String { "Hope CMS periods 2 and 4" }
    }
}
