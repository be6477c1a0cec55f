internal import CCurl
internal import Foundation
internal import Synchronization

/// The thread that owns libcurl's multi handle and runs every transfer of one ``HTTPClient``.
///
/// Other threads talk to it only through ``inbox`` (a mutex-protected command queue) followed by
/// `curl_multi_wakeup`, the one multi-handle call libcurl allows from another thread. The thread drains the
/// inbox, drives `curl_multi_perform`, completes finished transfers and sleeps in `curl_multi_poll`.
///
/// Ownership: ``active`` holds a strong reference to every running ``Transfer``; libcurl's callbacks get an
/// *unretained* pointer to the same object (`Unmanaged.passUnretained`) through the easy handle's
/// `WRITEDATA`/`HEADERDATA`/`READDATA`/`SEEKDATA`. The pointer is valid exactly while the handle is in
/// ``active``, and the handle leaves ``active`` only after `curl_multi_remove_handle`, after which libcurl
/// calls no callback of it.
final class CurlWorker: @unchecked Sendable {
    // SAFETY: `inbox` is a Mutex and `multi` is only passed to curl_multi_wakeup from other threads (which
    // libcurl documents as thread-safe), always while holding `inbox` and while the state is not `.stopped`;
    // the thread sets `.stopped` under the same lock before `curl_multi_cleanup`, so a wakeup never races
    // the cleanup. Every other stored property (`active`, `idle`) and every other use
    // of `multi` happen on the worker thread only, inside `run()`.

    private enum Command {
        case add(Transfer)
        case cancel(Transfer)
    }

    private enum State { case running, stopping, stopped }

    private struct Inbox {
        var commands: [Command] = []
        var state: State = .running
        var shutdownWaiters: [@Sendable () -> Void] = []
    }

    let configuration: HTTPClient.Configuration
    private let inbox = Mutex(Inbox())
    private let multi: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idle: [EasyHandle] = []
    private let maxIdleHandles = 16

    init(configuration: HTTPClient.Configuration) {
        CurlLibrary.initializeOnce()
        self.configuration = configuration
        guard let multi = curl_multi_init() else {
            preconditionFailure("curl_multi_init failed: libcurl is out of memory")
        }
        self.multi = multi
        _ = cohort_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = cohort_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxIdleConnections)
        _ = cohort_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    /// Starts the thread; it keeps `self` alive until it stops.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "cohort-curl"
        thread.start()
    }

    /// Queues `transfer`; fails it at once when the worker is stopping or stopped.
    func submit(_ transfer: Transfer) {
        let accepted = inbox.withLock { inbox in
            guard inbox.state == .running else { return false }
            inbox.commands.append(.add(transfer))
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted {
            transfer.complete(.failure(.shutDown(target: transfer.target)))
        }
    }

    /// Asks the thread to remove `transfer` and fail it as cancelled (a no-op once it finished).
    func cancel(_ transfer: Transfer) {
        transfer.cancelRequested.store(true, ordering: .releasing)
        inbox.withLock { inbox in
            guard inbox.state == .running else { return }
            inbox.commands.append(.cancel(transfer))
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the thread to stop; `completion` runs once it has.
    func requestShutdown(completion: (@Sendable () -> Void)?) {
        let runNow = inbox.withLock { inbox in
            if inbox.state == .stopped { return true }
            inbox.state = .stopping
            if let completion { inbox.shutdownWaiters.append(completion) }
            curl_multi_wakeup(multi)
            return false
        }
        if runNow { completion?() }
    }

    // MARK: - The worker thread

    private func run() {
        while true {
            let (commands, state) = inbox.withLock { inbox in
                defer { inbox.commands.removeAll(keepingCapacity: true) }
                return (inbox.commands, inbox.state)
            }
            for command in commands {
                switch command {
                case .add(let transfer): begin(transfer)
                case .cancel(let transfer): end(transfer, with: .failure(.cancelled(target: transfer.target)))
                }
            }
            if state != .running { break }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            completeFinishedTransfers()
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        stop()
    }

    private func begin(_ transfer: Transfer) {
        if transfer.cancelRequested.load(ordering: .acquiring) {
            transfer.complete(.failure(.cancelled(target: transfer.target)))
            return
        }
        let handle = idle.popLast() ?? EasyHandle()
        do throws(TransportError) {
            try transfer.prepare()
            try handle.configure(for: transfer, configuration: configuration)
        } catch {
            transfer.finish()
            recycle(handle)
            transfer.complete(.failure(error))
            return
        }
        transfer.handle = handle
        active[handle.easy] = transfer
        let added = curl_multi_add_handle(multi, handle.easy)
        if added != CURLM_OK {
            end(transfer, with: .failure(.other("curl_multi_add_handle failed (\(added.rawValue))", target: transfer.target)))
        }
    }

    /// Removes a running transfer from libcurl and completes it; a no-op for one that is not running.
    private func end(_ transfer: Transfer, with result: Result<HTTPResponse, TransportError>) {
        guard let handle = transfer.handle, active[handle.easy] === transfer else { return }
        _ = curl_multi_remove_handle(multi, handle.easy)
        active[handle.easy] = nil
        transfer.handle = nil
        transfer.finish()
        recycle(handle)
        transfer.complete(result)
    }

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = active[easy], let handle = transfer.handle
            else { continue }
            let code = message.pointee.data.result
            let result = transfer.outcome(code: code, errorText: handle.errorText, httpVersion: handle.httpVersion)
            end(transfer, with: result)
        }
    }

    private func recycle(_ handle: EasyHandle) {
        if idle.count < maxIdleHandles {
            handle.reset()
            idle.append(handle)
        } else {
            handle.cleanup()
        }
    }

    private func stop() {
        for transfer in Array(active.values) {
            end(transfer, with: .failure(.shutDown(target: transfer.target)))
        }
        let (leftover, waiters) = inbox.withLock { inbox in
            inbox.state = .stopped
            defer {
                inbox.commands = []
                inbox.shutdownWaiters = []
            }
            return (inbox.commands, inbox.shutdownWaiters)
        }
        for case .add(let transfer) in leftover {
            transfer.complete(.failure(.shutDown(target: transfer.target)))
        }
        for handle in idle { handle.cleanup() }
        idle = []
        curl_multi_cleanup(multi)
        for waiter in waiters { waiter() }
    }
}
