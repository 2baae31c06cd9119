import Testing
import ExactMath
import NestedLearning

/// The readings that implementations choose differently (`Spec/CONVENTIONS.md`): what each one
/// changes and what it leaves alone, in exact rationals.
@Suite("Convention readings")
struct ConventionReadingTests {
    /// An M3 run over `steps` gradients under `reading`: the weights after every step, and the
    /// optimizer at the end.
    static func m3Run(_ reading: Conventions.M3SlowUpdate, period: Int, steps: Int, seed: UInt64)
        -> (weights: [Matrix<Rational>], m3: M3<Rational>) {
        var g = DyadicGenerator(seed: seed)
        var w = g.matrix(2, 3).lifted(to: Rational.self)
        var m3 = M3<Rational>(rows: 2, cols: 3, eta: Rational(1, 8), beta1: Rational(1), beta2: Rational(1), beta3: Rational(1, 2),
                              alpha: Rational(1, 2), epsilon: Rational(1, 4), period: period, slowUpdate: reading,
                              orthogonalize: { NewtonSchulz.iterate($0, .cubic, steps: 1) })
        // Each entry's gradients have running sums of squares that are squares, so √V is rational.
        let entries = (0..<6).map { i in
            g.perfectSquarePrefixes(first: Rational(i + 1, 16), steps: steps, ratios: [Rational(2), Rational(1, 2)])
        }
        var weights: [Matrix<Rational>] = []
        for t in 0..<steps {
            w = m3.update(w, gradient: Matrix(rows: 2, cols: 3, elements: entries.map { $0[t] }))
            weights.append(w)
        }
        return (weights, m3)
    }

    @Test("M3: folding the slow memory at the end of step kf leaves every weight unchanged; only M2_T moves, when f divides T",
          arguments: [1, 2, 3], [1, 3, 4, 6])
    func m3SlowUpdateTiming(period: Int, steps: Int) {
        let (chunkWeights, chunk) = Self.m3Run(.chunk, period: period, steps: steps, seed: UInt64(10 * period + steps))
        let (endWeights, end) = Self.m3Run(.chunkEnd, period: period, steps: steps, seed: UInt64(10 * period + steps))
        #expect(chunkWeights == endWeights)
        #expect(chunk.fast == end.fast && chunk.secondMoment == end.secondMoment)
        #expect(chunk.slowUpdates == (steps - 1) / period)
        #expect(end.slowUpdates == steps / period)
        #expect((chunk.slow == end.slow) == (steps % period != 0))
    }
}

extension ConventionReadingTests {
    /// A tall 5×3 matrix of k/8 whose sum of squares is 1: entries of a Pythagorean tuple.
    static let tall = Matrix<Rational>(rows: 5, cols: 3, elements: [2, -1, 0, 2, 1, -2, 1, 2, 0, -1, 0, 2, 0, 0, 1].map { Rational($0, 8) })

    @Test("Newton-Schulz: a tall X iterated as given or transposed gives the same exact values, for the cubic and the quintic")
    func transposeTallIsExact() throws {
        for k in [NewtonSchulz.Coefficients.cubic, .muonQuintic] {
            let asGiven = try NewtonSchulz.orthogonalize(Self.tall, k, steps: 2)
            let transposed = try NewtonSchulz.orthogonalize(Self.tall, k, steps: 2, tallInput: .transposed)
            #expect(asGiven == transposed)
            #expect(try NewtonSchulz.prepared(Self.tall, normalization: .none, epsilon: Rational(0), tallInput: .transposed).transposed)
            #expect(try !NewtonSchulz.prepared(Self.tall.transposed, normalization: .none, epsilon: Rational(0),
                                               tallInput: .transposed).transposed)
        }
    }

    @Test("Newton-Schulz: X / (||X||_F + eps) is exact for a rational norm; an irrational norm or 0/0 is an error, not a trap")
    func frobeniusNormalization() throws {
        #expect(NewtonSchulz.frobeniusNorm(Self.tall) == Rational(5, 8))
        let eps = Rational(1, 8)
        let (scaled, _) = try NewtonSchulz.prepared(Self.tall, normalization: .frobenius, epsilon: eps, tallInput: .asGiven)
        #expect(scaled == Self.tall.map { $0 / (Rational(5, 8) + eps) })
        let irrational = Matrix<Rational>(rows: 1, cols: 2, elements: [Rational(1), Rational(1)])
        #expect(throws: NewtonSchulz.PreparationError.normNotRepresentable(sumOfSquares: 2)) {
            try NewtonSchulz.prepared(irrational, normalization: .frobenius, epsilon: Rational(0), tallInput: .asGiven)
        }
        let double = try NewtonSchulz.prepared(irrational.map { $0.roundedDouble }, normalization: .frobenius, epsilon: 0,
                                               tallInput: .asGiven)
        #expect(double.matrix.elements == [1 / 2.0.squareRoot(), 1 / 2.0.squareRoot()])
        #expect(throws: NewtonSchulz.PreparationError.zeroDenominator) {
            try NewtonSchulz.prepared(Matrix<Rational>.zeros(2, 2), normalization: .frobenius, epsilon: Rational(0), tallInput: .asGiven)
        }
        #expect(try NewtonSchulz.prepared(Matrix<Rational>.zeros(2, 2), normalization: .frobenius, epsilon: eps,
                                          tallInput: .asGiven).matrix == .zeros(2, 2))
    }

    @Test("Titans: gates given per chunk become per-token gates held constant through each chunk", arguments: [1, 2, 3, 8])
    func chunkGates(chunk: Int) {
        let t = 7, n = TitansMemory.chunkCount(tokens: t, chunk: chunk)
        #expect(n == (t + chunk - 1) / chunk)
        let perChunk: [TitansMemory.Gates] = (0..<n).map { j -> TitansMemory.Gates in
            let (alpha, eta, theta): (Double, Double, Double) = (Double(j % 3) / 4, Double(j % 2) / 2 + 0.25, Double(j + 1) / 8)
            return TitansMemory.Gates(alpha: alpha, eta: eta, theta: theta)
        }
        let perToken = TitansMemory.tokenGates(perChunk, granularity: .chunk, tokens: t, chunk: chunk)
        #expect(perToken.count == t)
        for i in 0..<t { #expect(perToken[i].theta == perChunk[i / chunk].theta && perToken[i].alpha == perChunk[i / chunk].alpha) }
        let unchanged: [TitansMemory.Gates] = TitansMemory.tokenGates(perToken, granularity: .token, tokens: t, chunk: chunk)
        #expect(unchanged.map { $0.eta } == perToken.map { $0.eta })
    }
}
