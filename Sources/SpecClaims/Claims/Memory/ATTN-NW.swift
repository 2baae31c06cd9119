import ExactMath
import NestedLearning

/// ATTN-NW: causal attention's output at token t is the non-parametric minimiser
/// `argmin_M Σ_{i≤t} s(k_i, q_t) ‖v_i − M‖²`, the Nadaraya–Watson estimator (arXiv eq. 62–63).
struct AttnNwClaim: ViewClaim {
    let id = "ATTN-NW"
    let statement = "Causal attention's output y_t = sum_i softmax_i v_i is argmin_M sum_{i<=t} s(k_i, q_t)||v_i - M||^2 " +
                    "(Nadaraya-Watson): exact for positive rational weights, float with exp weights."
    let references = PaperReference(arxiv: ["62", "63"], neurips: [])
    let conventions: [Convention] = []
    let symbolic = SymbolicStatus.notProvable("softmax attention uses exp; not a rational function of the inputs")

    enum Mutant: String, ClaimMutant {
        case unnormalised = "unnormalised"
        case nonCausal = "non-causal"

        var summary: String {
            switch self {
            case .unnormalised: "Weights not normalised: y_t = sum_i s_i v_i (linear attention without the denominator)."
            case .nonCausal: "Token t attends to all T keys, including future ones."
            }
        }
    }

    struct Input: ClaimInput {
        let label: String
        let q: [Vector<Double>], k: [Vector<Double>], v: [Vector<Double>]
    }

    func inputs(_ domain: Domain) -> [Input] {
        let exact = domain == .exact
        let shapes = exact ? [(3, 2, 6), (2, 4, 5)] : [(32, 24, 64)]
        var out: [Input] = []
        for seed in 0..<(exact ? 3 : 1) {
            for (dk, dv, t) in shapes {
                var g = Support.exactGenerator(UInt64(8000 + seed * 100 + dk * 10 + dv))
                func vec(_ n: Int) -> Vector<Double> { exact ? g.vector(n) : Support.floatVector(&g, n, bits: 30) }
                out.append(Input(label: "seed=\(seed) d_k=\(dk) d_v=\(dv) T=\(t)", q: (0..<t).map { _ in vec(dk) },
                                 k: (0..<t).map { _ in vec(dk) }, v: (0..<t).map { _ in vec(dv) }))
            }
        }
        return out
    }

    /// Attention as a transformer computes it, with a variant for the mutants.
    func attention<S: Scalar>(q: [Vector<S>], k: [Vector<S>], v: [Vector<S>], weights: (Int, Int) -> S, mutant: Mutant?) -> [Vector<S>] {
        (0..<q.count).map { t in
            let range = mutant == .nonCausal ? Array(0..<q.count) : Array(0...t)
            let w = range.map { weights(t, $0) }
            let vs = range.map { v[$0] }
            if mutant == .unnormalised {
                return zip(w, vs).reduce(Vector<S>.zeros(v[0].count)) { $0 + $1.0 * $1.1 }
            }
            return Attention.weightedAverage(weights: w, values: vs)
        }
    }

    /// The architecture view with the rational kernel `1 + (q·k)²` (exact tier).
    func architecture<S: Scalar>(_ x: Input, _ s: Lift<S>, _ mutant: Mutant?) -> [Quantity<S>]? {
        let (q, k, v) = (s.sequence(x.q), s.sequence(x.k), s.sequence(x.v))
        let y = attention(q: q, k: k, v: v, weights: { t, i in Attention.positivePolynomialKernel(q[t].dot(k[i])) }, mutant: mutant)
        return [.compared("y_t", y.flatMap(\.elements))]
    }

    /// The optimization view: for each t, the weighted ℓ2 regression solved by exact normal equations.
    func optimization<S: Scalar>(_ x: Input, _ s: Lift<S>) -> [Quantity<S>] {
        let (q, k, v) = (s.sequence(x.q), s.sequence(x.k), s.sequence(x.v))
        let y = Self.regression(weights: { t, i in Attention.positivePolynomialKernel(q[t].dot(k[i])) }, v: v)
        return [.compared("y_t, kernel 1 + (q.k)^2", y)]
    }

    static func regression<S: Scalar>(weights: (Int, Int) -> S, v: [Vector<S>]) -> [S] {
        (0..<v.count).flatMap { t in
            Support.weightedRegressionArgmin(weights: (0...t).map { weights(t, $0) }, values: Array(v[0...t])).elements
        }
    }

    /// The float tier, written here: the softmax weights exactly as `Double` computes them
    /// (`exp(scale·s − max)`), the exact side the Nadaraya–Watson estimate with those weights.
    func floatCases(_ mutant: Mutant?) -> [CaseEvidence] {
        inputs(.float).map { input in
            let scale = 1 / Double(input.k[0].count).squareRoot()
            // The softmax weights exactly as Double computes them (exp(scale·s − max)); the exact
            // side is the Nadaraya–Watson estimate with these weights, in rationals.
            let weights: [[Double]] = (0..<input.q.count).map { t in
                let range = mutant == .nonCausal ? Array(0..<input.q.count) : Array(0...t)
                return Attention.softmaxWeights(scores: range.map { input.q[t].dot(input.k[$0]) }, scale: scale)
            }
            let computed: [Double]
            if mutant == nil {
                computed = Attention.causalSoftmax(queries: input.q, keys: input.k, values: input.v).flatMap(\.elements)
            } else {
                computed = attention(q: input.q, k: input.k, v: input.v, weights: { weights[$0][$1] }, mutant: mutant).flatMap(\.elements)
            }
            let exact = (0..<input.q.count).flatMap { t in
                NadarayaWatson.estimate(weights: (0...t).map { Rational(dyadic: weights[t][$0]) },
                                        values: (0...t).map { input.v[$0].lifted(to: Rational.self) }).elements
            }
            return .float(input.label, "softmax attention y_t vs exact NW with the same weights", exact: exact,
                          computed: computed, bound: Support.bound(chain: 2 * input.q.count + 4))
        }
    }

    func workedExample() -> String {
        let q = Vector([Rational(1), Rational(0)])
        let ks = [Vector([Rational(1), Rational(1)]), Vector([Rational(0), Rational(1)]), Vector([Rational(-1, 2), Rational(2)])]
        let vs = [Vector([Rational(2)]), Vector([Rational(-1)]), Vector([Rational(4)])]
        let s = ks.map { Attention.positivePolynomialKernel(q.dot($0)) }
        let y = Attention.weightedAverage(weights: s, values: vs)
        let nw = Self.regression(weights: { _, i in s[i] }, v: vs).suffix(1)
        return [
            "One query, three keys, kernel s(k, q) = 1 + (q.k)^2 (positive and rational).",
            Show.v("q", q), "keys: " + ks.map(\.description).joined(separator: ", "),
            "values: " + vs.map(\.description).joined(separator: ", "),
            "weights s_i = " + s.map(\.description).joined(separator: ", "),
            "Attention: y = sum_i (s_i / sum_j s_j) v_i = \(y)",
            "Optimization view: argmin_M sum_i s_i (v_i - M)^2 by exact normal equations = \(nw.first!)",
            Show.verdict(y.elements == Array(nw)),
        ].joined(separator: "\n")
    }
}
