import CKernels
import ExactMath

extension FastKernels {
    /// The Titans linear memory in chunks of `chunk` tokens (Titans eq. 8–16; claim TITANS-CHUNK),
    /// from a zero momentum: gradients of `½‖M k − v‖²` at the chunk-start state, `S ← η S − θ u`,
    /// `M ← (1 − α) M + S`, `y_t = M_t q_t`.
    public static func titansMemory(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>, queries: Matrix<Double>,
                                    alphas: [Double], etas: [Double], thetas: [Double], chunk: Int) -> SequenceResult {
        Workspace.titansMemoryBuffers(m0, keys, values, queries, alphas, etas, thetas, chunk).result()
    }
}

extension FastKernels.Workspace {
    /// The Titans memory, as ``FastKernels/titansMemory(initial:keys:values:queries:alphas:etas:thetas:chunk:)``.
    public static func titansMemory(initial m0: Matrix<Double>, keys: Matrix<Double>, values: Matrix<Double>, queries: Matrix<Double>,
                                    alphas: [Double], etas: [Double], thetas: [Double], chunk: Int) -> FastKernels.Workspace {
        titansMemoryBuffers(m0, keys, values, queries, alphas, etas, thetas, chunk).workspace
    }

    static func titansMemoryBuffers(_ m0: Matrix<Double>, _ keys: Matrix<Double>, _ values: Matrix<Double>, _ queries: Matrix<Double>,
                                    _ alphas: [Double], _ etas: [Double], _ thetas: [Double], _ chunk: Int) -> FastKernels.SequenceBuffers {
        let s = FastKernels.SequenceBuffers("titansMemory", m0, keys, values, queries, gates: [alphas, etas, thetas])
        precondition(chunk >= 1, "FastKernels.titansMemory: chunk size must be at least 1")
        let w = s.workspace, momentum = w.buffer(count: s.dv * s.dk)
        let a = w.buffer(alphas), e = w.buffer(etas), th = w.buffer(thetas)
        _ = w.calls {
            s.reset()
            momentum.update(repeating: 0, count: s.dv * s.dk)
            nl_titans_memory(s.state, momentum, s.k, s.v, s.q, a, e, th, s.outputs, s.t, s.dk, s.dv, chunk)
        }
        return s
    }
}
