/// The login form: an API key (from `cohort server`'s first start or `cohort login`) makes a session.
enum LoginTemplate {
    static let text = """
        <section class="login">
        <h1>Log in</h1>
        {{#error}}<p class="flash error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required minlength="40" aria-describedby="key-help">
        <p id="key-help" class="hint">The key your runs use (<code>WANDB_API_KEY</code>); it is kept as a signed session cookie, never stored in the page.</p>
        <input type="hidden" name="next" value="{{next}}">
        <button type="submit">Log in</button>
        </form>
        </section>
        """
}
