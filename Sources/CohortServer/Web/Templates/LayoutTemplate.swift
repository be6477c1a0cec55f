/// The page frame every page is rendered into: head (viewport, stylesheets), the top bar with the
/// breadcrumb and the logout button, `main` and the scripts. `live` pages refresh while open (by
/// script; a `noscript` meta refresh without JavaScript).
enum LayoutTemplate {
    static let text = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Cohort</title>
        <link rel="stylesheet" href="/static/web.css">
        <link rel="stylesheet" href="/static/charts.css">
        {{#live}}<noscript><meta http-equiv="refresh" content="15"></noscript>{{/live}}
        </head>
        <body{{#live}} data-live="15"{{/live}}>
        <header class="top">
        <a class="brand" href="/">Cohort</a>
        <nav class="crumbs" aria-label="Breadcrumb">{{#crumbs}}<span class="sep">/</span><a href="{{href}}">{{label}}</a>{{/crumbs}}</nav>
        {{#user}}<form method="post" action="/logout" class="logout"><span class="who">{{entity}}{{#isAdmin}} · admin{{/isAdmin}}</span> <button type="submit">Log out</button></form>{{/user}}
        </header>
        <main id="main">
        {{{body}}}
        </main>
        <script src="/static/charts.js" defer></script>
        <script src="/static/web.js" defer></script>
        </body>
        </html>
        """
}
