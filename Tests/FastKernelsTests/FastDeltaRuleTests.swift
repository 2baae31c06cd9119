import Foundation
import Testing
import ExactMath
import FastKernels
import NestedLearning

/// Differential tests of the fused delta rule against the exact reference.
@Suite("Fast path: fused delta rule against the exact reference")
struct FastDeltaRuleTests {
    struct Case: Sendable, CustomStringConvertible {
        let dk: Int, dv: Int, t: Int, seed: UInt64
        var description: String { "d_k=\(dk) d_v=\(dv) T=\(t)" }
    }

    /// Ragged sizes: none a multiple of the vector width 4 except where noted, T from 1 up.
    static let cases: [Case] = [
        Case(dk: 1, dv: 1, t: 1, seed: 1), Case(dk: 3, dv: 5, t: 7, seed: 2), Case(dk: 5, dv: 3, t: 4, seed: 3),
        Case(dk: 4, dv: 4, t: 9, seed: 4), Case(dk: 7, dv: 9, t: 13, seed: 5), Case(dk: 17, dv: 13, t: 33, seed: 6),
        Case(dk: 33, dv: 31, t: 12, seed: 7), Case(dk: 8, dv: 2, t: 40, seed: 8),
    ]

    static func inputs(_ c: Case) -> (m0: Matrix<Double>, k: Matrix<Double>, v: Matrix<Double>, q: Matrix<Double>, beta: [Double]) {
        var g = DyadicGenerator(seed: c.seed)
        func mat(_ r: Int, _ cols: Int) -> Matrix<Double> { g.matrix(r, cols, numeratorBound: 1 << 10, exponent: 10) }
        var k = mat(c.t, c.dk)
        let scale = Double(c.dk).squareRoot().rounded(.up)
        k = k.map { $0 / scale }
        if c.t > 2 { for j in 0..<c.dk { k[2, j] = 0 } }  // a zero key leaves the state unchanged
        // Gates at the extremes: 1, 2^-6, 1 - 2^-30, 0, and ordinary values.
        let beta = (0..<c.t).map { i -> Double in [1, 0x1p-6, 1 - 0x1p-30, 0, 0.5, 0.75][i % 6] }
        return (mat(c.dv, c.dk), k, mat(c.t, c.dv), mat(c.t, c.dk), beta)
    }

    @Test("error against the exact result stays within 4·n·u (normwise)", arguments: cases)
    func againstExact(c: Case) {
        let x = Self.inputs(c)
        let fast = FastKernels.deltaRule(initial: x.m0, keys: x.k, values: x.v, queries: x.q, betas: x.beta)
        var m = x.m0.lifted(to: Rational.self)
        var ys: [Rational] = []
        for t in 0..<c.t {
            m = DeltaRule.step(m, key: x.k.row(t).lifted(), value: x.v.row(t).lifted(), beta: Rational(dyadic: x.beta[t]))
            ys += (m * x.q.row(t).lifted()).elements
        }
        let bound = 4 * Double(c.t * (2 * c.dk + 4) + c.dk) * FloatError.unitRoundoff
        let errY = FloatError.normwiseRelativeError(fast.outputs.elements, exact: ys)
        let errM = FloatError.normwiseRelativeError(fast.finalState.elements, exact: m.elements)
        #expect(fast.outputs.elements.allSatisfy { $0.isFinite }, "a NaN survived: an output was never written")
        #expect(errY <= bound, "\(c): outputs error \(errY) > bound \(bound)")
        #expect(errM <= bound, "\(c): state error \(errM) > bound \(bound)")
    }

    @Test("state carried across two calls gives the same bits as one call", arguments: cases.filter { $0.t >= 2 })
    func twoCalls(c: Case) {
        let x = Self.inputs(c)
        let split = c.t / 2
        func rows(_ a: Matrix<Double>, _ r: Range<Int>) -> Matrix<Double> {
            Matrix(rows: r.count, cols: a.cols, elements: Array(a.elements[(r.lowerBound * a.cols)..<(r.upperBound * a.cols)]))
        }
        let one = FastKernels.deltaRule(initial: x.m0, keys: x.k, values: x.v, queries: x.q, betas: x.beta)
        let first = FastKernels.deltaRule(initial: x.m0, keys: rows(x.k, 0..<split), values: rows(x.v, 0..<split),
                                          queries: rows(x.q, 0..<split), betas: Array(x.beta[0..<split]))
        let second = FastKernels.deltaRule(initial: first.finalState, keys: rows(x.k, split..<c.t), values: rows(x.v, split..<c.t),
                                           queries: rows(x.q, split..<c.t), betas: Array(x.beta[split...]))
        #expect(second.finalState.elements.map(\.bitPattern) == one.finalState.elements.map(\.bitPattern))
        #expect((first.outputs.elements + second.outputs.elements).map(\.bitPattern) == one.outputs.elements.map(\.bitPattern))
    }

    @Test("the dispatcher picks AVX2+FMA where the CPU has it")
    func dispatch() throws {
        #if arch(x86_64) && os(Linux)
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        let expected = flags.contains("avx2") && flags.contains("fma") ? "avx2+fma" : "portable"
        #expect(FastKernels.path == expected)
        #endif
    }
}
