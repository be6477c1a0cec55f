/// An error page's body.
enum ErrorTemplate {
    static let text = """
        <section class="error">
        <h1>{{code}} {{reason}}</h1>
        <p>{{message}}</p>
        <p><a href="/">Back to the start page</a></p>
        </section>
        """
}
