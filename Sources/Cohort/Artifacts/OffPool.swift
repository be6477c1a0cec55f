import Foundation

/// Runs blocking file work (hashing or copying gigabytes) on a thread of its own, so the cooperative
/// pool keeps serving the run's other tasks (file_stream, heartbeats) meanwhile.
enum OffPool {
    /// Runs `body` on a new thread and returns its result.
    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Result { () throws(E) -> T in try body() }) }.start()
        }
        return try result.get()
    }
}
