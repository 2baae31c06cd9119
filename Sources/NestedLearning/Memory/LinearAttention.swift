import ExactMath

/// Linear attention as a matrix memory (arXiv eq. 14–16; NeurIPS eq. 12–14).
///
/// `M_t = M_{t−1} + v_t k_tᵀ`, read `y_t = M_t q_t`. Keys and queries are `d_k`-vectors, values
/// `d_v`-vectors, `M ∈ S^{d_v × d_k}`.
public enum LinearAttention {
    /// The result of running the recurrence over a sequence.
    public struct Trace<S: Scalar>: Sendable {
        public let outputs: [Vector<S>]
        public let finalState: Matrix<S>
        public init(outputs: [Vector<S>], finalState: Matrix<S>) {
            self.outputs = outputs
            self.finalState = finalState
        }
    }

    /// The write `M + v kᵀ` (arXiv eq. 15).
    public static func write<S: Scalar>(_ m: Matrix<S>, key k: Vector<S>, value v: Vector<S>) -> Matrix<S> {
        m + Matrix.outer(v, k)
    }

    /// A matrix memory over `queries.count` tokens from `initial`, token `t` writing
    /// `write(M_{t−1}, t)` and reading after the write, `y_t = M_t q_t` (arXiv eq. 16), or before
    /// it, `y_t = M_{t−1} q_t` (``Conventions/ReadOrder``, A13).
    public static func readWrite<S: Scalar>(initial: Matrix<S>, queries: [Vector<S>],
                                                 readOrder: Conventions.ReadOrder = .afterWrite,
                                                 write: (Matrix<S>, Int) -> Matrix<S>) -> Trace<S> {
        var m = initial
        let outputs = queries.indices.map { t -> Vector<S> in
            let before = m
            m = write(m, t)
            return (readOrder == .afterWrite ? m : before) * queries[t]
        }
        return Trace(outputs: outputs, finalState: m)
    }

    /// The queries a kernel reads with when it scales them by `s` (`y_t = M_t (s q_t)`;
    /// ``Conventions/QueryScale``): `s = 1/√d_k` in most attention code, applied to `q` before
    /// the read. Exact in a field; claim LA-KERNEL-FORM shows the scaled rule is the same memory.
    public static func scaled<S: Scalar>(_ queries: [Vector<S>], by s: S) -> [Vector<S>] {
        queries.map { s * $0 }
    }

    /// The recurrent form over T tokens from state `initial` (arXiv eq. 15–16).
    public static func recurrent<S: Scalar>(keys: [Vector<S>], values: [Vector<S>], queries: [Vector<S>],
                                            initial: Matrix<S>,
                                            readOrder: Conventions.ReadOrder = .afterWrite) -> Trace<S> {
        precondition(keys.count == values.count && keys.count == queries.count, "LinearAttention: sequence lengths differ")
        return readWrite(initial: initial, queries: queries, readOrder: readOrder) { m, t in
            write(m, key: keys[t], value: values[t])
        }
    }

    /// Which attention scores the parallel form keeps.
    public enum Mask: String, Sendable {
        /// `s ≤ t` (read after write).
        case causal
        /// `s < t` (read before write).
        case strictlyCausal
        /// All `s` (no mask).
        case none
    }

    /// The parallel form from `M_0 = 0`: `Y = (Q Kᵀ ⊙ mask) V`, row t of which is
    /// `Σ_{s kept} (q_tᵀ k_s) v_sᵀ`. `Q`, `K` are `T × d_k`, `V` is `T × d_v`; returns `T × d_v`.
    public static func parallel<S: Scalar>(queries q: Matrix<S>, keys k: Matrix<S>, values v: Matrix<S>,
                                           mask: Mask = .causal) -> Matrix<S> {
        let scores = q * k.transposed
        let masked = Matrix(rows: scores.rows, cols: scores.cols) { t, s -> S in
            switch mask {
            case .causal: return s <= t ? scores[t, s] : .zero
            case .strictlyCausal: return s < t ? scores[t, s] : .zero
            case .none: return scores[t, s]
            }
        }
        return masked * v
    }
}
