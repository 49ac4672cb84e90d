/// The explorer's one step from a key to a new state, shared by the run loop, `--dump-screen`
/// and the tests, so all three do the same thing with a key: the `KeyMap` turns it into an
/// action (a key without a binding does nothing), `update` applies it, and each effect goes to
/// `perform`, the caller's I/O. An effect's answer is an action that is applied the same way,
/// first in, first out, until none is left.
///
/// ```
/// dispatch(.character("n"), to: &state) { effect in runner.perform(effect) }
/// // A run without I/O: record the effects, answer none.
/// let effects = dispatch(.character("w"), to: &state) { _ in nil }
/// ```
///
/// Returns every effect handed to `perform`, in order.
@discardableResult
public func dispatch(_ key: Key, to state: inout AppState, perform: (Effect) -> Action?) -> [Effect] {
    guard let action = KeyMap.action(for: key, in: state) else { return [] }
    return dispatch(action, to: &state, perform: perform)
}

/// Applies an action (time passing, a resize, or a key's action) with `update` and hands its
/// effects to `perform`, applying their answers in turn. Returns every effect handed out.
@discardableResult
public func dispatch(_ action: Action, to state: inout AppState, perform: (Effect) -> Action?) -> [Effect] {
    var pending = [action]
    var performed = [Effect]()
    while !pending.isEmpty {
        for effect in update(&state, pending.removeFirst()) {
            performed.append(effect)
            if let answer = perform(effect) { pending.append(answer) }
        }
    }
    return performed
}
