import CKernels
import ExactMath

extension FastKernels {
    /// One kernel call with every buffer allocated up front: ``run()`` restores the initial state
    /// and calls the kernel, and allocates nothing, so a benchmark times the kernel itself. Every
    /// output and scratch buffer starts as NaN, so a kernel that fails to write an element (or
    /// reads one before writing it) cannot hide; the wrappers (``deltaRule(initial:keys:values:queries:alphas:betas:form:)``
    /// and the others) run a fresh workspace once and read its results.
    public final class Workspace {
        typealias Buffer = UnsafeMutablePointer<Double>
        private var buffers: [UnsafeMutableBufferPointer<Double>] = []
        fileprivate(set) var call: () -> Void = {}

        init() {}
        deinit { for b in buffers { b.deallocate() } }

        /// Runs the kernel once, from the initial state.
        public func run() { call() }

        /// A buffer holding `values` (room for at least one element, so the pointer is never null).
        func buffer(_ values: [Double]) -> Buffer {
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(values.count, 1))
            b.initialize(repeating: .nan)
            _ = b.update(fromContentsOf: values)
            buffers.append(b)
            return b.baseAddress!
        }
        /// A buffer of `count` NaNs.
        func buffer(count: Int) -> Buffer { buffer(poisoned(count)) }
        /// The `rows × cols` matrix at `p` (a buffer of this workspace, read after a run).
        func matrix(_ p: Buffer, _ rows: Int, _ cols: Int) -> Matrix<Double> {
            Matrix(rows: rows, cols: cols, elements: Array(UnsafeBufferPointer(start: p, count: rows * cols)))
        }
        /// Sets the kernel call.
        func calls(_ body: @escaping () -> Void) -> Self {
            call = body
            return self
        }
    }

    /// A sequence memory's workspace, and where its final state and its reads land.
    struct SequenceBuffers {
        let workspace: Workspace
        let state: Workspace.Buffer, outputs: Workspace.Buffer
        let t: Int, dk: Int, dv: Int

        /// Buffers for `m0` (copied into the state at each run), the tokens, and the reads.
        init(_ kernel: String, _ m0: Matrix<Double>, _ keys: Matrix<Double>, _ values: Matrix<Double>, _ queries: Matrix<Double>,
             gates: [[Double]?]) {
            let (t, dk, dv) = (keys.rows, m0.cols, m0.rows)
            precondition(keys.cols == dk && queries.cols == dk && queries.rows == t && values.rows == t && values.cols == dv
                         && gates.allSatisfy { ($0?.count ?? t) == t }, "FastKernels.\(kernel): inconsistent shapes")
            (self.t, self.dk, self.dv) = (t, dk, dv)
            workspace = Workspace()
            (state, outputs) = (workspace.buffer(count: dv * dk), workspace.buffer(count: t * dv))
            (initial, k, v, q) = (workspace.buffer(m0.elements), workspace.buffer(keys.elements), workspace.buffer(values.elements),
                                  workspace.buffer(queries.elements))
        }
        let initial: Workspace.Buffer, k: Workspace.Buffer, v: Workspace.Buffer, q: Workspace.Buffer

        /// Restores the initial state.
        func reset() { state.update(from: initial, count: dv * dk) }

        /// Runs the kernel once and reads the results.
        func result() -> SequenceResult {
            workspace.run()
            return SequenceResult(outputs: workspace.matrix(outputs, t, dv), finalState: workspace.matrix(state, dv, dk))
        }
    }

    /// Runs `body` with the GEMM allowed `threads` threads (on this thread), then restores the limit.
    public static func withThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        let saved = nl_max_threads()
        nl_set_max_threads(Int32(threads))
        defer { nl_set_max_threads(saved) }
        return try body()
    }
}
