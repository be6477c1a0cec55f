/// numpy's legacy `RandomState` (MT19937 seeded by `init_genrand`), only as far as W&B's curve
/// charts need it: `permutation(n)` and so `choice(n, k, replace=False)`, which scikit-learn's
/// `resample(…, stratify=…, random_state=42)` draws from when a curve has more rows than a table
/// holds. The same seed gives the same numbers as numpy, so Cohort keeps the same rows.
struct MersenneTwister: Sendable {
    private var state: [UInt32]
    private var index: Int

    /// The generator numpy's `RandomState(seed)` starts from.
    init(seed: UInt32) {
        state = [UInt32](repeating: 0, count: 624)
        state[0] = seed
        for position in 1..<624 {
            let previous = state[position - 1]
            state[position] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(position)
        }
        index = 624
    }

    /// The next 32 random bits (`genrand_int32`).
    mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var value = state[index]
        index += 1
        value ^= value >> 11
        value ^= (value << 7) & 0x9d2c_5680
        value ^= (value << 15) & 0xefc6_0000
        value ^= value >> 18
        return value
    }

    private mutating func twist() {
        for position in 0..<624 {
            let bits = (state[position] & 0x8000_0000) | (state[(position + 1) % 624] & 0x7fff_ffff)
            state[position] = state[(position + 397) % 624] ^ (bits >> 1) ^ (bits & 1 == 0 ? 0 : 0x9908_b0df)
        }
        index = 0
    }

    /// A number in `0...maximum`, drawn as numpy's `random_interval` draws it (masked rejection).
    mutating func interval(_ maximum: UInt32) -> UInt32 {
        guard maximum > 0 else { return 0 }
        var mask = maximum
        for shift: UInt32 in [1, 2, 4, 8, 16] { mask |= mask >> shift }
        while true {
            let value = nextUInt32() & mask
            if value <= maximum { return value }
        }
    }

    /// numpy's `RandomState.permutation(count)`: `0..<count` shuffled from the back.
    mutating func permutation(_ count: Int) -> [Int] {
        var values = Array(0..<count)
        var position = count - 1
        while position > 0 {
            let other = Int(interval(UInt32(position)))
            values.swapAt(position, other)
            position -= 1
        }
        return values
    }
}
