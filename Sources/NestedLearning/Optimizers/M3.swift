import ExactMath

/// M3, multi-scale momentum Muon (arXiv §7.2, Algorithm 1; eq. 75): an independent
/// (head-wise) continuum memory on the gradient stream. A fast momentum `M⁽¹⁾` (period 1) and a
/// slow momentum `M⁽²⁾` (period `f`, updated at chunk boundaries with the chunk's gradients and
/// used through the next chunk) are each orthogonalised and combined, then divided by a root
/// second moment:
///
///     M⁽¹⁾_t = M⁽¹⁾_{t−1} + β₁ g_t,   V_t = V_{t−1} + β₂ g_t²,   O⁽¹⁾_t = NS(M⁽¹⁾_t)
///     at t = kf + 1 (k ≥ 1):  M⁽²⁾ ← M⁽²⁾ + β₃ Σ_{i=(k−1)f+1}^{kf} g_i,   O⁽²⁾ = NS(M⁽²⁾)
///     θ_t = θ_{t−1} − η (O⁽¹⁾_t + α O⁽²⁾) ⊘ (√V_t + ε)
///
/// With ``Conventions/M3SlowUpdate/chunkEnd`` the slow update is made at the end of step `kf`
/// instead, after `θ_kf`: the same `θ` trajectory, and a slow memory that already holds the last
/// chunk when `T` is a multiple of `f`.
///
/// The moments accumulate with no decay and no bias correction, as Algorithm 1 prints them.
/// `NS` is any map (the claims use `T` steps of the cubic Newton–Schulz polynomial without
/// normalisation, or the identity); the paper does not fix it.
public struct M3<S: SquareRootScalar> {
    public let eta: S, beta1: S, beta2: S, beta3: S, alpha: S, epsilon: S
    /// The slow period `f ≥ 1`.
    public let period: Int
    public let orthogonalize: (Matrix<S>) -> Matrix<S>
    /// When a finished chunk enters the slow memory.
    public let slowUpdate: Conventions.M3SlowUpdate

    public private(set) var fast: Matrix<S>
    public private(set) var slow: Matrix<S>
    public private(set) var secondMoment: Matrix<S>
    public private(set) var slowOrthogonal: Matrix<S>
    /// Steps taken, and slow updates made (`⌊(steps − 1)/f⌋` after `steps ≥ 1`; `⌊steps/f⌋` with
    /// ``Conventions/M3SlowUpdate/chunkEnd``).
    public private(set) var steps = 0, slowUpdates = 0
    /// Gradients seen since the last slow update.
    private var pending: [Matrix<S>] = []

    public init(rows: Int, cols: Int, eta: S, beta1: S, beta2: S, beta3: S, alpha: S, epsilon: S, period: Int,
                slowUpdate: Conventions.M3SlowUpdate = .chunk, orthogonalize: @escaping (Matrix<S>) -> Matrix<S>) {
        precondition(period >= 1, "M3: period \(period) < 1")
        (self.eta, self.beta1, self.beta2, self.beta3, self.alpha, self.epsilon) = (eta, beta1, beta2, beta3, alpha, epsilon)
        self.period = period
        self.slowUpdate = slowUpdate
        self.orthogonalize = orthogonalize
        fast = .zeros(rows, cols)
        slow = .zeros(rows, cols)
        secondMoment = .zeros(rows, cols)
        slowOrthogonal = orthogonalize(.zeros(rows, cols))
    }

    /// One step of Algorithm 1 (lines 3–4 when a chunk starts, then lines 7–10), with the slow
    /// window of ``Conventions/M3SlowUpdate/chunk``, the slow update made when `slowUpdate` says.
    public mutating func update(_ theta: Matrix<S>, gradient g: Matrix<S>) -> Matrix<S> {
        if slowUpdate == .chunk && steps > 0 && steps % period == 0 { foldSlowMemory() }
        steps += 1
        pending.append(g)
        fast = fast + beta1 * g
        secondMoment = secondMoment + beta2 * g.hadamard(g)
        let direction = orthogonalize(fast) + alpha * slowOrthogonal
        let next = Matrix(rows: theta.rows, cols: theta.cols) { i, j in
            theta[i, j] - eta * direction[i, j] / (S.squareRoot(secondMoment[i, j]) + epsilon)
        }
        if slowUpdate == .chunkEnd && steps % period == 0 { foldSlowMemory() }
        return next
    }

    /// Algorithm 1, lines 3–4: `M⁽²⁾ += β₃ Σ` of the finished chunk's gradients, `O⁽²⁾ = NS(M⁽²⁾)`.
    private mutating func foldSlowMemory() {
        slow = slow + beta3 * pending.dropFirst().reduce(pending[0], +)
        slowOrthogonal = orthogonalize(slow)
        slowUpdates += 1
        pending = []
    }
}
