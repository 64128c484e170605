import Mustache

/// The console's templates, compiled into the binary so the daemon needs no template folder at
/// run time. `{{x}}` escapes HTML; no template uses the unescaped form except `layout` for the
/// already rendered page body.
enum ConsoleTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in all { try library.register(text, named: name) }
        return library
    }

    static let all: [String: String] = [
        "layout": layout, "signin": signin, "overview": overview, "queue": queue, "message": message, "notice": notice,
        "refusals": OperatorSurface.refusalsTemplate, "agencies": OperatorSurface.agenciesTemplate,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="{{lang}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · {{l.app}}</title>
    <style>
    body{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.45}
    header{background:#0b3d6e;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
    header a,header button{color:#fff}
    header .brand{font-weight:700;margin-right:auto}
    nav a{margin-right:1rem}
    main{padding:1rem 1.2rem;max-width:1280px}
    a{color:#0b4f9c}
    table{border-collapse:collapse;margin:.4rem 0 1.2rem;font-size:.95rem}
    th,td{border:1px solid #b8c2cc;padding:.3rem .55rem;text-align:left;vertical-align:top}
    th{background:#e8eef4}
    .wide{grid-column:1/-1;overflow-x:auto}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:0 1.6rem}
    form.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end;margin-bottom:1rem}
    form.filters label,form.action label{display:flex;flex-direction:column;font-size:.9rem}
    input,select,button{font:inherit;padding:.25rem .4rem}
    button{background:#0b4f9c;color:#fff;border:1px solid #083a73;border-radius:3px;cursor:pointer}
    header button{background:transparent;border:1px solid #fff}
    .notice{background:#fff4d6;border:1px solid #8a6d00;padding:.5rem .8rem}
    .error{background:#fde8e8;border:1px solid #a11;padding:.5rem .8rem}
    .state-dead,.state-failed{color:#a11;font-weight:600}
    .state-delivered{color:#176b2c}
    .actions{display:flex;gap:.8rem;flex-wrap:wrap;align-items:flex-end}
    .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.3rem}
    </style>
    </head>
    <body>
    <a class="skip" href="#main">{{l.mainContent}}</a>
    <header>
    <span class="brand">{{l.app}}</span>
    {{#signedIn}}<nav aria-label="{{l.app}}"><a href="/console/overview">{{l.overview}}</a><a href="/console/queue">{{l.queue}}</a><a href="/console/refusals">{{l.refusals}}</a><a href="/console/agencies">{{l.agencies}}</a></nav>{{/signedIn}}
    <a href="/console/lang?to={{otherLang}}&amp;back={{back}}" lang="{{otherLang}}">{{l.switchLanguage}}</a>
    {{#signedIn}}<span>{{l.signedInAs}}: {{operatorName}} ({{role}})</span>
    <form method="post" action="/console/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{l.signout}}</button></form>{{/signedIn}}
    </header>
    <main id="main">
    {{{body}}}
    </main>
    </body>
    </html>
    """

    static let notice = """
    <h1>{{heading}}</h1>
    <p class="error" role="alert">{{text}}</p>
    <p><a href="{{backLink}}">{{l.back}}</a></p>
    """

    static let signin = """
    <h1>{{l.signin}}</h1>
    {{#problem}}<p class="error" role="alert">{{problem}}</p>{{/problem}}
    <form method="post" action="/console/signin">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p><label for="username">{{l.username}}</label><br><input id="username" name="username" autocomplete="username" required value="{{username}}"></p>
    <p><label for="password">{{l.password}}</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
    <p><button type="submit">{{l.signin}}</button></p>
    </form>
    """

    static let overview = """
    <h1>{{l.overview}}</h1>
    <div class="grid">
    <section aria-labelledby="h-state"><h2 id="h-state">{{l.byState}}</h2>
    <table><thead><tr><th scope="col">{{l.state}}</th><th scope="col">{{l.count}}</th></tr></thead><tbody>
    {{#byState}}<tr><td><a href="/console/queue?state={{state}}">{{state}}</a></td><td>{{count}}</td></tr>{{/byState}}
    </tbody></table></section>
    <section aria-labelledby="h-oldest"><h2 id="h-oldest">{{l.oldestUndelivered}}</h2>
    {{#oldest}}<p><a href="/console/messages/{{id}}">{{documentID}}</a> → {{destination}}<br>{{l.age}}: <strong>{{age}}</strong> ({{created}})</p>{{/oldest}}
    {{^oldest}}<p>{{l.none}}</p>{{/oldest}}
    <h2>{{l.lastHour}}</h2>
    <table><tbody><tr><th scope="row">{{l.delivered}}</th><td>{{tally.delivered}}</td></tr><tr><th scope="row">{{l.failed}}</th><td>{{tally.failed}}</td></tr></tbody></table>
    </section>
    <section class="wide" aria-labelledby="h-dest"><h2 id="h-dest">{{l.byDestination}}</h2>
    <table><thead><tr><th scope="col">{{l.destination}}</th>{{#states}}<th scope="col">{{.}}</th>{{/states}}</tr></thead><tbody>
    {{#byDestination}}<tr><th scope="row"><a href="/console/queue?destination={{destination}}">{{destination}}</a></th>{{#counts}}<td>{{.}}</td>{{/counts}}</tr>{{/byDestination}}
    </tbody></table></section>
    <section aria-labelledby="h-unit"><h2 id="h-unit">{{l.byUnit}}</h2>
    <table><thead><tr><th scope="col">{{l.sender}}</th><th scope="col">{{l.count}}</th></tr></thead><tbody>
    {{#byUnit}}<tr><td><a href="/console/queue?sender={{sender}}">{{sender}}</a></td><td>{{count}}</td></tr>{{/byUnit}}
    </tbody></table></section>
    <section aria-labelledby="h-breakers"><h2 id="h-breakers">{{l.breakers}}</h2>
    {{^breakers}}<p>{{l.none}}</p>{{/breakers}}
    {{#hasBreakers}}<table><thead><tr><th scope="col">{{l.destination}}</th><th scope="col">{{l.state}}</th><th scope="col">{{l.failures}}</th><th scope="col">{{l.retryAt}}</th></tr></thead><tbody>{{/hasBreakers}}
    {{#breakers}}<tr><td>{{destination}}</td><td>{{stateLabel}}</td><td>{{failures}}</td><td>{{retryAt}}</td></tr>{{/breakers}}
    {{#hasBreakers}}</tbody></table>{{/hasBreakers}}
    </section>
    <section aria-labelledby="h-certs"><h2 id="h-certs">{{l.certificates}}</h2>
    {{^certificates}}<p>{{l.none}}</p>{{/certificates}}
    {{#certificates}}<p>{{name}}: {{l.daysLeft}} <strong>{{days}}</strong> ({{notAfter}})</p>{{/certificates}}
    </section>
    <section aria-labelledby="h-errors"><h2 id="h-errors">{{l.lastErrors}}</h2>
    {{^errors}}<p>{{l.none}}</p>{{/errors}}
    {{#errors}}<p><code>{{reasonCode}}</code> × {{count}} — {{lastReason}} ({{l.lastSeen}} {{lastAt}})</p>{{/errors}}
    </section>
    </div>
    """

    static let queue = """
    <h1>{{l.queue}}</h1>
    <form class="filters" method="get" action="/console/queue" role="search">
    <label>{{l.direction}}<select name="direction">{{#directions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/directions}}</select></label>
    <label>{{l.state}}<select name="state"><option value="">{{l.any}}</option>{{#stateOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/stateOptions}}</select></label>
    <label>{{l.destination}}<input name="destination" value="{{query.destination}}"></label>
    <label>{{l.sender}}<input name="sender" value="{{query.sender}}"></label>
    <label>{{l.from}}<input name="from" type="date" value="{{query.from}}"></label>
    <label>{{l.to}}<input name="to" type="date" value="{{query.to}}"></label>
    <label>{{l.search}}<input name="q" type="search" value="{{query.q}}"></label>
    <button type="submit">{{l.filter}}</button>
    </form>
    <p>{{total}} {{l.results}} · {{l.page}} {{pageNumber}}</p>
    <table><thead><tr><th scope="col">{{l.documentId}}</th><th scope="col">{{l.subject}}</th><th scope="col">{{l.sender}}</th><th scope="col">{{l.destination}}</th><th scope="col">{{l.state}}</th><th scope="col">{{l.attempts}}</th><th scope="col">{{l.lastReason}}</th><th scope="col">{{l.created}}</th></tr></thead><tbody>
    {{#rows}}<tr><td><a href="{{link}}">{{documentID}}</a></td><td>{{subject}}</td><td>{{from}}</td><td>{{to}}</td><td class="state-{{state}}">{{state}}</td><td>{{attempts}}</td><td>{{reason}}</td><td>{{created}}</td></tr>{{/rows}}
    </tbody></table>
    <nav aria-label="{{l.page}}">{{#previousLink}}<a href="{{previousLink}}" rel="prev">{{l.previous}}</a> {{/previousLink}}{{#nextLink}}<a href="{{nextLink}}" rel="next">{{l.next}}</a>{{/nextLink}}</nav>
    """

    static let message = """
    <h1>{{l.message}} {{documentID}}</h1>
    {{#flash}}<p class="notice" role="status">{{flash}}</p>{{/flash}}
    <div class="grid">
    <section aria-labelledby="h-env"><h2 id="h-env">{{l.envelope}}</h2>
    <table><tbody>
    {{#fields}}<tr><th scope="row">{{label}}</th><td>{{value}}</td></tr>{{/fields}}
    </tbody></table>
    {{#envelopeProblem}}<p class="error">{{l.envelopeUnreadable}}: {{envelopeProblem}}</p>{{/envelopeProblem}}
    <p><a href="{{base}}/edxml" download>{{l.downloadEnvelope}}</a></p>
    </section>
    <section aria-labelledby="h-sig"><h2 id="h-sig">{{l.signature}}</h2>
    <p>{{signatureText}}</p><p>{{l.signer}}: {{signer}}</p>
    <h2>{{l.trace}}</h2>
    {{^trace}}<p>{{l.none}}</p>{{/trace}}
    <ol>{{#trace}}<li>{{organ}} — {{at}}</li>{{/trace}}</ol>
    <h2>{{l.attachments}}</h2>
    {{^attachments}}<p>{{l.none}}</p>{{/attachments}}
    <ul>{{#attachments}}<li><a href="{{base}}/attachments/{{index}}">{{name}}</a> ({{size}} B{{#zipped}}, zip{{/zipped}})</li>{{/attachments}}</ul>
    </section>
    </div>
    {{#outbound}}
    <section aria-labelledby="h-actions"><h2 id="h-actions">{{l.actions}}</h2>
    {{#readOnly}}<p class="notice">{{l.readOnlyNote}}</p>{{/readOnly}}
    {{^readOnly}}<form class="action actions" method="post" action="{{base}}/actions">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" name="action" value="retry">{{l.retry}}</button>
    <button type="submit" name="action" value="hold">{{l.hold}}</button>
    <button type="submit" name="action" value="release">{{l.release}}</button>
    <label>{{l.cancelReason}}<input name="reason" maxlength="500"></label>
    <button type="submit" name="action" value="cancel">{{l.cancel}}</button>
    </form>{{/readOnly}}
    </section>
    <h2>{{l.attempts}}</h2>
    <table><thead><tr><th scope="col">#</th><th scope="col">{{l.at}}</th><th scope="col">{{l.worker}}</th><th scope="col">{{l.outcome}}</th><th scope="col">{{l.duration}}</th><th scope="col">HTTP</th><th scope="col">{{l.reason}}</th></tr></thead><tbody>
    {{#attemptRows}}<tr><td>{{number}}</td><td>{{at}}</td><td>{{worker}}</td><td>{{outcome}}</td><td>{{duration}}</td><td>{{http}}</td><td><code>{{reasonCode}}</code> {{reason}}</td></tr>{{/attemptRows}}
    </tbody></table>
    <h2>{{l.changes}}</h2>
    <table><thead><tr><th scope="col">{{l.at}}</th><th scope="col">{{l.state}}</th><th scope="col">{{l.actor}}</th><th scope="col">{{l.reason}}</th></tr></thead><tbody>
    {{#changes}}<tr><td>{{at}}</td><td>{{from}} → {{to}}</td><td>{{actor}}</td><td><code>{{reasonCode}}</code> {{detail}}</td></tr>{{/changes}}
    </tbody></table>
    {{/outbound}}
    <h2>{{l.timeline}}</h2>
    {{^timeline}}<p>{{l.none}}</p>{{/timeline}}
    {{#hasTimeline}}<table><thead><tr><th scope="col">{{l.at}}</th><th scope="col">{{l.code}}</th><th scope="col">{{l.organ}}</th><th scope="col">{{l.description}}</th></tr></thead><tbody>{{/hasTimeline}}
    {{#timeline}}<tr><td>{{at}}</td><td>{{code}}</td><td>{{organ}}</td><td>{{description}}</td></tr>{{/timeline}}
    {{#hasTimeline}}</tbody></table>{{/hasTimeline}}
    {{#outbound}}
    <h2>{{l.operatorActions}}</h2>
    {{^operatorActions}}<p>{{l.none}}</p>{{/operatorActions}}
    {{#hasActions}}<table><thead><tr><th scope="col">{{l.at}}</th><th scope="col">{{l.actor}}</th><th scope="col">{{l.action}}</th><th scope="col">{{l.reason}}</th><th scope="col">{{l.result}}</th></tr></thead><tbody>{{/hasActions}}
    {{#operatorActions}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{reason}}</td><td>{{result}}</td></tr>{{/operatorActions}}
    {{#hasActions}}</tbody></table>{{/hasActions}}
    {{/outbound}}
    """
}
