import ExactMath
import FastKernels
import Golden

/// The fast kernels as an implementation under test for the golden suite
/// (`nlspec golden run --impl fast`). Ops without a fast kernel are left out (reported skipped).
/// Inputs are read and validated with the same accessors and rules as the reference ops; the
/// computation is the fast kernel's.
enum FastGolden {
    static let ops = ["linear_attention.recurrent", "delta_rule.sequence", "delta_rule.two_calls", "gated_delta_rule.sequence",
                      "titans_memory.chunked", "cms_level.run", "newton_schulz.step"]

    static func run(_ c: GoldenCase, _ inputs: OpInputs<Double>) throws -> [String: OpOutput<Double>]? {
        // The kernels implement the default readings only: a case that selects an option or
        // carries an optional input (Golden/FORMAT.md, "Options") is left out like an op without a kernel.
        let optional = OpSignature.all[c.op]?.optionalInputs ?? [:]
        if c.options != nil || c.inputs.keys.contains(where: { optional[$0] != nil }) { return nil }
        switch c.op {
        case "linear_attention.recurrent":
            let (m0, k, v, q) = try sequence(inputs)
            let r = FastKernels.linearAttention(initial: m0, keys: k, values: v, queries: q)
            return ["Y": OpOutput(r.outputs), "M_T": OpOutput(r.finalState)]
        case "delta_rule.sequence":
            let (m0, k, v, q) = try sequence(inputs)
            let beta = try inputs.vector("beta", count: k.rows).elements
            let r = FastKernels.deltaRule(initial: m0, keys: k, values: v, queries: q, betas: beta)
            return ["Y": OpOutput(r.outputs), "M_T": OpOutput(r.finalState)]
        case "gated_delta_rule.sequence":
            let (m0, k, v, q) = try sequence(inputs)
            let alpha = try inputs.vector("alpha", count: k.rows).elements
            let beta = try inputs.vector("beta", count: k.rows).elements
            let r = FastKernels.deltaRule(initial: m0, keys: k, values: v, queries: q, alphas: alpha, betas: beta)
            return ["Y": OpOutput(r.outputs), "M_T": OpOutput(r.finalState)]
        case "titans_memory.chunked":
            let (m0, k, v, q) = try sequence(inputs)
            let (gates, chunk) = try TitansMemoryOp.gates(inputs, tokens: k.rows, signature: TitansMemoryOp().signature)
            let r = FastKernels.titansMemory(initial: m0, keys: k, values: v, queries: q, alphas: gates.map(\.alpha),
                                             etas: gates.map(\.eta), thetas: gates.map(\.theta), chunk: chunk)
            return ["Y": OpOutput(r.outputs), "M_T": OpOutput(r.finalState)]
        case "delta_rule.two_calls":
            let (m0, k, v, q) = try sequence(inputs)
            let beta = try inputs.vector("beta", count: k.rows).elements
            let split = try DeltaRuleTwoCallsOp.split(inputs, tokens: k.rows)
            let first = FastKernels.deltaRule(initial: m0, keys: k.rows(0..<split), values: v.rows(0..<split),
                                              queries: q.rows(0..<split), betas: Array(beta[..<split]))
            let second = FastKernels.deltaRule(initial: first.finalState, keys: k.rows(split..<k.rows), values: v.rows(split..<k.rows),
                                               queries: q.rows(split..<k.rows), betas: Array(beta[split...]))
            return ["Y": OpOutput(shape: [k.rows, m0.rows], values: first.outputs.elements + second.outputs.elements),
                    "M_split": OpOutput(first.finalState), "M_T": OpOutput(second.finalState)]
        case "cms_level.run":
            let x = try CMSLevelOp.inputs(inputs)
            let (w1, w2) = (x.w1, x.w2)
            let r = FastKernels.cmsLevel(w1: w1, w2: w2, inputs: matrix(x.xs, width: w1.cols), targets: matrix(x.rs, width: w2.rows),
                                         period: x.period, learningRate: x.eta, flush: x.flush)
            let n = r.updateTokens.count
            return ["Y": OpOutput(r.outputs),
                    "update_tokens": OpOutput(shape: [n], values: r.updateTokens.map(Double.init)),
                    "W1_after": OpOutput(shape: [n, w1.rows, w1.cols], values: r.w1After.flatMap(\.elements)),
                    "W2_after": OpOutput(shape: [n, w2.rows, w2.cols], values: r.w2After.flatMap(\.elements))]
        case "newton_schulz.step":
            let x = try inputs.matrix("X")
            let (a, b, c) = (try inputs.scalarDouble("a"), try inputs.scalarDouble("b"), try inputs.scalarDouble("c"))
            return ["X_next": OpOutput(FastKernels.newtonSchulz(x, a: a, b: b, c: c, steps: 1))]
        default:
            return nil
        }
    }

    static func matrix(_ rows: [Vector<Double>], width: Int) -> Matrix<Double> {
        Matrix(rows: rows.count, cols: width, elements: rows.flatMap(\.elements))
    }

    static func sequence(_ inputs: OpInputs<Double>) throws -> (Matrix<Double>, Matrix<Double>, Matrix<Double>, Matrix<Double>) {
        let (m0, k, v, q) = try inputs.memorySequence()
        return (m0, matrix(k, width: m0.cols), matrix(v, width: m0.rows), matrix(q, width: m0.cols))
    }
}
