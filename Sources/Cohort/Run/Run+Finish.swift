import CohortModel
import Synchronization
import Foundation
import Logging

extension Run {
    /// Finishes the run: commits a pending row, writes the final summary and the exit code, copies
    /// `end` and `live` saved files, stops console capture, and forces the journal to disk. Online,
    /// it then waits (at most `Settings.finishTimeout`) until the server has everything, and
    /// otherwise says what is unsent and that `cohort sync` sends it.
    ///
    /// Calling it again does nothing (it waits for the first call to complete). It also runs at normal
    /// process exit (exit code 0) and on SIGINT/SIGTERM (128 + the signal number).
    /// - Parameter exitCode: the training program's exit code; non-zero marks the run failed.
    public func finish(exitCode: Int32 = 0) async {
        guard finishOnce.begin() else {
            await finishOnce.wait()
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // The steps below wait on threads and files; keep them off the cooperative pool.
            let thread = Thread { [self] in
                self.performFinish(exitCode: exitCode)
                continuation.resume()
            }
            thread.name = "cohort-finish"
            thread.start()
        }
    }

    /// The same as `finish(exitCode:)` (W&B's older name).
    public func join(exitCode: Int32 = 0) async { await finish(exitCode: exitCode) }

    /// Finishes on the calling thread (process exit and signal handlers).
    func finishBlocking(exitCode: Int32) {
        guard finishOnce.begin() else {
            finishOnce.waitBlocking()
            return
        }
        performFinish(exitCode: exitCode)
    }

    private func performFinish(exitCode: Int32) {
        defer { finishOnce.complete() }
        let commitPending: Bool = state.withLock { state in
            state.finished = true
            return state.steps.finish()
        }
        // Console output written so far belongs in the run: stop the capture first.
        let capture = console.withLock { capture in
            defer { capture = nil }
            return capture
        }
        capture?.stop()
        files?.finish()
        if commitPending { writer.enqueue(.commitPendingRow) }
        writer.enqueue(.record(.finish, [
            "exit_code": .int(Int64(exitCode)), "time": .double(RunClock.timestamp()),
            "runtime": .double(clock.runtime()),
        ]))
        if let error = writer.barrierBlocking(sync: true) {
            logger.error("run finished, but the journal could not be fully written", metadata: ["run.id": "\(id)", "error": "\(error)"])
        }
        writer.stop()
        if let link = groupLink.withLock({ $0 }) {
            let finalStep = Int64(step) - 1
            let done = DispatchSemaphore(value: 0)
            // A bridge to the async link from this finishing thread; awaited right here.
            Task {
                await link.finish(exitCode: exitCode, finalStep: finalStep)
                done.signal()
            }
            done.wait()
        }
        if let session = online.withLock({ $0 }) {
            let done = DispatchSemaphore(value: 0)
            let deadline = settings.finishTimeout
            // A bridge to the async sender from this finishing thread; awaited right here.
            Task {
                _ = await session.finish(deadline: deadline, runDirectory: syncDir, logger: logger)
                done.signal()
            }
            done.wait()
        }
        if exitCode == 0 && mode != .disabled {
            ResumeFile(root: (syncDir as NSString).deletingLastPathComponent).remove(ifID: id)
        }
        ExitHooks.shared.unregister(self)
    }
}
